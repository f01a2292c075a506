# start / stop / restart of one service of a running stack, through the
# API on .lineup/lineup.sock (mode 0600).
source "$(dirname "$0")/../lib.sh"

expect_exit 0 "$LINEUP" up -d
check test "$(stat -c %a .lineup/lineup.sock)" = 600
expect_exit 0 "$LINEUP" stop api
expect_contains "api: stopped"
check test "$(ps_field api state)" = stopped
check test "$(ps_field api pid)" = 0
expect_exit 0 "$LINEUP" start api
expect_contains "api: ready"
check test "$(wc -l < api.starts)" = 2
expect_exit 0 "$LINEUP" restart db
expect_contains "db: ready"
check test "$(wc -l < db.starts)" = 2
check test "$(ps_field db attempts)" = 2
expect_exit 2 "$LINEUP" restart nosuch
expect_contains 'no service named "nosuch"'
# The same API serves Prometheus metrics and health over the socket.
expect_exit 0 curl -sf --unix-socket .lineup/lineup.sock http://lineup/metrics
expect_contains 'lineup_service_attempts_total{service="db"} 2'
expect_contains 'lineup_stack_state{state="READY"} 1'
expect_exit 0 curl -sf --unix-socket .lineup/lineup.sock http://lineup/health/ready
expect_exit 0 curl -sf --unix-socket .lineup/lineup.sock http://lineup/health/startup
expect_contains '"critical_path"'
expect_exit 0 "$LINEUP" down
expect_no_leftovers
check test ! -e .lineup/lineup.sock
expect_exit 1 "$LINEUP" stop api
expect_contains "nothing is running"
finish
