# A crash loop backs off and then opens the breaker: `blocked`, breaker
# open, 4 attempts, and the stack is DEGRADED (exit 3) since it is low priority.
source "$(dirname "$0")/../lib.sh"

expect_exit 3 "$LINEUP" up -d
check test "$(ps_field flaky state)" = blocked
check test "$(ps_field flaky breaker)" = open
check test "$(ps_field flaky attempts)" = 4
check test "$(ps_field flaky restarts)" = 3
check test "$(ps_field steady state)" = ready
check test "$(grep -c crashing .lineup/logs/flaky.log)" = 4
expect_exit 0 "$LINEUP" down
expect_no_leftovers
finish
