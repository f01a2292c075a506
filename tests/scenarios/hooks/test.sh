# post_start and pre_stop (compose's spelling) with real processes.
source "$(dirname "$0")/../lib.sh"

expect_exit 0 "$LINEUP" up -d
wait_until 60 test -s third.out || fail "the third post_start command did not run"
check test "$(cat post_start.out)" = "hello from $WORK"
check grep -qF "db: post_start sh -c 'exit 3': exited with code 3" .lineup/lineup.log
check test "$(ps_field db state)" = ready
check test ! -e pre_stop.out
expect_exit 0 "$LINEUP" down
check test "$(cat pre_stop.out)" = flushing
expect_no_leftovers
finish
