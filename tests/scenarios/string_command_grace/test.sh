# `stop_grace_period` holds for the whole process group, not only for the
# main process: the shell of a string command exiting first does not cut
# the program's clean shutdown short.
source "$(dirname "$0")/../lib.sh"

expect_exit 0 "$LINEUP" up -d
expect_exit 0 "$LINEUP" down
check grep -q "flushed" .lineup/logs/server.log
check grep -q "server *| stopped" .lineup/lineup.log
expect_no_leftovers
finish
