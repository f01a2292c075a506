# Shared helpers for the scenario tests. Each scenario is a folder with a
# lineup.yaml, tiny shell services and a test.sh that sources this file and
# runs the real lineup binary on real processes.
#
# Every process a scenario starts carries LINEUP_SCENARIO=<its work dir> in
# its environment (services inherit it), so `leftovers` finds any process,
# grandchildren included, that outlived the test, without matching names.
set -u
LINEUP=$(realpath "$1")
SRC=$(realpath "$2")
SCENARIO=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d /tmp/lineup-scenario.XXXXXX)
export LINEUP_SCENARIO=$WORK
cp -r "$SCENARIO"/. "$WORK"/
cd "$WORK"
failures=0
checks=0

leftovers() {
  local pids=""
  for f in /proc/[0-9]*/environ; do
    if { tr '\0' '\n' < "$f"; } 2>/dev/null | grep -qx "LINEUP_SCENARIO=$WORK"; then
      local pid=${f#/proc/}; pid=${pid%/environ}
      [ "$pid" != "$$" ] && [ "$pid" != "$BASHPID" ] && pids="$pids $pid"
    fi
  done
  # Processes of this script itself (subshells, command substitutions) are not leftovers.
  local out=""
  for p in $pids; do
    local ppid_chain=$p is_ours=0
    while [ -n "$ppid_chain" ] && [ "$ppid_chain" -gt 1 ] 2>/dev/null; do
      [ "$ppid_chain" = "$$" ] && { is_ours=1; break; }
      ppid_chain=$(awk '{print $4}' "/proc/$ppid_chain/stat" 2>/dev/null)
    done
    [ $is_ours -eq 0 ] && out="$out $p"
  done
  echo $out
}

cleanup() {
  "$LINEUP" down --emergency >/dev/null 2>&1
  for p in $(leftovers); do kill -9 "$p" 2>/dev/null; done
  cd / && rm -rf "$WORK"
}
trap cleanup EXIT

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { checks=$((checks + 1)); }
check() { if "$@"; then pass; else fail "$*"; fi; }

# expect_exit CODE CMD...: runs CMD, keeps its output in $OUT.
expect_exit() {
  local want=$1; shift
  OUT=$("$@" 2>&1); local got=$?
  if [ "$got" -ne "$want" ]; then fail "exit $got (want $want): $*"; echo "$OUT" | tail -30; else pass; fi
}
expect_contains() {
  if grep -qF -- "$1" <<<"$OUT"; then pass; else fail "output lacks: $1"; echo "$OUT" | tail -30; fi
}

# wait_until SECONDS CMD...: polls a condition (20 ms) until it holds or time runs out.
wait_until() {
  local limit=$1; shift
  local deadline=$((SECONDS + limit))
  while ! "$@" >/dev/null 2>&1; do
    [ $SECONDS -ge $deadline ] && return 1
    sleep 0.02
  done
  return 0
}

no_leftovers() { [ -z "$(leftovers)" ]; }

expect_no_leftovers() {
  if wait_until 10 no_leftovers; then pass; else fail "processes left behind: $(leftovers)"; ps -o pid,ppid,pgid,cmd -p $(leftovers | tr ' ' ,) 2>/dev/null; fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# kill_both GUARDIAN SUPERVISOR: SIGKILL to both lineup processes such that
# neither can see the other die and clean up, as if at the same instant.
# Not `kill -STOP` both, then `kill -9` both: the guardian's death orphans
# the supervisor's process group, so the kernel sends the stopped supervisor
# SIGHUP and SIGCONT, and it handles the guardian's death after all. The
# guardian is frozen instead (stopped, as checked in /proc, since `kill
# -STOP` returns before the target stops), then the supervisor is killed,
# which continues no one, then the guardian.
gone() {   # every process named has exited
  local p; for p in "$@"; do ! kill -0 "$p" 2>/dev/null || return 1; done
}
stopped() {   # (a process that is gone counts: it cannot act either)
  local p; for p in "$@"; do [ -e "/proc/$p" ] || continue; [ "$(awk '{print $3}' "/proc/$p/stat" 2>/dev/null)" = T ] || return 1; done
}
kill_both() {
  kill -STOP "$1" 2>/dev/null
  wait_until 10 stopped "$1"
  kill -9 "$2" 2>/dev/null
  kill -9 "$1" 2>/dev/null
}

# Set by CTest for the ASan+UBSan build (tests/CMakeLists.txt).
sanitized() { [ -n "${LINEUP_SANITIZED:-}" ]; }

# check_memory KB LIMIT_KB WHAT: memory bounds hold for the normal build. Under
# ASan the figure is mostly shadow memory and the 256 MiB free-quarantine, so
# it is printed, not judged; the normal build's run of the scenario judges it.
check_memory() {
  if sanitized; then
    echo "$3: $1 kB under ASan; the bound ($2 kB) is checked in the normal build"
  else
    check test "$1" -lt "$2"
  fi
}

# ps_field SERVICE FIELD: one field of `lineup ps --format json`.
ps_field() {
  "$LINEUP" ps --format json | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(next((str(s[sys.argv[2]]) for s in d["services"] if s["name"] == sys.argv[1]), ""))' "$1" "$2"
}

finish() {
  echo "$checks passed, $failures failed"
  [ "$failures" -eq 0 ]
}
