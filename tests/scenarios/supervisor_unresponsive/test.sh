# A supervisor that cannot answer (stopped with SIGSTOP, as a hung one would
# be) is still stopped by `down`, `down --timeout` and `down --emergency`,
# with nothing left behind; `.lineup/` removed under a running stack stops
# the stack, and never lets a second supervisor start beside the first.
source "$(dirname "$0")/../lib.sh"

dead() { [ ! -e "/proc/$1" ] || [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" = Z ]; }
freeze() {   # SIGSTOP, then wait until /proc says it is stopped
  local p; for p in "$@"; do kill -STOP "$p"; done
  wait_until 10 stopped "$@"
}

# 1. `down` with a stopped supervisor: it does not take up the stop, so
# `down` kills the stack itself, says so, and exits 1.
expect_exit 0 "$LINEUP" up -d
read -r guardian supervisor < .lineup/lineup.pid
freeze "$supervisor"
expect_exit 1 "$LINEUP" down
expect_contains "did not take up the stop"
expect_contains "killed"
expect_no_leftovers
check wait_until 10 dead "$supervisor"

# 2. `down --timeout 1s`: the deadline holds with a stopped supervisor.
expect_exit 0 "$LINEUP" up -d
read -r guardian supervisor < .lineup/lineup.pid
freeze "$supervisor"
expect_exit 1 "$LINEUP" down --timeout 1s
expect_contains "did not take up the stop"
expect_no_leftovers

# 3. `down --emergency` with both lineup processes stopped.
expect_exit 0 "$LINEUP" up -d
read -r guardian supervisor < .lineup/lineup.pid
freeze "$guardian" "$supervisor"
expect_exit 0 "$LINEUP" down --emergency
expect_contains "emergency stop: killed"
expect_no_leftovers
check wait_until 10 dead "$guardian"

# 4. `.lineup/` removed while the stack runs: the supervisor stops it.
expect_exit 0 "$LINEUP" up -d
rm -rf .lineup
if wait_until 60 no_leftovers; then pass; else fail "the stack runs on without .lineup: $(leftovers)"; fi
expect_exit 0 "$LINEUP" up -d   # and the next one starts as usual
expect_exit 0 "$LINEUP" down
expect_no_leftovers

# 5. The same with a supervisor that cannot notice: a second `up` is still
# refused (the project directory's lock), and `down` finds the first
# supervisor without its pid file.
expect_exit 0 "$LINEUP" up -d
read -r guardian supervisor < .lineup/lineup.pid
freeze "$supervisor"
rm -rf .lineup
expect_exit 1 "$LINEUP" up -d
expect_contains "already running"
expect_exit 1 "$LINEUP" down
expect_contains "killed"
expect_no_leftovers
check wait_until 10 dead "$supervisor"

finish
