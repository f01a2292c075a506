# A service that ignores SIGTERM is SIGKILLed (with its whole process group)
# once its stop_grace_period is over; down still succeeds and nothing is left.
source "$(dirname "$0")/../lib.sh"

expect_exit 0 "$LINEUP" up -d
expect_exit 0 "$LINEUP" down
expect_no_leftovers
check grep -q "ignoring TERM" .lineup/logs/stubborn.log
check grep -q "stop_grace_period" .lineup/lineup.log
finish
