# A process-compose file's availability and shutdown (issue 16), as
# process-compose documents them: a process without `availability` is never
# restarted; `restart: on_failure` with `max_restarts: 2` runs three times,
# `backoff_seconds` apart; `shutdown.command` runs at `down`, then the
# process gets `shutdown.signal`, within `timeout_seconds`; a process that
# waits for `process_log_ready` starts only after its dependency printed
# its `ready_log_line`; command strings run with bash, with `$(...)` and
# `$((...))` left for it (compose files keep /bin/sh and compose's rules).
source "$(dirname "$0")/../lib.sh"

cat > process-compose.yaml <<'YAML'
version: "0.5"
processes:
  crasher:
    command: "echo run >> crasher.runs; exit 3"
  limited:
    command: "echo run >> limited.runs; exit 1"
    availability:
      restart: on_failure
      backoff_seconds: 1
      max_restarts: 2
  steady:
    command: "trap 'echo INT >> steady.log; exit 0' INT; sleep 1000 & wait"
    readiness_probe:
      exec:
        command: "[[ -d . ]]"
      period_seconds: 1
    availability:
      restart: always
    shutdown:
      command: "echo shutdown-command >> steady.log"
      signal: 2
      timeout_seconds: 5
  web:
    command: "sleep 0.3; echo web-ready >> order.log; echo 'Server (v2) listening on *:8080'; exec sleep 1000"
    ready_log_line: "listening on *:8080"
    availability:
      restart: on_failure
  client:
    command: "echo client >> order.log; [[ -n $(echo sub) ]] && echo \"bash $((1 + 2)) ${HOME:+home}\" > shell.txt; exec sleep 1000"
    depends_on:
      web:
        condition: process_log_ready
YAML
expect_exit 0 "$LINEUP" -f process-compose.yaml check --strict
expect_exit 3 "$LINEUP" -f process-compose.yaml up -d
three_runs() { [ "$(wc -l < limited.runs)" -eq 3 ] && [ "$(ps_field limited state)" = failed ]; }
wait_until 60 three_runs && pass || fail "limited did not run three times: $(cat limited.runs 2>/dev/null | wc -l) runs"
# crasher had as long as limited's two backoffs to be restarted, had the
# file's default been lineup's on-failure (1 s first backoff).
check test "$(wc -l < crasher.runs)" -eq 1
check test "$(ps_field crasher state)" = failed
check test "$(ps_field steady state)" = ready
check test "$(ps_field web state)" = ready
check test "$(cat order.log)" = "web-ready
client"
wait_until 30 test -s shell.txt && pass || fail "client never wrote shell.txt"
check test "$(cat shell.txt)" = "bash 3 home"
expect_exit 0 "$LINEUP" -f process-compose.yaml down
check test "$(cat steady.log)" = "shutdown-command
INT"
expect_no_leftovers
finish
