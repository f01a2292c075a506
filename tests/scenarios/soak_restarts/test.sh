# 2,000 restarts of a crash-looping service (and, alongside, a service
# restarted by its failing liveness probe): the supervisor's file
# descriptors and memory stay flat. Figures are printed at ~100 restarts
# and at 2,000. (scripts/soak.sh does the same for 10 minutes.)
source "$(dirname "$0")/../lib.sh"
export CLOSED_PORT=$(free_port)
TARGET=${SOAK_RESTARTS:-2000}
# Under ASan a restart costs about 4 times as much: 1,000 of them fit the
# test's time on a loaded 2-core machine; the normal build does the 2,000.
sanitized && TARGET=${SOAK_RESTARTS:-1000}
begin=$SECONDS

restarts() { ps_field crasher restarts; }
at_least() { [ "$(restarts)" -ge "$1" ]; }
# The floor over 50 samples (~1 s): a restart in flight holds pipes and a
# pidfd for a moment; a leaked descriptor raises the floor for good.
fds() {
  local n min=1000000
  for _ in $(seq 50); do
    n=$(ls "/proc/$supervisor/fd" | wc -l)
    [ "$n" -lt "$min" ] && min=$n
    sleep 0.02
  done
  echo "$min"
}
rss() { awk '/^VmRSS:/ {print $2}' "/proc/$supervisor/status"; }   # kB

expect_exit 0 "$LINEUP" up -d
read -r guardian supervisor < .lineup/lineup.pid
wait_until 60 at_least 100 && pass || fail "100 restarts not reached"
r0=$(restarts) u0=$(ps_field unhealthy restarts) fd0=$(fds) rss0=$(rss) t0=$SECONDS
echo "soak_restarts: at $r0 restarts (unhealthy: $u0): supervisor fds $fd0, VmRSS $rss0 kB"
wait_until 100 at_least "$TARGET" && pass || fail "$TARGET restarts not reached in time (at $(restarts))"
r1=$(restarts) u1=$(ps_field unhealthy restarts) fd1=$(fds) rss1=$(rss)
echo "soak_restarts: at $r1 restarts (unhealthy: $u1): supervisor fds $fd1, VmRSS $rss1 kB ($((r1 - r0)) restarts in $((SECONDS - t0))s)"
echo "soak_restarts: fds $fd0 -> $fd1, VmRSS $rss0 -> $rss1 kB ($(( (rss1 - rss0) )) kB)"
check test $((fd1 - fd0)) -le 2
check_memory $((rss1 - rss0)) 2048 "soak_restarts: VmRSS growth"
# Still healthy: the breaker never opened, the steady one never moved.
check test "$(ps_field crasher breaker)" = closed
check test "$(ps_field steady attempts)" = 1
check test "$(ps_field steady state)" = ready
expect_exit 0 "$LINEUP" down
expect_no_leftovers
echo "soak_restarts: $((SECONDS - begin))s"
finish
