#!/usr/bin/env bash
# The API under load (issue 5):
#   1. wrk against /v1/services and /metrics of a running 100-service stack
#      (TCP listener on loopback): requests/s and latency p99;
#   2. the shared harness's dag-100 with the same TCP listener, unloaded and
#      then while wrk hammers /v1/services of that very supervisor: does
#      serving the API slow the startup?
# Usage: bash bench/api_wrk.sh [BUILD_DIR] [SECONDS] [REPS]
set -euo pipefail
build=${1:-build}
secs=${2:-10}
reps=${3:-5}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
lineup="$root/$build/lineup"
work=$(mktemp -d /tmp/lineup-wrk.XXXXXX)
trap 'cd /; "$lineup" --project-dir "$work" -f "$work/lineup.yaml" down --emergency >/dev/null 2>&1 || true; kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

# 1. A 100-service stack, each with a tcp liveness probe so /metrics carries histograms.
{
  echo "api: {listen: \"127.0.0.1:$port\"}"
  echo "services:"
  for i in $(seq 0 99); do
    echo "  s$i:"
    echo "    command: sleep 600"
    [ "$i" -ge 10 ] && echo "    depends_on: [s$((i % 10))]"
  done
} > "$work/lineup.yaml"
cd "$work"
"$lineup" up -d >/dev/null
for path in /v1/services /metrics; do
  out=$(wrk -t1 -c8 -d"${secs}s" --latency "http://127.0.0.1:$port$path")
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  bytes=$(curl -s "http://127.0.0.1:$port$path" | wc -c)
  echo "wrk $path: ${rps} req/s, p50 ${p50}, p99 ${p99} (${bytes} bytes per response, 8 connections, ${secs}s)"
done
rss=$(awk '/VmHWM/ {print $2}' /proc/$(awk '{print $2}' .lineup/lineup.pid)/status)
echo "supervisor VmHWM after the load: $((rss / 1024)) MiB"
"$lineup" down >/dev/null

# 2. dag-100 with a TCP API, without and with wrk on it.
harness="$root/../shared/bench/bench.py"
[ -f "$harness" ] || { echo "../shared/bench not found: part 2 skipped"; exit 0; }
python3 "$harness" build >/dev/null
cat > "$work/with_api" <<WRAP
#!/bin/sh
# The harness runs \`lineup -f FILE up\`; add the API listener file after FILE.
exec "$lineup" -f "\$2" -f "$work/api.yaml" up
WRAP
chmod +x "$work/with_api"
echo "api: {listen: \"127.0.0.1:$port\"}" > "$work/api.yaml"
results="$here/results/api_load.jsonl"
run() {
  LINEUP_BIN="$work/with_api" python3 "$harness" run --peers lineup --workloads dag-100 --reps "$reps" \
    --results "$work/$1.jsonl" >/dev/null
  python3 - "$work/$1.jsonl" "$1" "$results" <<'PY'
import json, statistics, sys
runs = [json.loads(l) for l in open(sys.argv[1])]
ok = [r for r in runs if r.get("ok")]
with open(sys.argv[3], "a") as out:
    for r in runs:
        r["api_load"] = sys.argv[2]
        out.write(json.dumps(r) + "\n")
over = [r["overhead_ms"] for r in ok]
print(f"dag-100 {sys.argv[2]}: {len(ok)}/{len(runs)} ok, overhead median {statistics.median(over):.1f} ms "
      f"(min {min(over):.1f}, max {max(over):.1f}), per CP edge {statistics.median(r['overhead_per_edge_ms'] for r in ok):.2f} ms")
PY
}
run unloaded
# wrk gives up when it cannot connect, so it is restarted in a loop (every
# 10 ms while nothing listens): it loads each startup from the moment the
# supervisor's listener opens, before the first service is spawned.
(while :; do wrk -t1 -c8 -d1s "http://127.0.0.1:$port/v1/services" 2>/dev/null | awk '/requests in/ {print $1}' || true
   sleep 0.01; done) > "$work/wrk.txt" &
load=$!
run loaded
kill $load
wait $load 2>/dev/null || true
echo "wrk requests served during the loaded runs: $(awk '{n += $1} END {print n}' "$work/wrk.txt")"
