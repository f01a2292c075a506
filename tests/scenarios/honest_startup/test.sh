# The startup result is honest, and the reasons are on the screen:
# - a critical probe-less service that crashes 200 ms after its spawn fails
#   the startup: `up -d` exits 1, says why, and nothing is left running;
# - a layered readiness timeout names the layer that blocks;
# - `down --timeout` names the service that ignored the stop signal, not the
#   ones waiting behind it in the reverse order;
# - `restart SERVICE` restarts its `restart: true` dependents too;
# - /health/startup answers while the stack starts.
source "$(dirname "$0")/../lib.sh"

expect_exit 1 "$LINEUP" up -d
expect_contains "FAILED; everything was stopped"
expect_contains "api: failed to start: exited with code 3 after 0."
expect_contains "before min_uptime (1s)"
check test -z "$(leftovers)"   # at once: up -d returned after the stack was down
expect_exit 0 "$LINEUP" ps
expect_contains "nothing is running"
check grep -q "giving up" .lineup/logs/api.log

# Layered readiness: the exec layer passes, the log layer never does.
cat > layered.yaml <<'YAML'
services:
  web:
    command: ["sh", "-c", "echo booting; exec sleep 1000"]
    restart: "no"
    startup_timeout: 1s
    ready:
      - exec: "true"
      - log: "listening on"
YAML
expect_exit 1 "$LINEUP" -f layered.yaml up -d
expect_contains 'web: not ready after 1s (startup_timeout): layer 2 of 2 (log): no output line matched "listening on" yet'
check test "$(grep -c "exit code 0" <<<"$OUT")" -eq 0
check test -z "$(leftovers)"

# down --timeout: app ignores SIGTERM (30 s grace); db waits for it.
cat > stubborn.yaml <<'YAML'
services:
  db:
    command: sleep 1000
  app:
    command: ["sh", "-c", "trap '' TERM; while :; do sleep 0.05; done"]
    depends_on: [db]
    stop_grace_period: 30s
YAML
expect_exit 0 "$LINEUP" -f stubborn.yaml up -d
expect_exit 1 "$LINEUP" -f stubborn.yaml down --timeout 1s
expect_contains "not stopped after 1s: app ignored the stop signal"
check test "$(grep -c "db" <<<"$OUT")" -eq 0
expect_no_leftovers

# restart cascades to `restart: true` dependents; ps counts it.
cat > cascade.yaml <<'YAML'
services:
  db:
    command: sleep 1000
  api:
    command: sleep 1000
    depends_on:
      db: {condition: started, restart: true}
  other:
    command: sleep 1000
    depends_on: [db]
YAML
expect_exit 0 "$LINEUP" -f cascade.yaml up -d
api_pid=$(ps_field api pid)
other_pid=$(ps_field other pid)
expect_exit 0 "$LINEUP" -f cascade.yaml restart db
restarted() { [ "$(ps_field api state)" = ready ] && [ "$(ps_field api pid)" != "$api_pid" ] && [ "$(ps_field api pid)" != 0 ]; }
wait_until 60 restarted && pass || fail "api was not restarted with db: $("$LINEUP" ps)"
check test "$(ps_field api restarts)" = 1
check test "$(ps_field db restarts)" = 1
check test "$(ps_field other pid)" = "$other_pid"
expect_exit 0 "$LINEUP" -f cascade.yaml down
expect_no_leftovers

# The READY list: a URL for what speaks HTTP, host:port for the rest.
hp=$(free_port)
tp=$(free_port)
cat > ports.yaml <<YAML
services:
  web:
    command: python3 -m http.server $hp --bind 127.0.0.1
    ports: ["$hp"]
    ready: [{http: "http://127.0.0.1:$hp/"}]
  store:
    command: python3 -m http.server $tp --bind 127.0.0.1
    ports: ["$tp"]
    ready: [{tcp: "127.0.0.1:$tp"}]
YAML
expect_exit 0 "$LINEUP" -f ports.yaml up -d
check grep -qE "web +ready +http://127.0.0.1:$hp\$" .lineup/lineup.log
check grep -qE "store +ready +127.0.0.1:$tp\$" .lineup/lineup.log
expect_exit 0 "$LINEUP" -f ports.yaml down
expect_no_leftovers

# /health/startup while the stack starts: the report so far.
cat > slow.yaml <<'YAML'
services:
  web:
    command: sleep 1000
    ready:
      - file: go.flag
YAML
"$LINEUP" -f slow.yaml up -d > slow.out 2>&1 &
up=$!
wait_until 60 test -S .lineup/lineup.sock || fail "no control socket"
startup() { curl -sf --unix-socket .lineup/lineup.sock http://lineup/health/startup; }
wait_until 30 startup && pass || fail "/health/startup did not answer while starting"
check grep -q '"result": "STARTING"' <<<"$(startup)"
touch go.flag
wait $up
check test $? -eq 0
check grep -q '"result": "READY"' <<<"$(startup)"
expect_exit 0 "$LINEUP" -f slow.yaml down
expect_no_leftovers
finish
