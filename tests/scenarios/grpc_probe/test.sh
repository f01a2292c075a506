# A grpc readiness check (issue 18): grpc.health.v1.Health/Check against a
# real gRPC server (python3-grpcio). Its service "db" answers NOT_SERVING
# until the file db.ready exists: the service must stay starting with
# NOT_SERVING as its reason, and become ready (and its dependent start)
# only after. `lineup wait` takes grpc:// (and grpcs://) targets and says
# why a server is not ready.
source "$(dirname "$0")/../lib.sh"

port=$(free_port)
bare=$(free_port)
tls=$(free_port)
openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 2 -subj /CN=localhost 2>/dev/null
cat > lineup.yaml <<YAML
services:
  billing:
    command: ["/usr/bin/python3", "$SRC/tests/servers/grpc_health_server.py", "$port", "$bare", "$tls", "cert.pem", "key.pem"]
    ready:
      - grpc: {target: "127.0.0.1:$port", service: db}
    startup_timeout: 120s
  worker:
    command: sleep 1000
    depends_on: [billing]
YAML
"$LINEUP" up -d > up.out 2>&1 &
up=$!
not_serving() { [ "$(ps_field billing status)" = NOT_SERVING ]; }
wait_until 60 not_serving && pass || fail "never saw NOT_SERVING: $("$LINEUP" ps --format json)"
check test "$(ps_field billing state)" = starting
check test "$(ps_field worker state)" = waiting
touch db.ready
wait $up; check test $? -eq 0
check test "$(ps_field billing state)" = ready
check test "$(ps_field worker state)" = ready

expect_exit 0 "$LINEUP" wait --timeout 10s "grpc://127.0.0.1:$port" "grpc://127.0.0.1:$port/db" "grpcs://127.0.0.1:$tls"
expect_exit 1 "$LINEUP" wait --timeout 500ms "grpc://127.0.0.1:$bare"
expect_contains "UNIMPLEMENTED: the server has no grpc.health.v1.Health service"
expect_exit 1 "$LINEUP" wait --timeout 500ms "grpc://127.0.0.1:$port/payments"
expect_contains "SERVICE_UNKNOWN"
expect_exit 2 "$LINEUP" wait "grpc://127.0.0.1"
expect_contains "grpc target needs host:port"
expect_exit 0 "$LINEUP" down
expect_no_leftovers
finish
