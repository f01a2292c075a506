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
python3 - "$bin" "$dir/lineup.yaml" "$runs" <<'PY'
import os, resource, statistics, subprocess, sys, time
bin, path, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
times, rss = [], []
for _ in range(runs):
    t0 = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.execv(bin, [bin, "-f", path, "check", "-q"])
    _, status, usage = os.wait4(pid, 0)
    times.append((time.perf_counter() - t0) * 1000)
    rss.append(usage.ru_maxrss / 1024)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"check failed with status {status}")
print(f"load+check: median {statistics.median(times):.1f} ms (min {min(times):.1f}, max {max(times):.1f}) over {runs} runs")
print(f"peak RSS:   median {statistics.median(rss):.1f} MiB (max {max(rss):.1f})")
PY
