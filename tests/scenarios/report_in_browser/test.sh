# The startup report's timeline (SVG inside the HTML report) rendered by a
# real browser: Debian's chromium takes a headless screenshot, and the
# picture must show what a person reads from it — bars in the state colours,
# the failed service in red, and the critical chain outlined with arrows.
source "$(dirname "$0")/../lib.sh"

expect_exit 3 "$LINEUP" up -d   # DEGRADED: `metrics` (low) fails
expect_exit 0 "$LINEUP" report --format html -o report.html
expect_exit 0 "$LINEUP" report --format svg -o report.svg
expect_exit 0 "$LINEUP" down
expect_no_leftovers
check python3 -c 'import xml.etree.ElementTree as e; e.parse("report.svg")'

timeout 120 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$PWD/chrome" \
  --window-size=1300,520 --screenshot="$PWD/shot.png" "file://$PWD/report.html" >chrome.log 2>&1
check test -s shot.png

# Debian's python3 has python3-pil.
/usr/bin/python3 - <<'PY' && pass || fail "the screenshot does not show the timeline"
from PIL import Image
img = Image.open("shot.png").convert("RGB")
assert img.size == (1300, 520), img.size
counts = {}
for px in img.getdata():
    counts[px] = counts.get(px, 0) + 1
def near(rgb, tol=12):
    return sum(n for px, n in counts.items() if all(abs(a - b) <= tol for a, b in zip(px, rgb)))
colours = {"grey (waiting)": (0xd5, 0xd8, 0xdc), "amber (starting)": (0xf5, 0xb0, 0x41),
           "green (ready)": (0x58, 0xd6, 0x8d), "red (failed)": (0xe7, 0x4c, 0x3c),
           "dark red (critical chain)": (0xc0, 0x39, 0x2b)}
seen = {name: near(rgb) for name, rgb in colours.items()}
print(seen)
for name, n in seen.items():
    assert n > 300, f"{name}: {n} pixels"
PY
# The critical chain as the report states it.
expect_exit 0 "$LINEUP" report --format json
python3 -c 'import json,sys; assert json.loads(sys.argv[1])["critical_path"] == ["db","migrate","api","web"]' "$OUT" \
  && pass || fail "critical path: $OUT"
finish
