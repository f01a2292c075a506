# On a terminal, `up` redraws one line per service in place while the stack
# starts (like compose), with service output scrolling above the block, then
# prints the result. Off a terminal there is not one escape sequence.
source "$(dirname "$0")/../lib.sh"

# `script` gives lineup a pseudo-terminal and records what it drew.
TERM=xterm script -qfec "$LINEUP up" typescript >/dev/null 2>&1 &
term=$!
wait_until 30 grep -q "READY in" typescript && pass || fail "no result on the terminal"
read -r guardian _ < .lineup/lineup.pid
kill -TERM "$guardian"
wait $term
python3 - <<'PY' && pass || fail "progress block"
import re
t = open("typescript", encoding="utf-8", errors="replace").read()
redraws = re.findall(r"\x1b\[(\d+)F\x1b\[J", t)
assert len(redraws) >= 3, f"{len(redraws)} redraws"
assert all(n == "4" for n in redraws), redraws      # head line + three services, always
assert "[+] starting: 0/3 ready" in t and "[+] starting: 2/3 ready" in t
assert re.search(r"✔\x1b\[0m db +ready", t), "db never shown ready"
assert re.search(r"\x1b\[0m api +starting", t), "api never shown starting"
# Output printed above the block, whole; the result after the block is gone.
assert "db listening" in t
result = t.index("READY in")
assert t.rfind("[+] starting", 0, result) < t.rfind("\x1b[J", 0, result), "block not erased before the result"
PY
expect_no_leftovers

# Not a terminal: plain lines, no escape sequences at all.
rm -f db.ok api.ok
expect_exit 0 "$LINEUP" up -d
expect_exit 0 "$LINEUP" down
"$LINEUP" --no-color up > plain.txt 2>&1 &
up=$!
wait_until 30 grep -q "READY in" plain.txt && pass || fail "no result in plain output"
read -r guardian _ < .lineup/lineup.pid
kill -TERM "$guardian"
wait $up
check test "$(grep -c $'\033' plain.txt)" = 0
check grep -q "^api *| ready" plain.txt
expect_no_leftovers
finish
