#!/usr/bin/env bash
# Benchmark: what masking secrets in service output costs the supervisor.
# A service writes 100 MiB of 100-byte lines (`yes | head -c`); the stack
# knows three secret values, none of which is in the lines: the price every
# line pays. The supervisor's CPU time (utime + stime from /proc) from `up -d`
# until the last line is in the log file, with masking on and with
# `mask_output: false`, alternating, REPS runs each; medians and their ratio.
# Target (issue 15): on / off <= 1.10.
# Usage: bench/mask_output.sh [BUILD_DIR] [REPS] [MIB]
set -euo pipefail
build=${1:-build}
reps=${2:-5}
mib=${3:-100}
bin=$(realpath "$build/lineup")
dir=$(mktemp -d)
trap 'for m in on off; do (cd "$dir/$m" 2>/dev/null && "$bin" down --emergency >/dev/null 2>&1); done; rm -rf "$dir"' EXIT
for mode in on off; do
  mkdir -p "$dir/$mode"
  cat > "$dir/$mode/lineup.yaml" <<YAML
environment:
  DB_PASSWORD: "s3cr3t-password-value"
  API_TOKEN: "tok-4f9a2c7e1b"
  SIGNING_KEY: "k-98765-abcdef"
services:
  flood:
    command: ["sh", "-c", "yes '$(printf 'x%.0s' $(seq 99))' | head -c $((mib << 20)); echo done; exec sleep 600"]
    mask_output: $([ $mode = on ] && echo true || echo false)
YAML
done
cpu_ms() {  # utime + stime of a process, in ms
  awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) * 1000 / hz}' "/proc/$1/stat"
}
run() {
  cd "$dir/$1"
  rm -rf .lineup
  "$bin" up -d >/dev/null
  read -r _ supervisor < .lineup/lineup.pid
  until [ "$(tail -c 5 .lineup/logs/flood.log 2>/dev/null)" = "done" ]; do sleep 0.05; done
  cpu_ms "$supervisor"
  "$bin" down >/dev/null
}
on=() off=()
for _ in $(seq "$reps"); do
  on+=("$(run on)")
  off+=("$(run off)")
done
python3 - "${on[*]}" "${off[*]}" "$mib" <<'PY'
import statistics, sys
on = [float(x) for x in sys.argv[1].split()]
off = [float(x) for x in sys.argv[2].split()]
m_on, m_off = statistics.median(on), statistics.median(off)
print(f"mask_output, {sys.argv[3]} MiB flood, supervisor CPU: masking on median {m_on:.0f} ms {sorted(on)}, "
      f"off median {m_off:.0f} ms {sorted(off)}; on/off = {m_on / m_off:.3f}")
PY
