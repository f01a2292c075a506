# No output is lost (issue: short-lived services lost their lines in 10-25%
# of `up -d` runs, and lines printed on SIGTERM during `down` in 5 of 30).
# Thirty runs of `up -d` + `down`: after each `up -d` every oneshot's lines
# are in its log; after each `down` every line of every service is there,
# once. Then the foreground, and a log rotation.
source "$(dirname "$0")/../lib.sh"

runs=30
services="once1 once2 once3 once4 quick1 quick2 quick3 quick4"
for run in $(seq 1 $runs); do
  export RUN=$run
  expect_exit 0 "$LINEUP" up -d
  for s in once1 once2 once3 once4; do
    n=$(grep -c "^$s $run [abc]\$" ".lineup/logs/$s.log" 2>/dev/null)
    [ "$n" = 3 ] || fail "run $run: $s has $n of its 3 lines when up -d returned"
  done
  # The quick services count as started when spawned: `down` right after
  # `up -d` could stop one before it printed anything. Their lines are
  # awaited here (each exits on its own once it printed them).
  for s in quick1 quick2 quick3 quick4; do
    wait_until 60 grep -q "^$s $run c\$" ".lineup/logs/$s.log" || fail "run $run: $s never printed its last line"
  done
  expect_exit 0 "$LINEUP" down
done
for s in $services; do
  for run in $(seq 1 $runs); do
    for l in a b c; do
      n=$(grep -c "^$s $run $l\$" ".lineup/logs/$s.log" 2>/dev/null)
      [ "$n" = 1 ] || fail "$s: line \"$run $l\" is there $n times"
    done
  done
  check test "$(wc -l < ".lineup/logs/$s.log")" -eq $((3 * runs))
done
for run in $(seq 1 $runs); do
  for l in up a b; do
    n=$(grep -c "^stopper $run $l\$" .lineup/logs/stopper.log)
    [ "$n" = 1 ] || fail "stopper: line \"$run $l\" (printed on SIGTERM) is there $n times"
  done
done
pass

# The foreground: the same lines reach the terminal (a file here) before lineup exits.
quick_done() { [ "$(grep -cE '^quick[1-4] +\| stopped: exited with code 0$' fg.out)" = 4 ]; }
for run in $(seq 101 110); do
  # Seen once in two runs of `make test` on a loaded machine: this test's
  # directory was gone from run 104 on, and what removed it is not found yet.
  # Say when, and what else ran, rather than wait 60 s a run.
  if [ ! -d "$WORK" ]; then
    fail "the test directory $WORK was removed before foreground run $run ($(date +%T)); running tests:"
    ps -eo pid,etimes,args | grep -E 'tests/(scenarios|cli)/' | grep -v grep
    break
  fi
  RUN=$run "$LINEUP" --no-color up > fg.out 2>&1 &
  pid=$!
  wait_until 60 grep -q "READY in" fg.out || fail "foreground run $run: not READY"
  # As above: SIGTERM once the quick services have printed and exited by
  # themselves (seen: quick3 killed before its first echo on a loaded machine).
  wait_until 60 quick_done || fail "foreground run $run: the quick services did not all exit by themselves"
  kill -TERM $pid
  wait $pid
  for s in $services; do
    n=$(grep -cE "^$s +\| $s $run [abc]\$" fg.out)
    [ "$n" = 3 ] || { fail "foreground run $run: $s printed $n of 3 lines"; cat fg.out; }
  done
  n=$(grep -cE "^stopper +\| stopper $run (a|b)\$" fg.out)
  [ "$n" = 2 ] || fail "foreground run $run: stopper printed $n of 2 lines on SIGTERM"
done
pass

# Across a log rotation (16 MiB): every line, in order, in NAME.log.1 + NAME.log.
cat > rotate.yaml <<'YAML'
services:
  flood: {command: ["seq", "1", "2500000"], type: oneshot}
YAML
expect_exit 0 "$LINEUP" -f rotate.yaml up -d
check test -f .lineup/logs/flood.log.1
check cmp -s <(cat .lineup/logs/flood.log.1 .lineup/logs/flood.log) <(seq 1 2500000)
check test -f .lineup/logs/flood.log.1.times
expect_exit 0 "$LINEUP" -f rotate.yaml down

# `logs --timestamps`: when lineup read each line (UTC, milliseconds).
expect_exit 0 "$LINEUP" logs --timestamps once1
check grep -qE '^once1 +\| 20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]\.[0-9]{3}Z once1 1 a$' <<<"$OUT"
stamp=$(grep -m1 -oE '20[0-9-]+T[0-9:.]+Z' <<<"$OUT")
check python3 -c '
import datetime, sys
t = datetime.datetime.strptime(sys.argv[1], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
now = datetime.datetime.now(datetime.timezone.utc)
sys.exit(0 if datetime.timedelta(0) <= now - t < datetime.timedelta(hours=1) else 1)' "$stamp"
# A reader that goes away early: no "Broken pipe", exit 0.
"$LINEUP" logs flood 2> head.err | head -1 > /dev/null
check test "${PIPESTATUS[0]}" -eq 0
check test ! -s head.err

expect_no_leftovers
finish
