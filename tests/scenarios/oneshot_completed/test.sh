# A oneshot must exit 0 before `completed` dependents start; a failing one
# is `failed` (exit code in the error) and its dependents are skipped.
source "$(dirname "$0")/../lib.sh"

expect_exit 3 "$LINEUP" up -d
check test "$(ps_field migrate state)" = completed
check test "$(ps_field api state)" = ready
check test "$(ps_field bad-migrate state)" = failed
check grep -q "exited with code 3" <<<"$(ps_field bad-migrate status)"
check test "$(ps_field needs-bad state)" = skipped
check grep -q "api sees the migration" .lineup/logs/api.log
expect_exit 0 "$LINEUP" down
expect_no_leftovers
finish
