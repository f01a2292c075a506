# Text from services is not always UTF-8. Every JSON lineup writes (the
# API, SSE events, state.json, last-run.json, report) stays valid, with
# U+FFFD for the bad bytes, and the supervisor never stops over it.
source "$(dirname "$0")/../lib.sh"

curl_events() { curl -sN --unix-socket .lineup/lineup.sock http://lineup/v1/events; }
expect_exit 3 "$LINEUP" up -d   # DEGRADED: `failing` (low) failed on its output
check test "$(ps_field status state)" = ready
check test "$(ps_field failing state)" = failed
expect_exit 0 curl -sf --unix-socket .lineup/lineup.sock http://lineup/v1/services
check python3 -c 'import json, sys; json.loads(sys.argv[1])' "$OUT"
expect_contains "caf�"
for f in .lineup/state.json .lineup/last-run.json; do
  check python3 -c 'import json, sys; json.load(open(sys.argv[1], encoding="utf-8"))' "$f"
done
expect_exit 0 "$LINEUP" report --format json
expect_exit 0 "$LINEUP" report --format trace
check python3 -c 'import json, sys; json.loads(sys.argv[1])' "$OUT"
expect_exit 0 curl -sf --unix-socket .lineup/lineup.sock http://lineup/health/live
expect_exit 0 "$LINEUP" down
expect_no_leftovers
finish
