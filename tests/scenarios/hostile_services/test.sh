# Services that misbehave: leave their session, daemonize, exit while their
# readiness probe runs, close stdout/stderr, hold 3000 files, write 100 MiB
# of output. lineup keeps its own footprint small, hands them no file
# descriptor of its own, loses or splits no line in the log files, and
# `down` leaves no process, including the ones that left their group.
source "$(dirname "$0")/../lib.sh"
PY=/usr/bin/python3; [ -x $PY ] || PY=python3

alive() { kill -0 "$1" 2>/dev/null; }
status_of() { grep "^$2:" "/proc/$1/status" | awk '{print $2}'; }   # in kB
state_is() { [ "$(ps_field "$1" state)" = "$2" ]; }
reading_fifo() { [ "$(readlink "/proc/$1/fd/0")" = "$WORK/term" ]; }
flood_done() { [ "$(tail -n 1 .lineup/logs/flood.log 2>/dev/null)" = done ]; }

# The log files hold whole, consecutive lines ending with the last one. At
# 16 MiB NAME.log becomes NAME.log.1 (one old file is kept), so the oldest
# lines of 100 MiB are gone by design; what is kept has no gap.
check_flood_log() {
  $PY - "${1:-1048576}" <<'PY'
import os, re, sys
total = int(sys.argv[1])
files = [f for f in (".lineup/logs/flood.log.1", ".lineup/logs/flood.log") if os.path.exists(f)]
for f in files:
    assert os.path.getsize(f) <= 16 << 20, (f, os.path.getsize(f))
data = b"".join(open(f, "rb").read() for f in files)
assert data.endswith(b"\ndone\n"), data[-200:]
lines = data[:-len(b"done\n")].split(b"\n")
assert lines[-1] == b"", "unterminated line before done"
lines = lines[:-1]
pat = re.compile(rb"^(\d{8}) x{90}$")
first = None
for n, l in enumerate(lines):
    m = pat.match(l)
    assert m, ("malformed (split or mixed) line", n, l[:120])
    seq = int(m.group(1))
    if first is None:
        first = seq
    assert seq == first + n, ("gap or reorder", n, first + n, seq)
assert first + len(lines) == total, (first, len(lines), total)
print(f"{len(lines)} of {total} lines kept ({first}..{total - 1}), {len(data) >> 20} MiB in {len(files)} files")
PY
}

start=$SECONDS
expect_exit 3 "$LINEUP" up -d       # DEGRADED: probe-exit (low) never gets ready
[ $failures -eq 0 ] || { finish; exit 1; }
read -r guardian supervisor < .lineup/lineup.pid
cgroups=no; grep -q "lineup-" "/proc/$(ps_field plain pid)/cgroup" 2>/dev/null && cgroups=yes
wait_until 150 flood_done && pass || fail "the flood did not reach the log"
echo "hostile_services: 100 MiB flood logged $((SECONDS - start))s after up"
OUT=$(check_flood_log) && pass || fail "flood log: $OUT"
echo "hostile_services: detached: $OUT"
hwm=$(status_of "$supervisor" VmHWM)
echo "hostile_services: supervisor peak RSS (VmHWM) after 100 MiB of output: $((hwm / 1024)) MiB"
check_memory "$hwm" $((64 * 1024)) "hostile_services: detached peak RSS"
sup_fds=$(ls "/proc/$supervisor/fd" | wc -l)
echo "hostile_services: supervisor holds $sup_fds fds for $(grep -c "^  [a-z-]*:$" lineup.yaml) services"
check test "$sup_fds" -lt 64

# setsid: the grandchild left the group and the session, and lives.
escaped=$(cat escapee.pid)
check alive "$escaped"
check test "$(ps -o sid= -p "$escaped" | tr -d ' ')" = "$escaped"
# daemonize: completed. Its daemon is the oneshot's straggler: with cgroup
# v2 it is killed when the oneshot exits (systemd's KillMode=control-group);
# without, it runs until the stack stops (docs/design.md, "No orphans").
check test "$(ps_field daemonize state)" = completed
daemon=$(cat daemon.pid 2>/dev/null)
if [ $cgroups = yes ]; then
  if [ -z "$daemon" ] || wait_until 10 gone "$daemon"; then pass; else fail "the oneshot's daemon outlived it despite its cgroup"; fi
