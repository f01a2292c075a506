#!/usr/bin/env bash
# `make bench`: lineup's own benchmarks plus the shared workload harness.
#   1. config load + check of a generated 10,000-service file (rich and lean)
#   2. ../shared/bench workloads spawn-1000, dag-100, idle-100 against the
#      bare posix_spawn floor (raw), in the same batch
# Figures and how to read them: bench/README.md.
set -euo pipefail
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
bash "$here/config_load.sh" "$build" 10000 11 rich
bash "$here/config_load.sh" "$build" 10000 11 lean
harness="$root/../shared/bench/bench.py"
if [ -f "$harness" ]; then
  python3 "$harness" build
  LINEUP_BIN="$root/$build/lineup" python3 "$harness" run --peers raw,lineup \
    --workloads spawn-1000,dag-100,idle-100 --reps "${REPS:-5}" --results "$here/results/runs.jsonl"
  python3 "$harness" report --results "$here/results/runs.jsonl" 2>/dev/null || python3 "$harness" report
else
  echo "bench: ../shared/bench not found; only the config benchmark ran"
fi
