#!/usr/bin/env bash
# Soak test: a stack of fast-restarting services (the one of
# tests/scenarios/soak_restarts) for a long time, printing the
# supervisor's file descriptors and memory every 30 s. Not run in CI.
#
#   scripts/soak.sh [LINEUP_BINARY] [SECONDS]     (default build/lineup, 600)
#
# Exits 1 if, between the first sample and the last, the descriptor count
# moved by more than 2 or the resident memory grew by 2 MiB or more, or if
# a process is left behind.
set -euo pipefail

SRC=$(cd "$(dirname "$0")/.." && pwd)
LINEUP=$(realpath "${1:-$SRC/build/lineup}")
DURATION=${2:-600}
INTERVAL=${SOAK_INTERVAL:-30}
WORK=$(mktemp -d /tmp/lineup-soak.XXXXXX)
export LINEUP_SOAK=$WORK     # every process of the soak carries it: leftovers are found by it

left() {
  local out=""
  for f in /proc/[0-9]*/environ; do
    if { tr '\0' '\n' <"$f"; } 2>/dev/null | grep -qx "LINEUP_SOAK=$WORK"; then
      local pid=${f#/proc/}; pid=${pid%/environ}
      [ "$pid" != "$$" ] && [ "$pid" != "$BASHPID" ] && out="$out $pid"
    fi
  done
  echo $out
}
finish() {
  (cd "$WORK" && "$LINEUP" down --emergency >/dev/null 2>&1) || true
  for p in $(left); do kill -9 "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap finish EXIT

field() {  # field SERVICE KEY, from `lineup ps --format json`
  "$LINEUP" ps --format json | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(next((s[sys.argv[2]] for s in d["services"] if s["name"] == sys.argv[1]), ""))' "$1" "$2"
}
status_kb() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

cp "$SRC/tests/scenarios/soak_restarts/lineup.yaml" "$WORK/"
cd "$WORK"
export CLOSED_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$LINEUP" up -d
read -r _ supervisor < .lineup/lineup.pid
hz=$(getconf CLK_TCK)

echo "soak: $LINEUP for ${DURATION}s, a sample every ${INTERVAL}s"
printf '%8s %10s %10s %5s %10s %10s %6s\n' elapsed crasher unhealthy fds rss_kB hwm_kB cpu%
start=$SECONDS
first_fds="" first_rss="" last_fds="" last_rss="" prev_ticks=$(cpu_ticks "$supervisor") prev_t=$SECONDS
while :; do
  sleep "$INTERVAL"
  elapsed=$((SECONDS - start))
  fds=$(ls "/proc/$supervisor/fd" | wc -l)
  rss=$(status_kb "$supervisor" VmRSS)
  hwm=$(status_kb "$supervisor" VmHWM)
  ticks=$(cpu_ticks "$supervisor")
  cpu=$(((ticks - prev_ticks) * 100 / hz / (SECONDS - prev_t > 0 ? SECONDS - prev_t : 1)))
  prev_ticks=$ticks prev_t=$SECONDS
  printf '%8s %10s %10s %5s %10s %10s %6s\n' "${elapsed}s" "$(field crasher restarts)" \
    "$(field unhealthy restarts)" "$fds" "$rss" "$hwm" "$cpu"
  [ -z "$first_fds" ] && first_fds=$fds first_rss=$rss
  last_fds=$fds last_rss=$rss
  [ "$elapsed" -ge "$DURATION" ] && break
done
restarts=$(field crasher restarts)
"$LINEUP" down
sleep 1
leftover=$(left)

echo "soak: fds $first_fds -> $last_fds, VmRSS $first_rss -> $last_rss kB, $restarts restarts of crasher in ${DURATION}s"
ok=0
[ $((last_fds - first_fds)) -le 2 ] && [ $((first_fds - last_fds)) -le 2 ] || { echo "soak: FAIL: descriptor count moved"; ok=1; }
[ $((last_rss - first_rss)) -lt 2048 ] || { echo "soak: FAIL: resident memory grew by $((last_rss - first_rss)) kB"; ok=1; }
[ -z "$leftover" ] || { echo "soak: FAIL: processes left behind: $leftover"; ok=1; }
[ $ok = 0 ] && echo "soak: ok"
exit $ok
