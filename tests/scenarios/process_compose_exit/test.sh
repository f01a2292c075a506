# A process-compose test run, as process-compose documents it: the suite
# waits for the server; `exit_on_end` on the suite stops everything when it
# ends and `up` exits with the suite's own exit code; a report runs after
# the suite whatever its code (`process_completed`) and ends the run with
# its own; `vars` fill
# `{{.NAME}}`; a process's env_file is read from its working_dir, its
# output also goes to its log_location; TUI-only
# keys are one warning each, not an error per process; -n picks namespaces.
source "$(dirname "$0")/../lib.sh"
PORT=$(free_port)
mkdir -p suite
printf 'SUITE_NAME=smoke\n' > suite/suite.env

cat > process-compose.yaml <<YAML
version: "0.5"
is_tui_disabled: true
vars: {PORT: "$PORT"}
processes:
  server:
    command: "exec python3 -m http.server {{.PORT}} --bind 127.0.0.1"
    is_tty: true
    readiness_probe:
      http_get: {host: 127.0.0.1, port: "{{.PORT}}", path: /}
      period_seconds: 1
  suite:
    command: "echo \"suite \$\$SUITE_NAME against {{.PORT}}\"; curl -sf http://127.0.0.1:{{.PORT}}/ > /dev/null && exit 7"
    working_dir: suite
    env_file: suite.env
    log_location: logs/suite.log
    is_tty: true
    depends_on:
      server: {condition: process_healthy}
    availability: {exit_on_end: true}
YAML

expect_exit 0 "$LINEUP" check
expect_contains "is_tty: process-compose's, with no lineup equivalent (and in 1 more processes)"
check test "$(grep -c 'is_tty' <<<"$OUT")" = 1
expect_contains "is_tui_disabled"

# Foreground, as process-compose runs: the suite's exit code (7) is up's.
expect_exit 7 timeout 120 "$LINEUP" up
expect_contains "suite smoke against $PORT"
expect_contains "suite ended (exited with code 7) (stop_stack_on): stopping the stack"
expect_no_leftovers
check grep -q "suite smoke against $PORT" logs/suite.log   # log_location: a copy of its output
check test ! -e logs/suite.log.times

# A report that runs after the suite whatever its code (process_completed),
# and ends the run with its own code (0).
cat >> process-compose.yaml <<'YAML'
  report:
    command: "echo report ran > ../report.out"
    working_dir: suite
    depends_on:
      suite: {condition: process_completed}
    availability: {exit_on_end: true}
YAML
sed -i 's/availability: {exit_on_end: true}$/availability: {restart: "no"}/; $ s/restart: "no"/exit_on_end: true/' process-compose.yaml
expect_exit 0 timeout 120 "$LINEUP" up
expect_contains "report ended"
check test "$(cat report.out)" = "report ran"
expect_no_leftovers
# -n (process-compose's namespaces): only the services of the namespaces named; one without
# a namespace is in "default".
cat > ns.yaml <<'YAML'
processes:
  a: {command: "true", namespace: web}
  b: {command: "true", namespace: [db, web]}
  c: {command: "true"}
YAML
order() { python3 -c 'import json,sys; print(" ".join(sorted(json.loads(sys.argv[1])["order"])))' "$OUT"; }
expect_exit 0 "$LINEUP" -f ns.yaml -n db plan --format json
check test "$(order)" = "b"
expect_exit 0 "$LINEUP" -f ns.yaml --namespace web -n default plan --format json
check test "$(order)" = "a b c"
expect_exit 0 "$LINEUP" -f ns.yaml plan --format json
check test "$(order)" = "a b c"
finish
