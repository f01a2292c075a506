# A non-critical failure degrades the stack: dependents that require it are
# skipped, optional dependents start anyway; up exits 3.
source "$(dirname "$0")/../lib.sh"

expect_exit 3 "$LINEUP" up -d
expect_contains "DEGRADED"
check test "$(ps_field search state)" = failed
check test "$(ps_field indexer state)" = skipped
check test "$(ps_field web state)" = ready
check test "$(ps_field core state)" = ready
expect_exit 0 "$LINEUP" ps --format json
expect_contains '"result": "DEGRADED"'
expect_exit 0 "$LINEUP" down
expect_no_leftovers
finish
