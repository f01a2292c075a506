# A second `up` of a running project applies the file to it (nothing
# changed: nothing is touched, exit 0) instead of starting a second stack.
source "$(dirname "$0")/../lib.sh"

expect_exit 0 "$LINEUP" up -d
pid=$(ps_field web pid)
expect_exit 0 "$LINEUP" up -d
expect_contains "nothing to change"
expect_contains "READY"
check test "$(ps_field web pid)" = "$pid"
check test "$(ps_field web attempts)" = 1
expect_exit 0 "$LINEUP" down
expect_no_leftovers
expect_exit 0 "$LINEUP" down
expect_contains "nothing is running"
# A state directory that other users can write is refused.
chmod o+w .lineup
expect_exit 1 "$LINEUP" up -d
expect_contains "writable by other users"
chmod o-w .lineup
expect_exit 0 "$LINEUP" up -d
expect_exit 0 "$LINEUP" down
expect_no_leftovers
finish
