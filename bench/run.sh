#!/usr/bin/env bash
# `make bench`: lineup's own benchmarks plus the shared workload harness.
#   1. config load + check of a generated 10,000-service file (rich and lean)
#   2. ../shared/bench workloads spawn-1000, spawn-10000, dag-100, idle-100
#      against the bare posix_spawn floors (raw; rawcg, raw with a cgroup per
#      service; for dag-100, floor; both from dag_floor.py), in the same batch
#   3. 1,000 TCP liveness probes (probes_1000.py)
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
  LINEUP_BIN="$root/$build/lineup" python3 "$here/dag_floor.py" run --peers raw,rawcg,floor,lineup \
    --workloads spawn-1000,spawn-10000,dag-100,idle-100 --reps "${REPS:-5}" --results "$here/results/runs.jsonl"
  python3 "$harness" report --results "$here/results/runs.jsonl" 2>/dev/null || python3 "$harness" report
else
  echo "bench: ../shared/bench not found; the workload harness did not run"
fi
/usr/bin/python3 "$here/probes_1000.py" "$build" 1000 30 tcp