else
  check alive "$daemon"
fi
echo "hostile_services: cgroup v2: $cgroups; the daemon of the oneshot $([ -n "$daemon" ] && alive "$daemon" && echo "runs until down" || echo "went with the oneshot")"

# probe-exit: three attempts, each gone before its probe finished; it never
# counted as ready, not even when an older attempt's probe passed.
check test "$(ps_field probe-exit state)" = failed
check test "$(ps_field probe-exit attempts)" = 3
check test "$(wc -l < attempts.txt)" = 3
check grep -q "probe-exit *| failed: exited with code 1" .lineup/lineup.log
if grep -q "probe-exit *| ready" .lineup/lineup.log; then fail "probe-exit became ready"; else pass; fi

# closer: output closed, process alive and still ready.
closer=$(ps_field closer pid)
check alive "$closer"
check test "$(ps_field closer state)" = ready
check grep -q "^before closing$" .lineup/logs/closer.log
check test ! -e "/proc/$closer/fd/1"

# fd-hog: ready with its 3000 files.
hog=$(ps_field fd-hog pid)
check test "$(ps_field fd-hog state)" = ready
check test "$(ls "/proc/$hog/fd" | wc -l)" -ge 3003

# No lineup descriptor reaches a service: only stdin (/dev/null) and one
# pipe for stdout and stderr. (lineup's API sockets and the descriptors its
# own caller left open must not leak into services.)
plain=$(ps_field plain pid)
fds=$(ls "/proc/$plain/fd" | sort -n | tr '\n' ' ')
if [ "$fds" = "0 1 2 " ]; then pass; else
  fail "service \"plain\" has descriptors it did not open: $fds"
  for fd in $fds; do [ "$fd" -gt 2 ] && echo "  fd $fd -> $(readlink "/proc/$plain/fd/$fd")"; done
fi
check test "$(readlink "/proc/$plain/fd/0")" = /dev/null
check test "$(readlink "/proc/$plain/fd/1")" = "$(readlink "/proc/$plain/fd/2")"
case "$(readlink "/proc/$plain/fd/1")" in pipe:*) pass ;; *) fail "stdout of a service is not a pipe" ;; esac
# A service that looks for listening sockets among its descriptors finds
# none, so every API request reaches lineup, never the service.
touch thief.on
wait_until 10 grep -q "^serving$" .lineup/logs/thief.log
check grep -q "^listening sockets inherited: 0$" .lineup/logs/thief.log
answered=0
for i in $(seq 20); do
  curl -s -m 5 --unix-socket .lineup/lineup.sock http://lineup/v1/services/plain | grep -q '"state":"ready"' && answered=$((answered + 1))
done
if [ "$answered" = 20 ] && [ ! -s stolen.txt ]; then pass; else
  fail "lineup answered $answered of 20 API requests; the service \"thief\" accepted $(cat stolen.txt 2>/dev/null | wc -l) of them on the API socket it inherited"
fi
rm thief.on
wait_until 10 grep -q "^done$" .lineup/logs/thief.log

# Stopping one service whose child left the group: the stop is prompt
# (the stop signal reaches the escaped child too, or nothing waits for it;
# never stop_grace_period, 20s here, then SIGKILL). With cgroup v2 the
# child goes with its service; without, it lives on as the supervisor's
# child (never init's) until the stack stops: reported.
t0=$(date +%s%N)
expect_exit 0 "$LINEUP" stop escapee
took_ms=$((($(date +%s%N) - t0) / 1000000))
echo "hostile_services: \`stop escapee\` took ${took_ms} ms (cgroup v2: $cgroups)"
if [ "$took_ms" -lt 15000 ]; then pass; else
  fail "stopping escapee took ${took_ms} ms: its setsid child got no stop signal and the stop waited for stop_grace_period (20s), then SIGKILL ($(grep 'escapee *| stopping:' .lineup/lineup.log | tail -1))"
