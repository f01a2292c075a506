# A critical service that fails fails the startup: everything already
# started is stopped again, in reverse order, and up exits 1.
source "$(dirname "$0")/../lib.sh"

expect_exit 1 "$LINEUP" up -d
expect_contains "FAILED"
# The supervisor tears down and exits by itself.
wait_until 20 sh -c "! \"$LINEUP\" ps | grep -q READY" && pass || fail "still running"
expect_no_leftovers
python3 - <<'PY' && pass || fail "last-run.json"
import json
d = json.load(open(".lineup/last-run.json"))
assert d["result"] == "FAILED", d["result"]
assert d["services"]["api"]["status"] == "failed", d["services"]["api"]
assert "exited with code 2" in d["services"]["api"]["error"], d["services"]["api"]["error"]
PY
finish
