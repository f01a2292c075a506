# lineup under resource exhaustion: no file descriptors left (EMFILE), a
# full disk under the logs and under the whole state directory, and fork
# failing (RLIMIT_NPROC). In each case the affected services say why, the
# rest keeps running and stays supervised, lineup neither crashes nor
# spins, and `down` works.
source "$(dirname "$0")/../lib.sh"

MOUNTS=()
NOBODY_DIR=""
more_cleanup() {
  "$LINEUP" down --emergency >/dev/null 2>&1
  for d in "$WORK/disk" "$NOBODY_DIR"; do
    [ -n "$d" ] && [ -d "$d" ] && "$LINEUP" --project-dir "$d" down --emergency >/dev/null 2>&1
  done
  for p in $(leftovers); do kill -9 "$p" 2>/dev/null; done
  wait_until 10 no_leftovers
  for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do umount -l "${MOUNTS[$i]}" 2>/dev/null; done
  [ -n "$NOBODY_DIR" ] && rm -rf "$NOBODY_DIR"
  cleanup
}
trap more_cleanup EXIT

alive() { kill -0 "$1" 2>/dev/null; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }   # utime + stime, 1/100 s
# CPU the process used in one second, in 1/100 s.
cpu_in_a_second() { local a b; a=$(cpu_ticks "$1"); sleep 1; b=$(cpu_ticks "$1"); echo $((b - a)); }
size_above() { [ "$(stat -c %s "$1")" -gt "$2" ]; }
disk_full() { [ "$(df --output=avail "$1" | tail -1 | tr -d ' ')" = 0 ]; }
valid_json() { /usr/bin/python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert d.get(sys.argv[2])' "$1" "$2" 2>/dev/null; }
begin=$SECONDS

# --- (a) EMFILE ---------------------------------------------------------------------------------
# 30 services under RLIMIT_NOFILE 32: the first ones get their pipe and log
# file, the later ones cannot.
mkdir run
OUT=$(timeout 60 prlimit --nofile=32 "$LINEUP" up -d 2>&1); code=$?
check test "$code" = 3                                   # DEGRADED, not a crash
echo "resource_exhaustion: EMFILE: up -d: exit $code: $OUT"
read -r guardian supervisor < .lineup/lineup.pid
check alive "$supervisor"
emfile_failed=$(grep -c "| failed: .*Too many open files" .lineup/lineup.log)
wait_until 10 test -n "$(ls run)"
running=""; for f in run/*.pid; do alive "$(cat "$f")" && running="$running $(cat "$f")"; done
echo "resource_exhaustion: EMFILE: $(echo $running | wc -w) services running, $emfile_failed failed with \"Too many open files\""
check test "$emfile_failed" -ge 1
check test -n "$running"
grep "| failed: " .lineup/lineup.log | head -2
# Idle, it stays idle.
check test "$(cpu_in_a_second "$supervisor")" -le 20
# The API answers (or refuses) at once, and the supervisor does not spin on
# a connection it cannot accept.
OUT=$(timeout 10 "$LINEUP" ps --format json 2>&1); code=$?
if [ "$code" = 0 ]; then
  pass
  if grep -q "Too many open files" <<<"$OUT"; then pass; else fail "ps does not show the EMFILE error: $OUT"; fi
else
  fail "lineup ps got no answer in 10 s (exit $code) while the supervisor is out of file descriptors"
fi
busy=$(cpu_in_a_second "$supervisor")
if [ "$busy" -le 20 ]; then pass; else
  fail "the supervisor spins out of file descriptors: ${busy}0 ms of CPU in 1 s after an API connection (accept() fails with EMFILE in a loop)"
fi
# Still supervising: a service that dies is noticed.
victim=$(echo $running | awk '{print $1}')
kill -9 "$victim"
wait_until 10 grep -q "| failed: killed by signal 9" .lineup/lineup.log && pass || fail "the death of a service went unnoticed"
OUT=$(timeout 30 "$LINEUP" down 2>&1) && pass || fail "down: $OUT"
expect_no_leftovers

# So few descriptors that lineup cannot start at all: a clear error, no crash.
# (Below ~8 descriptors the dynamic loader itself cannot open lineup's
# libraries: nothing lineup could report; 10 is the smallest that matters.)
for n in 10; do
  rm -f .lineup/lineup.log
  OUT=$(timeout 30 prlimit --nofile=$n "$LINEUP" up -d 2>&1); code=$?
  log=$(cat .lineup/lineup.log 2>/dev/null)
  echo "resource_exhaustion: RLIMIT_NOFILE=$n: up -d: exit $code: $(echo "$OUT" | tr '\n' ' ')"
  # 1: could not start; 3: started, its services could not (how far it gets
  # depends on the descriptors the caller left open)
  case "$code" in 1|3) pass ;; *) fail "nofile=$n: up -d exit $code" ;; esac
  if grep -q "Too many open files" <<<"$OUT$log"; then pass; else fail "nofile=$n: no \"Too many open files\" anywhere (exit $code, output: \"$OUT\")"; fi
  if grep -q "terminate called" <<<"$log"; then
    fail "nofile=$n: the supervisor aborted on an uncaught exception: $(grep -A1 'terminate called' <<<"$log" | tr '\n' ' ')"
  else pass; fi
  timeout 30 "$LINEUP" down >/dev/null 2>&1
  expect_no_leftovers
done

# --- (b) full disk under .lineup/logs ------------------------------------------------------------
cd "$WORK/disk"
mkdir -p .lineup/logs && chmod 700 .lineup
if mount -t tmpfs -o size=1m,mode=0755 tmpfs .lineup/logs 2>/dev/null; then
  MOUNTS+=("$WORK/disk/.lineup/logs")
  touch late.flag fill.flag
  expect_exit 0 "$LINEUP" up -d
  read -r guardian supervisor < .lineup/lineup.pid
  wait_until 30 grep -q "cannot write .*/logs/.*: No space left on device" .lineup/lineup.log && pass \
    || fail "lineup did not say that it cannot write the logs"
  grep "cannot write" .lineup/lineup.log | head -3
  # Every service is still up and supervised; the liveness probe still runs.
  quiet_attempts=$(ps_field quiet attempts)
  for s in big ticker quiet late; do check test "$(ps_field $s state)" = ready; done
  check test "$(cpu_in_a_second "$supervisor")" -le 50
  check test "$(ps_field quiet attempts)" = "$quiet_attempts"
  # Space comes back: logging resumes by itself.
  truncate -s 0 .lineup/logs/big.log                     # (lineup holds it open: rm would free nothing)
  size=$(stat -c %s .lineup/logs/ticker.log)
  wait_until 30 size_above .lineup/logs/ticker.log $((size + 20000)) && pass || fail "logging did not resume"
  n=$(grep -c "cannot write" .lineup/lineup.log)
  echo "resource_exhaustion: full log disk: $n \"cannot write\" lines in lineup.log"
  check test "$n" -le 8                                  # said once per failure streak, not per line
  # What reached the file is whole lines; lines that found no room are missing, none is cut.
  /usr/bin/python3 - <<'PY' && pass || fail "ticker.log has cut lines after the disk was full"
import re
data = open(".lineup/logs/ticker.log", "rb").read()
lines = data.split(b"\n")[:-1]
bad = [(n, l[:60]) for n, l in enumerate(lines) if not re.match(rb"^tick \d{8} t{186}$", l)]
seqs = [int(l[5:13]) for l in lines if re.match(rb"^tick \d{8} t{186}$", l)]
lost = sum(b - a - 1 for a, b in zip(seqs, seqs[1:]) if b > a + 1)
print(f"resource_exhaustion: ticker.log: {len(seqs)} whole lines, {lost} lost while the disk was full, {len(bad)} cut: {bad[:3]}")
assert not bad
PY
  expect_exit 0 "$LINEUP" down
  expect_no_leftovers
  umount .lineup/logs && unset 'MOUNTS[-1]'

  # --- (b2) full disk under the whole state directory ---------------------------------------------
  # state.json and last-run.json are replaced atomically: a write that
  # fails for lack of space must leave the previous file, never an empty one.
  rm -rf .lineup && mkdir .lineup
  mount -t tmpfs -o size=1m,mode=0700 tmpfs .lineup
  MOUNTS+=("$WORK/disk/.lineup")
  rm -f fill.flag
  expect_exit 0 "$LINEUP" up -d
  expect_exit 0 "$LINEUP" down
  check valid_json .lineup/last-run.json result
  rm -f late.flag
  touch fill.flag
  "$LINEUP" up -d > up.out 2>&1 &
  client=$!
  wait_until 30 disk_full .lineup && pass || fail "the disk did not fill"
  touch late.flag                                        # the result comes while the disk is full
  wait_until 30 gone "$client"
  wait "$client"; check test $? = 0
  read -r guardian supervisor < .lineup/lineup.pid
  for s in big ticker quiet late; do check test "$(ps_field $s state)" = ready; done
  "$LINEUP" stop quiet >/dev/null                        # a state change while the disk is full
  if valid_json .lineup/state.json services; then pass; else
    fail "state.json is not valid JSON after a write on a full disk ($(stat -c %s .lineup/state.json) bytes)"
  fi
  if valid_json .lineup/last-run.json result; then pass; else
    fail "last-run.json is not valid JSON after a write on a full disk ($(stat -c %s .lineup/last-run.json) bytes)"
  fi
  expect_exit 0 "$LINEUP" report
  expect_exit 0 "$LINEUP" down
  if valid_json .lineup/state.json services; then pass; else fail "state.json is not valid JSON after down"; fi
  expect_no_leftovers
  umount .lineup && unset 'MOUNTS[-1]'
else
  echo "resource_exhaustion: SKIPPED full disk: cannot mount a tmpfs here"
fi
cd "$WORK"

# --- (c) fork failure (RLIMIT_NPROC, which root ignores) -------------------------------------------
if ! id nobody >/dev/null 2>&1 || ! command -v runuser >/dev/null; then
  echo "resource_exhaustion: SKIPPED fork failure: no user nobody or no runuser"
elif ! runuser -u nobody -- test -x "$LINEUP"; then
  echo "resource_exhaustion: SKIPPED fork failure: user nobody cannot run $LINEUP"
elif [ -n "$(ps -u nobody -o pid= 2>/dev/null)" ]; then
  echo "resource_exhaustion: SKIPPED fork failure: user nobody runs processes already (RLIMIT_NPROC counts them)"
else
  NOBODY_DIR=$(mktemp -d /tmp/lineup-nproc.XXXXXX)
  cp nproc/lineup.yaml "$NOBODY_DIR"/
  chown -R nobody:nogroup "$NOBODY_DIR"
  # (ASAN_OPTIONS matters only to the ASan build: at exit LeakSanitizer needs
  # a thread of its own, which RLIMIT_NPROC refuses, and it aborts.)
  as_nobody() { runuser -u nobody -- env LINEUP_SCENARIO="$WORK" PATH=/usr/bin:/bin ASAN_OPTIONS=detect_leaks=0 "$@"; }
  nps_field() {
    "$LINEUP" --project-dir "$NOBODY_DIR" ps --format json | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
print(next((str(s[sys.argv[2]]) for s in d["services"] if s["name"] == sys.argv[1]), ""))' "$1" "$2"
  }
  nstate_is() { [ "$(nps_field "$1" state)" = "$2" ]; }
  nobody_idle() { [ -z "$(ps -u nobody -o pid=)" ]; }
  # 6 processes: `up -d`, the guardian, the supervisor and its output
  # thread, then services until the limit.
  wait_until 10 nobody_idle
  OUT=$(as_nobody prlimit --nproc=6 "$LINEUP" --project-dir "$NOBODY_DIR" up -d 2>&1); code=$?
  check test "$code" = 3
  ready=() failed=()
  for s in s1 s2 s3 s4 s5 s6 s7 s8; do
    case "$(nps_field $s state)" in ready) ready+=($s) ;; failed) failed+=($s) ;; esac
  done
  echo "resource_exhaustion: RLIMIT_NPROC=6: ready: ${ready[*]}; failed: ${failed[*]}: $(nps_field "${failed[0]:-s8}" status)"
  check test ${#ready[@]} -ge 1
  check test ${#failed[@]} -ge 1
  check grep -q "Resource temporarily unavailable" <<<"$(nps_field "${failed[0]:-s8}" status)"
  # Still supervising: a ready service killed is noticed; the freed slot lets a failed one start.
  kill -9 "$(nps_field "${ready[0]}" pid)"
  wait_until 10 nstate_is "${ready[0]}" failed && pass || fail "the death of ${ready[0]} went unnoticed"
  expect_exit 0 as_nobody "$LINEUP" --project-dir "$NOBODY_DIR" start "${failed[0]}"
  check test "$(nps_field "${failed[0]}" state)" = ready
  expect_exit 0 as_nobody "$LINEUP" --project-dir "$NOBODY_DIR" down
  expect_no_leftovers
  wait_until 10 nobody_idle
  # Too few processes to start lineup itself: a clear error, nothing left.
  for n in 1 2; do
    rm -f "$NOBODY_DIR/.lineup/lineup.log"
    wait_until 10 nobody_idle                            # RLIMIT_NPROC counts exiting processes too
    OUT=$(as_nobody prlimit --nproc=$n "$LINEUP" --project-dir "$NOBODY_DIR" up -d 2>&1); code=$?
    log=$(cat "$NOBODY_DIR/.lineup/lineup.log" 2>/dev/null)
    echo "resource_exhaustion: RLIMIT_NPROC=$n: up -d: exit $code: $(echo "$OUT" | tr '\n' ' ')"
    check test "$code" = 1
    if grep -q "Resource temporarily unavailable" <<<"$OUT$log"; then pass; else
      fail "nproc=$n: neither up -d nor lineup.log says that it could not fork (exit $code, output: \"$OUT\")"
    fi
    expect_no_leftovers
  done
fi

echo "resource_exhaustion: $((SECONDS - begin))s"
finish
