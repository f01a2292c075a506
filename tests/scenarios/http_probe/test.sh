# HTTP readiness with a JSON check: the service is not ready while it
# answers 503, and becomes ready once /health/ready says healthy.
# `lineup wait` fails with the last thing it saw, then succeeds.
source "$(dirname "$0")/../lib.sh"

port=$(free_port)
cat > lineup.yaml <<YAML
services:
  web:
    command: python3 $SRC/tests/scenarios/health_server.py $port
    ready:
      - tcp: 127.0.0.1:$port
      - http: {url: "http://127.0.0.1:$port/health/ready", status: 200, json: {status: healthy}}
    startup_timeout: 60s
  after:
    command: sleep 1000
    depends_on: [web]
YAML
"$LINEUP" up -d > up.out 2>&1 &
up=$!
# web answers 503 until `ready` exists: it must not become ready before that.
wait_until 30 sh -c "\"$LINEUP\" ps --format json | grep -q '\"status\": \"HTTP 503\"'" && pass || fail "never saw HTTP 503"
check test "$(ps_field web state)" = starting
check test "$(ps_field after state)" = waiting
expect_exit 1 "$LINEUP" wait --timeout 500ms "http://127.0.0.1:$port/health/ready"
expect_contains "HTTP 503"
touch ready
wait $up; check test $? -eq 0
check test "$(ps_field web state)" = ready
check test "$(ps_field after state)" = ready
expect_exit 0 "$LINEUP" wait --timeout 5s "http://127.0.0.1:$port/health/ready" "tcp://127.0.0.1:$port"
expect_exit 0 "$LINEUP" down
expect_no_leftovers
finish
