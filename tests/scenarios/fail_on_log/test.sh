# fail_on_log fails the attempt at once, long before the 5 minute timeout.
source "$(dirname "$0")/../lib.sh"

expect_exit 1 "$LINEUP" up -d
wait_until 20 sh -c "! \"$LINEUP\" ps | grep -q STARTING" || true
check grep -q "fail_on_log" .lineup/last-run.json
check grep -q "address already in use" .lineup/last-run.json
expect_no_leftovers
finish
