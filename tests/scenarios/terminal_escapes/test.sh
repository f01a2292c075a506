# Control characters from services are shown, not obeyed: in lineup's own
# messages (a fail_on_log reason) every one is escaped; on the `name | `
# path colours stay and cursor movement is escaped.
source "$(dirname "$0")/../lib.sh"
esc=$'\x1b'

expect_exit 3 "$LINEUP" up -d
expect_contains 'noisy: failed to start: output matched fail_on_log: boom \e[2J\e]0;owned\x07 address already in use'
check test "$(grep -c "$esc" <<<"$OUT")" -eq 0
expect_exit 0 "$LINEUP" ps
check test "$(grep -c "$esc" <<<"$OUT")" -eq 0
expect_exit 0 "$LINEUP" report
check test "$(grep -c "$esc" <<<"$OUT")" -eq 0
check test "$(grep -c "$esc" .lineup/lineup.log)" -eq 0
expect_exit 0 "$LINEUP" --no-color logs colour
expect_contains "${esc}[31mred${esc}[0m then \\e[2Aup${esc}[0m"
expect_exit 0 "$LINEUP" down
expect_no_leftovers
finish
