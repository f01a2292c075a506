# start / stop / restart of one service of a running stack, through the
# API on .lineup/lineup.sock (mode 0600).
source "$(dirname "$0")/../lib.sh"

expect_exit 0 "$LINEUP" up -d
check test "$(stat -c %a .lineup/lineup.sock)" = 600
# Server-sent events: the snapshot first, then every state change.
curl -sN --unix-socket .lineup/lineup.sock http://lineup/v1/events > events.txt &
events=$!
wait_until 10 grep -q "^event: snapshot" events.txt && pass || fail "no snapshot event"
check grep -q '^data: {"result":"READY"' events.txt
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
python3 - <<'PY' && pass || fail "event stream"
import json
events = [json.loads(l[6:]) for l in open("events.txt") if l.startswith("data: ")]
changes = [(e["service"], e["to"]) for e in events[1:] if "service" in e]
def after(seq, *want):
    i = 0
    for item in seq:
        if i < len(want) and item == want[i]: i += 1
    return i == len(want)
assert after(changes, ("api", "stopping"), ("api", "stopped"), ("api", "starting"), ("api", "ready")), changes
assert after(changes, ("db", "stopping"), ("db", "starting"), ("db", "ready")), changes
PY
kill $events 2>/dev/null; wait $events 2>/dev/null
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