fi
if [ $cgroups = yes ]; then
  check wait_until 10 gone "$escaped"
elif alive "$escaped"; then
  echo "hostile_services: after \`stop escapee\` its setsid child $escaped still runs, parent $(ps -o ppid= -p "$escaped" | tr -d ' ') (supervisor $supervisor); it goes at down"
  check test "$(ps -o ppid= -p "$escaped" | tr -d ' ')" = "$supervisor"
fi

expect_exit 0 "$LINEUP" down
check wait_until 10 gone "$escaped"
[ -n "$daemon" ] && check wait_until 10 gone "$daemon"
expect_no_leftovers

# The same flood in the foreground, into a terminal that does not read
# until the flood is over: lineup is not held up, its memory stays
# bounded, the terminal gets whole lines and is told how many it missed,
# and the log file has them all.
rm -f .lineup/logs/flood.log .lineup/logs/flood.log.1
mkfifo term
sleep 1000 < term &
holder=$!
FLOOD_LINES=262144 "$LINEUP" --no-color up flood > term 2>&1 &
up=$!
wait_until 150 flood_done && pass || fail "foreground: the flood did not reach the log"
read -r guardian supervisor < .lineup/lineup.pid
OUT=$(check_flood_log 262144) && pass || fail "foreground flood log: $OUT"
echo "hostile_services: foreground, terminal not reading: $OUT"
hwm=$(status_of "$supervisor" VmHWM)
echo "hostile_services: supervisor peak RSS (VmHWM), foreground with a stalled terminal: $((hwm / 1024)) MiB"
check_memory "$hwm" $((64 * 1024)) "hostile_services: foreground peak RSS"
check alive "$up"
cat < term > term.txt &
reader=$!
wait_until 10 reading_fifo "$reader"   # the reader has the fifo open
kill "$holder"; wait "$holder" 2>/dev/null
expect_exit 0 "$LINEUP" down
wait "$up"
wait_until 30 gone "$reader" && pass || { fail "the terminal reader got no end of file"; kill "$reader"; }
wait "$reader"
check grep -qE "^lineup \| [0-9]+ lines not shown here \(the terminal was not reading\); they are in .lineup/logs/$" term.txt
$PY - <<'PY' && pass || fail "terminal lines are not whole"
import re
shown = 0
ok = re.compile(rb"^(flood +\| (\d{8} x{90}|done|[a-z].*)|lineup .*|)$")
for l in open("term.txt", "rb").read().split(b"\n"):
    assert ok.match(l), l[:120]
    shown += bool(re.match(rb"^flood +\| \d{8} ", l))
print("hostile_services: the terminal showed", shown, "of 262144 flood lines")
PY
expect_no_leftovers

# The terminal goes away (`lineup up | head`, a closed ssh session): lineup
# drops it and goes on supervising; `down` then stops the stack as usual.
rm -f .lineup/logs/flood.log*
rm -f term && mkfifo term
sleep 1000 < term &
holder=$!
"$LINEUP" --no-color up plain closer > term 2>&1 &
up=$!
wait_until 30 state_is plain ready
plain=$(ps_field plain pid)
kill "$holder"; wait "$holder" 2>/dev/null     # nobody reads the terminal any more
"$LINEUP" restart closer >/dev/null 2>&1       # lineup has something to say
if wait_until 2 gone "$up"; then                 # (it dies at once, if it dies)
  wait "$up"; code=$?
  fail "foreground up died (exit $code) when its terminal went away (SIGPIPE), its services were killed without a graceful stop"
else
  pass
  check test "$(ps_field plain state)" = ready
  check alive "$plain"
  expect_exit 0 "$LINEUP" down
  wait "$up"
fi
expect_no_leftovers
echo "hostile_services: $((SECONDS - start))s"
finish
