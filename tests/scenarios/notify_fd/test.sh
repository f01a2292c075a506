# A newline on the notify fd (s6 / dinit style) proves readiness.
source "$(dirname "$0")/../lib.sh"

expect_exit 0 "$LINEUP" up -d
check test "$(ps_field s6style state)" = ready
check test "$(ps_field dependent state)" = ready
expect_exit 0 "$LINEUP" down
expect_no_leftovers
finish
