# on_state hooks (SPEC 3, "Hooks, watch and limits"): a command gets the
# event in LINEUP_*; a webhook is POSTed JSON; a failed POST is tried again;
# one that keeps failing is reported without its secret path; secrets in the
# reason are masked; a crash loop is rate-limited (what is dropped is counted
# in the next delivery); a receiver that never answers blocks nothing.
source "$(dirname "$0")/../lib.sh"
export HOOK_PORT=$(free_port)
/usr/bin/python3 "$SRC/tests/servers/webhook_recorder.py" "$HOOK_PORT" received.jsonl > recorder.out 2>&1 &
recorder=$!
trap 'kill $recorder 2>/dev/null; cleanup' EXIT
check wait_until 30 grep -q listening recorder.out
received() {  # received PATH EVENT SERVICE: how many POSTs of that event reached PATH
  /usr/bin/python3 - "$@" <<'PY'
import json, sys
path, event, service = sys.argv[1:4]
n = 0
for line in open("received.jsonl"):
    r = json.loads(line)
    b = r["body"]
    if r["path"] == path and b.get("event") == event and b.get("service") == service:
        n += 1
print(n)
PY
}
at_least() { [ "$(received "$1" "$2" "$3")" -ge "$4" ]; }

expect_exit 3 "$LINEUP" up -d   # flaky fails (low): DEGRADED, even with /hang never answering

# The command: its environment names the event; the secret in the reason is masked.
check wait_until 30 test -s hook-failed-flaky.txt
check grep -qx "LINEUP_EVENT=failed" hook-failed-flaky.txt
check grep -qx "LINEUP_SERVICE=flaky" hook-failed-flaky.txt
check grep -qx "LINEUP_STATE=failed" hook-failed-flaky.txt
check grep -q "^LINEUP_REASON=.*boom \*\*\*" hook-failed-flaky.txt
check test -z "$(grep -l tok-secret-123 hook-*.txt)"

# The webhook: flaky's failure and the stack's DEGRADED, as JSON; the first
# POST to /fail-once got a 500 and was sent again.
check wait_until 30 at_least /fail-once failed flaky 1
check wait_until 30 at_least /fail-once degraded "" 1
three_posts() { [ "$(grep -c '"/fail-once"' received.jsonl)" -ge 3 ]; }
check wait_until 30 three_posts
check test -z "$(grep tok-secret-123 received.jsonl)"
/usr/bin/python3 - <<'PY' && pass || fail "webhook JSON"
import json
for line in open("received.jsonl"):
    r = json.loads(line)
    b = r["body"]
    if r["path"] == "/fail-once" and b["event"] == "failed":
        assert b["service"] == "flaky" and b["state"] == "failed", b
        assert "***" in b["reason"] and b["stack"] and b["text"].startswith("lineup: "), b
        assert r["headers"]["X-Stack"] == "demo" and r["headers"]["Content-Type"] == "application/json", r
        break
else:
    raise SystemExit("no failed event")
PY

# A receiver that keeps failing: three attempts, then one line, without the path's secret.
check wait_until 30 grep -q "on_state: http http://127.0.0.1:$HOOK_PORT for flaky failed: failed 3 times" .lineup/lineup.log
check test "$(received /always-500/T0KEN-in-path failed flaky)" = 3
check test -z "$(grep T0KEN .lineup/lineup.log)"

# The crash loop: many restarts, few hook runs; a later one counts what was dropped.
many_restarts() { [ "$(ps_field looper attempts)" -ge 40 ]; }
check wait_until 60 many_restarts
dropped_counted() { grep -qv '^0$' restarted.txt; }
check wait_until 30 dropped_counted
runs=$(wc -l < restarted.txt)
attempts=$(ps_field looper attempts)
check test "$runs" -lt "$attempts"
check test "$runs" -le 20

# /hang never answered the ready hooks: the stack answered all along, and down is bounded.
expect_exit 0 "$LINEUP" ps
expect_exit 0 "$LINEUP" down
expect_no_leftovers
finish
