# Eager DAG scheduling: every service starts after its dependencies meet
# their conditions, and no later than that: c does not wait for the slow,
# unrelated service to be ready.
source "$(dirname "$0")/../lib.sh"

expect_exit 0 "$LINEUP" up -d
python3 - <<'PY' && pass || fail "order"
stamps = {}
for line in open("stamps.log"):
    kind, name, t = line.split()
    stamps[(kind, name)] = int(t)
def before(x, y):
    assert stamps[x] <= stamps[y], f"{x} after {y}"
before(("ready", "a"), ("start", "b"))
before(("ready", "a"), ("start", "c"))
before(("ready", "b"), ("start", "c"))
before(("ready", "slow"), ("start", "d"))
before(("start", "c"), ("start", "d"))
# eager: c (after a and b, ~0.1 s) starts long before slow (1 s) is ready
before(("start", "c"), ("ready", "slow"))
PY
check test "$(ps_field d state)" = ready
expect_exit 0 "$LINEUP" ps
expect_contains "READY"
expect_exit 0 "$LINEUP" down
expect_no_leftovers
# The report of the run names the critical chain through the slow service.
python3 -c 'import json; d=json.load(open(".lineup/last-run.json")); assert d["result"]=="READY", d; assert d["critical_path"]==["slow","d"], d["critical_path"]' && pass || fail "critical path"
expect_exit 0 "$LINEUP" report
expect_contains "READY in"
expect_contains "slow @0."
expect_contains "└ d @"
expect_exit 0 "$LINEUP" report --format svg -o timeline.svg
check grep -q "</svg>" timeline.svg
expect_exit 0 "$LINEUP" report --format trace
python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert any(e["ph"]=="X" for e in d["traceEvents"])' "$OUT" && pass || fail "trace json"
finish
