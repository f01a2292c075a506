# A stop_command's stop signal reaches the whole service: the main process's
# group and, through the service's cgroup, a helper that left the group
# (setsid). Before, only the group was signalled after a stop_command, and
# the helper was SIGKILLed at the end of the 300 s grace period without
# running its TERM trap. Needs cgroup v2 delegated to lineup; skipped
# otherwise (without a cgroup lineup cannot find a process that left).
source "$(dirname "$0")/../lib.sh"

expect_exit 0 "$LINEUP" up -d
[ $failures -eq 0 ] || { finish; exit 1; }
wait_until 30 test -s helper.pid || fail "the helper did not start"
main=$(ps_field leaver pid)
if ! grep -q "lineup-" "/proc/$main/cgroup" 2>/dev/null; then
  echo "stop_command_escapee: no cgroup v2 for lineup here: skipped"
  "$LINEUP" down --emergency >/dev/null 2>&1
  finish
  exit 0
fi
check test "$(ps -o sid= -p "$(cat helper.pid)" | tr -d ' ')" = "$(cat helper.pid)"
# The stubborn one: its main process ignores TERM, so its helper's signal
# comes from the cgroup (lineup reads it a moment after the group's signal,
# or as soon as the main process has exited); the main one is killed at the
# end of its 4 s grace period.
wait_until 30 test -s stubborn-helper.pid || fail "stubborn's helper did not start"
expect_exit 0 "$LINEUP" stop stubborn
check test -s stubborn.ignored
check test -s stubborn-helper.term
check wait_until 10 gone "$(cat stubborn-helper.pid)"
expect_exit 0 "$LINEUP" down --timeout 120
check test -s stopper.ran
check test -s helper.term
expect_no_leftovers
finish
