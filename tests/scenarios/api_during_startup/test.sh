# The API answers while 1,000 services start: spawning yields to the event
# loop, so a `ps` in the middle of the startup sees it in the middle.
source "$(dirname "$0")/../lib.sh"

python3 - > lineup.yaml <<'PY'
print("services:")
for i in range(1000):
    print(f"  s{i}:\n    command: [sleep, '1000']\n    min_uptime: 0")
PY
"$LINEUP" up -q > up.log 2>&1 &
up=$!
wait_until 120 test -S .lineup/lineup.sock || fail "no control socket"
# One answer, taken as soon as the socket exists: before every service has
# been spawned (a loop busy spawning answers only once all are).
curl -sf -m 120 --unix-socket .lineup/lineup.sock http://lineup/v1/services > first.json
check python3 - <<'PY'
import json
d = json.load(open("first.json"))
spawned = sum(1 for s in d["services"] if s.get("pid"))
print(f"first answer: {d['result']}, {spawned} of {len(d['services'])} spawned")
assert d["result"] == "STARTING" and spawned < 1000
PY
stack_ready() { [ "$("$LINEUP" ps --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["result"])')" = READY ]; }
wait_until 300 stack_ready || fail "not READY"
expect_exit 0 "$LINEUP" down
wait $up
expect_no_leftovers
finish
