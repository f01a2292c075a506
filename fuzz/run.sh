#!/usr/bin/env bash
# Runs lineup's fuzz targets (built by `make build-fuzz`).
#
#   fuzz/run.sh BUILD_DIR SECONDS [TARGET...]
#
# For each target: replay fuzz/regressions/TARGET/* (every input that once
# crashed), then fuzz for SECONDS on the seed corpus fuzz/corpus/TARGET.
# New inputs go to BUILD_DIR/fuzz-work/TARGET (the seed corpus is read, not
# written); crashes to BUILD_DIR/fuzz-artifacts/TARGET/. With FUZZ_MERGE=1,
# the inputs that add coverage are merged back into fuzz/corpus/TARGET.
# FUZZ_PARALLEL=N runs N targets at a time (default 1). FUZZ_SCRATCH=1
# starts from the seed corpus alone and throws the new inputs away (the
# short run of `make test`). Exit non-zero if any target crashed; one
# summary line per target.
set -uo pipefail

build=${1:?usage: fuzz/run.sh BUILD_DIR SECONDS [TARGET...]}
seconds=${2:?usage: fuzz/run.sh BUILD_DIR SECONDS [TARGET...]}
shift 2
here=$(cd "$(dirname "$0")" && pwd)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(config_fuzz interpolate_fuzz api_request_fuzz http_response_fuzz resp_fuzz notify_fuzz websocket_fuzz grpc_fuzz mysql_fuzz)
parallel=${FUZZ_PARALLEL:-1}
build=$(cd "$build" && pwd)

one() {
  local t=$1 bin="$build/fuzz/$1" log="$build/fuzz-logs/$1.log"
  local work="$build/fuzz-work/$t" art="$build/fuzz-artifacts/$t/"
  if [ "${FUZZ_SCRATCH:-0}" = 1 ]; then
    work="$build/fuzz-scratch/$t"
    rm -rf "$work"
  fi
  mkdir -p "$work" "$art" "$(dirname "$log")"
  local dict=()
  [ -f "$here/dict/${t%_fuzz}.dict" ] && dict=(-dict="$here/dict/${t%_fuzz}.dict")
  if [ ! -x "$bin" ]; then
    echo "$t: $bin not built (make build-fuzz)"
    return 1
  fi
  : >"$log"
  local regressions=("$here/regressions/$t"/*)
  if [ -e "${regressions[0]}" ]; then
    if ! "$bin" "${regressions[@]}" >>"$log" 2>&1; then
      echo "$t: a regression input crashes again; see $log"
      return 1
    fi
  fi
  # MariaDB Connector/C sizes an allocation by the column count a server
  # claims (8 GB for a made-up one): malloc fails or maps it lazily, so it is
  # not a crash in lineup; only this target gets a larger malloc limit.
  local extra=()
  [ "$t" = mysql_fuzz ] && extra=(-malloc_limit_mb=16384)
  "$bin" "${dict[@]}" "${extra[@]}" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$art" "$work" "$here/corpus/$t" >>"$log" 2>&1
  local rc=$?
  local last execs rate
  last=$(grep -E '^#[0-9]+' "$log" | grep -E 'cov:' | tail -1)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  local cov ft corp
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  corp=$(sed -n 's/.* corp: \([0-9]*\/[0-9A-Za-z]*\).*/\1/p' <<<"$last")
  if [ $rc -ne 0 ]; then
    echo "$t: CRASH (exit $rc) after ${execs:-?} executions; input in $art; log $log"
    grep -m1 -E 'ERROR|SUMMARY|Assertion|what\(\)' "$log" | sed 's/^/    /'
    return 1
  fi
  if [ "${FUZZ_MERGE:-0}" = 1 ]; then
    "$bin" -merge=1 -use_counters=0 "$here/corpus/$t" "$work" >>"$log" 2>&1 || echo "$t: merge failed; see $log"
  fi
  [ "${FUZZ_SCRATCH:-0}" = 1 ] && rm -rf "$work"
  printf '%-20s ok: %s executions, %s exec/s, cov %s, ft %s, corpus %s (files/bytes)\n' \
    "$t" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}"
}
export -f one
export build seconds here

printf '%s\n' "${targets[@]}" | xargs -P "$parallel" -I{} bash -c 'one {}'
