# A websocket readiness check (issue 18), as the seeds' frontend wants it
# ("WS /ws/test"): the server upgrades at once but answers "starting" to a
# ping until the file `ready` exists, so the service must stay starting with
# the reply as its reason, and become ready (and its dependent start) only
# once the reply is "pong". `lineup wait` takes ws:// and wss:// targets and
# says why an upgrade was refused.
source "$(dirname "$0")/../lib.sh"

port=$(free_port)
tls_port=$(free_port)
openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 2 -subj /CN=localhost 2>/dev/null
cat > lineup.yaml <<YAML
services:
  frontend:
    command: ["/usr/bin/python3", "$SRC/tests/servers/websocket_server.py", "$port", "$tls_port", "cert.pem", "key.pem"]
    ready:
      - websocket: {url: "ws://127.0.0.1:$port/ws/test", send: ping, expect: "^pong\$\$"}
    startup_timeout: 120s
  e2e:
    command: sleep 1000
    depends_on: [frontend]
YAML
"$LINEUP" up -d > up.out 2>&1 &
up=$!
shows_reply() { [ "$(ps_field frontend status)" = 'reply did not match /^pong$/: "starting"' ]; }
wait_until 60 shows_reply && pass || fail "never saw the reply as the reason: $("$LINEUP" ps --format json)"
check test "$(ps_field frontend state)" = starting
check test "$(ps_field e2e state)" = waiting
touch ready
wait $up; check test $? -eq 0
check test "$(ps_field frontend state)" = ready
check test "$(ps_field e2e state)" = ready

expect_exit 0 "$LINEUP" wait --timeout 10s "ws://127.0.0.1:$port/echo" "wss://127.0.0.1:$tls_port/echo"
expect_exit 1 "$LINEUP" wait --timeout 500ms "ws://127.0.0.1:$port/nosuch"
expect_contains "HTTP 404 instead of 101 Switching Protocols"
expect_exit 2 "$LINEUP" wait "ws://:80/"
expect_contains "no host"
expect_exit 0 "$LINEUP" down
expect_no_leftovers
finish
