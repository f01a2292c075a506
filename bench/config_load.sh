#!/usr/bin/env bash
# Benchmark: load + check of a generated 10,000-service config.
# Target (issue 2): under 100 ms and under 50 MB peak RSS on the 2-core machine.
# Usage: bench/config_load.sh [BUILD_DIR] [SERVICES] [RUNS] [rich|lean]
set -euo pipefail
build=${1:-build}
n=${2:-10000}
runs=${3:-11}
shape=${4:-rich}
bin=$(realpath "$build/lineup")
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
python3 "$(dirname "$0")/gen_config.py" "$n" "$shape" > "$dir/lineup.yaml"
echo "config: $n services ($shape), $(wc -c < "$dir/lineup.yaml") bytes"
"$bin" -f "$dir/lineup.yaml" check -q >/dev/null   # warm the page cache
# The floor: libyaml's own parse of the same file (bench/yaml_floor.c), no tree.
cc -O2 -o "$dir/yaml_floor" "$(dirname "$0")/yaml_floor.c" -l:libyaml.a
python3 - "$bin" "$dir/lineup.yaml" "$runs" "$dir/yaml_floor" <<'PY'
import os, resource, statistics, subprocess, sys, time
bin, path, runs, floor = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]

def run(argv):
    t0 = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.execv(argv[0], argv)
    _, status, usage = os.wait4(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{argv[0]} failed with status {status}")
    return (time.perf_counter() - t0) * 1000, usage.ru_maxrss / 1024

# Alternating, so both see the same machine.
lineup, yaml = [], []
for _ in range(runs):
    lineup.append(run([bin, "-f", path, "check", "-q"]))
    yaml.append(run([floor, path]))
for name, runs_ in (("load+check", lineup), ("libyaml alone", yaml)):
    times = [t for t, _ in runs_]
    rss = [r for _, r in runs_]
    print(f"{name}: median {statistics.median(times):.1f} ms (min {min(times):.1f}, max {max(times):.1f}), "
          f"peak RSS median {statistics.median(rss):.1f} MiB, over {len(runs_)} runs")
print(f"lineup / libyaml alone: {statistics.median(t for t, _ in lineup) / statistics.median(t for t, _ in yaml):.2f}")
PY
