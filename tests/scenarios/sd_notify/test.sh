# READY=1 from the real systemd-notify binary (a helper process, not the
# service's main pid) makes the service ready; STATUS= shows in ps.
source "$(dirname "$0")/../lib.sh"

expect_exit 0 "$LINEUP" up -d
check test "$(ps_field notifier state)" = ready
check test "$(ps_field notifier status)" = serving
check test "$(ps_field after state)" = ready
expect_exit 0 "$LINEUP" down
expect_no_leftovers
finish
