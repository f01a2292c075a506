#!/usr/bin/env bash
# Benchmark: applying a changed file to a running stack, against a cold start.
#
#   reload: a stack of N services runs; api's command changes; the wall time
#           of `lineup up -d` from its start until it returns (api READY again,
#           proven by its log probe) while the N-1 others keep running.
#   cold:   the same file, nothing running; `lineup up -d api` (api alone).
# Both include the CLI's own start and its reading of the file. REPS runs
# each, alternating; medians and their ratio (issue 15's "time from up on a
# changed file to the changed service READY, against a cold up").
# Usage: bench/reload.sh [BUILD_DIR] [REPS] [SERVICES]
set -euo pipefail
build=${1:-build}
reps=${2:-11}
services=${3:-50}
bin=$(realpath "$build/lineup")
dir=$(mktemp -d)
trap 'cd "$dir" && "$bin" down --emergency >/dev/null 2>&1; rm -rf "$dir"' EXIT
cd "$dir"
write() {  # write VERSION: the file, api printing VERSION
  {
    echo "services:"
    echo "  api:"
    echo "    command: [\"sh\", \"-c\", \"echo ready $1; exec sleep 600\"]"
    echo "    ready: [{log: \"ready\"}]"
    for i in $(seq 2 "$services"); do
      echo "  s$i:"
      echo "    command: [\"sleep\", \"600\"]"
      echo "    min_uptime: 0"
    done
  } > lineup.yaml
}
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

cold=() reload=()
for r in $(seq "$reps"); do
  write v0
  t=$(date +%s%N); "$bin" up -d api >/dev/null; cold+=("$(ms_since "$t")")
  "$bin" down >/dev/null
  "$bin" up -d >/dev/null
  write "v$r"
  t=$(date +%s%N); "$bin" up -d >/dev/null; reload+=("$(ms_since "$t")")
  "$bin" down >/dev/null
done
c=$(printf '%s\n' "${cold[@]}" | median)
l=$(printf '%s\n' "${reload[@]}" | median)
echo "services=$services reps=$reps"
echo "cold up of api:            median ${c} ms  (${cold[*]})"
echo "up on the changed file:    median ${l} ms  (${reload[*]})"
awk -v l="$l" -v c="$c" 'BEGIN {printf "reload / cold: %.2f\n", l / c}'
