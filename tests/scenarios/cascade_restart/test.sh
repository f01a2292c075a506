# When db crashes and restarts, api (depends_on restart: true) is restarted
# after db is ready again; worker (no restart: true) keeps running.
source "$(dirname "$0")/../lib.sh"

expect_exit 0 "$LINEUP" up -d
worker_pid=$(ps_field worker pid)
rm -f db.pid.old; mv db.pid db.pid.old
kill -9 "$(cat db.pid.old)"
wait_until 20 sh -c 'test "$(wc -l < api.starts)" -ge 2' && pass || fail "api was not restarted"
wait_until 20 sh -c "test \"\$(\"$LINEUP\" ps --format json | python3 -c 'import json,sys; print(next(s[\"state\"] for s in json.load(sys.stdin)[\"services\"] if s[\"name\"]==\"api\"))')\" = ready" && pass || fail "api not ready again"
check test "$(ps_field db restarts)" = 1
check test "$(ps_field worker pid)" = "$worker_pid"
check test "$(wc -l < worker.starts)" = 1
expect_exit 0 "$LINEUP" down
expect_no_leftovers
finish
