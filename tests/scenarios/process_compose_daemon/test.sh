# process-compose's is_daemon, shutdown.parent_only and the top-level
# log_location, as process-compose documents them, with real processes:
# - a daemon that double-forks and leaves the session: its launcher's clean
#   exit is its start, a process that waits for it starts after, the daemon
#   killed behind lineup's back is restarted (availability: always), and
#   `down` stops it with its shutdown.command, leaving nothing behind;
# - parent_only: the stop signal reaches the parent alone, which stops its
#   child its own way (the child never sees the group's SIGTERM);
# - log_location at the top: every process's output in one file, by name.
source "$(dirname "$0")/../lib.sh"

cat > process-compose.yaml <<'YAML'
version: "0.5"
log_location: logs/all.log
processes:
  cache:
    command: "rm -f cache.pid; python3 daemon.py cache.pid"
    is_daemon: true
    availability: {restart: always, backoff_seconds: 1}
    readiness_probe:
      exec: {command: "test -s cache.pid && kill -0 $$(cat cache.pid)"}
      period_seconds: 1
    shutdown:
      command: "kill $(cat cache.pid)"
      timeout_seconds: 10
  web:
    command: "echo web sees cache $(cat cache.pid); exec sleep 600"
    depends_on:
      cache: {condition: process_healthy}
  parent:
    command: |
      bash -c 'trap "echo child got the group signal >> order; exit 0" TERM
               trap "echo child stopped by parent >> order; exit 0" USR1
               sleep 600 & wait' &
      child=$$!
      trap 'echo parent got TERM >> order; kill -USR1 $$child; wait $$child; exit 0' TERM
      echo parent up
      wait
    shutdown: {parent_only: true, timeout_seconds: 20}
YAML

expect_exit 0 "$LINEUP" check
check test "$(grep -c 'warning' <<<"$OUT")" = 0
expect_exit 0 timeout 120 "$LINEUP" up -d
expect_contains "READY"
first=$(cat cache.pid)
check kill -0 "$first"
check test "$(ps_field cache state)" = ready
check test "$(ps_field web state)" = ready
wait_until 30 grep -q "web sees cache $first" .lineup/logs/web.log
check grep -q "web sees cache $first" .lineup/logs/web.log
# The daemon's own output is the service's.
wait_until 30 grep -q "daemon up $first" .lineup/logs/cache.log
check grep -q "daemon up $first" .lineup/logs/cache.log

# The daemon dies behind lineup's back: its end is seen and it is launched again.
kill -9 "$first"
relaunched() { [ -s cache.pid ] && [ "$(cat cache.pid)" != "$first" ] && [ "$(ps_field cache state)" = ready ]; }
check wait_until 60 relaunched
check test "$(ps_field cache restarts)" = 1
second=$(cat cache.pid)

expect_exit 0 timeout 120 "$LINEUP" down
check wait_until 10 test ! -e "/proc/$second"   # stopped by its shutdown.command
expect_no_leftovers
check grep -qx "parent got TERM" order
check grep -qx "child stopped by parent" order
check test "$(grep -c 'group signal' order)" = 0

# One file with every process's output, each line after its name.
check grep -q "^cache | daemon up $first" logs/all.log
check grep -q "^web | web sees cache $first" logs/all.log
check grep -q "^parent | parent up" logs/all.log
finish
