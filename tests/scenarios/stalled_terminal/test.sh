# A terminal that stops reading never stalls the supervisor: `up` in the
# foreground writes into a pipe nobody reads, yet the flooding service
# becomes ready, its dependent starts, every line reaches the log, and the
# API answers.
source "$(dirname "$0")/../lib.sh"

mkfifo out
sleep 1000 < out &        # holds the read end open and never reads
reader=$!
"$LINEUP" up > out 2>&1 &
up=$!
wait_until 60 sh -c "\"$LINEUP\" ps --format json 2>/dev/null | grep -q '\"name\": \"after\"' && \"$LINEUP\" ps --format json | python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(0 if all(s[\"state\"]==\"ready\" for s in d[\"services\"]) else 1)'" \
  && pass || fail "services did not become ready while the terminal was stalled"
check test "$(grep -c '^line ' .lineup/logs/flood.log)" = 100000
expect_exit 0 "$LINEUP" down
wait $up
kill $reader 2>/dev/null; wait $reader 2>/dev/null
expect_no_leftovers
finish
