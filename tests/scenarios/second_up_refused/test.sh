# A second `up` of a running project is refused with a clear message.
source "$(dirname "$0")/../lib.sh"

expect_exit 0 "$LINEUP" up -d
expect_exit 1 "$LINEUP" up -d
expect_contains "already running"
expect_exit 1 "$LINEUP" up
expect_contains "already running"
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
