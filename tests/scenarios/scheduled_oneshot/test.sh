# schedule (SPEC 3, "Hooks, watch and limits"): a scheduled oneshot is not
# run by the startup (unless run_on_start), runs at each due time while the
# stack runs, is never started twice while a run is still going, and `ps`
# shows its next run.
source "$(dirname "$0")/../lib.sh"
lines() { [ -f "$1" ] && [ "$(wc -l < "$1")" -ge "$2" ]; }

expect_exit 0 "$LINEUP" up -d
expect_contains "READY"
check test "$(ps_field nightly attempts)" = 0          # not run by the startup
check test ! -e nightly.txt
check grep -q "next run .* 03:00:00" <<<"$(ps_field nightly status)"
check test "$(ps_field warmup attempts)" = 1           # run_on_start
check test "$(ps_field warmup state)" = completed

# Every second, again and again.
check wait_until 60 lines ticks.txt 3
check test "$(ps_field tick state)" != failed

# slow takes 3 s, due every second: the runs due meanwhile are skipped, never doubled.
check wait_until 60 lines slow.txt 2
check grep -q "slow: the last run is still going: the run due now is skipped" .lineup/lineup.log
runs=$(wc -l < slow.txt)
check test "$(ps_field slow attempts)" -le $((runs + 1))
check test "$(pgrep -fc "echo start >> slow.txt")" -le 1

expect_exit 0 "$LINEUP" down
expect_no_leftovers
finish
