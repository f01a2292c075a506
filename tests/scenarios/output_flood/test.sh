# A service that floods its output is never blocked, and every line reaches
# the log whole and in order.
source "$(dirname "$0")/../lib.sh"

expect_exit 0 "$LINEUP" up -d
python3 - <<'PY' && pass || fail "log content"
lines = open(".lineup/logs/flood.log").read().split("\n")
numbered = [l for l in lines if l.startswith("line ")]
assert len(numbered) == 200000, len(numbered)
for i, l in enumerate(numbered):
    assert l == "line %d %s" % (i, "x" * (i % 97)), (i, l[:80])
PY
expect_exit 0 "$LINEUP" down
expect_no_leftovers
finish
