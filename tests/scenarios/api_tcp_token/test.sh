# The TCP API: a bearer token on every request (401 and nothing else
# without it), bounded requests (a client sending a 1 GB header is cut off
# and the supervisor keeps serving), and /metrics parsed by the Prometheus
# client library's own text parser.
source "$(dirname "$0")/../lib.sh"

export API_PORT=$(free_port) WEB_PORT=$(free_port) API_TOKEN="tok-$RANDOM-$RANDOM-secret"
api="http://127.0.0.1:$API_PORT"

expect_exit 0 "$LINEUP" up -d
check test "$(stat -c %a .lineup/lineup.sock)" = 600

# No token, a wrong token, a wrong scheme: 401 with an empty body.
for auth in "" "Authorization: Bearer wrong" "Authorization: Basic $API_TOKEN" "Authorization: Bearer ${API_TOKEN}x"; do
  code=$(curl -s -o body.txt -w '%{http_code}' ${auth:+-H "$auth"} "$api/v1/services")
  check test "$code" = 401
  check test ! -s body.txt
done
# The right token: every endpoint answers.
expect_exit 0 curl -sf -H "Authorization: Bearer $API_TOKEN" "$api/v1/services"
expect_contains '"result":"READY"'
expect_exit 0 curl -sf -H "Authorization: Bearer $API_TOKEN" "$api/health/ready"
# The control socket needs no token (mode 0600 guards it).
expect_exit 0 curl -sf --unix-socket .lineup/lineup.sock http://lineup/health/live
# A token holder may reload (the files the stack was started with), but not
# point the supervisor at other files or another environment.
code=$(curl -s -o body.txt -w '%{http_code}' -X POST -d '{"files": ["/etc/passwd"]}' \
  -H "Authorization: Bearer $API_TOKEN" "$api/v1/reload")
check test "$code" = 403
code=$(curl -s -o body.txt -w '%{http_code}' -X POST -d '{"dry_run": true}' \
  -H "Authorization: Bearer $API_TOKEN" "$api/v1/reload")
check test "$code" = 200
check grep -q '"changes":\[\]' body.txt

# A client that sends an endless header: cut off early, nothing buffered.
python3 - "$API_PORT" <<'PY' && pass || fail "1 GB header"
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"GET /v1/services HTTP/1.1\r\nHost: x\r\n")
line = b"X-Junk: " + b"a" * 65536 + b"\r\n"
sent = 0
try:
    while sent < 1 << 30:
        s.sendall(line)
        sent += len(line)
except OSError:
    pass
assert sent < 64 << 20, f"the server read {sent} bytes of header"
PY
# A slow client that never finishes its request does not hold up others.
python3 - "$API_PORT" <<'PY' &
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"GET /v1/services HTTP/1.1\r\n")
time.sleep(5)
PY
slow=$!
expect_exit 0 curl -sf -m 5 -H "Authorization: Bearer $API_TOKEN" "$api/health/live"
kill $slow 2>/dev/null; wait $slow 2>/dev/null

# Strangers cannot starve the owner: 200 idle TCP connections without a
# token (more than the TCP listener takes) leave the control socket free,
# and a request without a token is refused at its headers, before any body.
python3 - "$API_PORT" <<'PY' &
import socket, sys, time
held = []
for _ in range(200):
    try:
        held.append(socket.create_connection(("127.0.0.1", int(sys.argv[1]))))
    except OSError:
        pass
open("flood.ready", "w").close()
time.sleep(30)
PY
flood=$!
wait_until 30 test -e flood.ready || fail "the flood did not start"
expect_exit 0 "$LINEUP" restart worker
expect_contains "worker: ready"
expect_exit 0 curl -sf -m 10 --unix-socket .lineup/lineup.sock http://lineup/health/live
kill $flood 2>/dev/null; wait $flood 2>/dev/null
python3 - "$API_PORT" <<'PY' && pass || fail "401 only after the body"
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"POST /v1/down HTTP/1.1\r\nHost: x\r\nContent-Length: 60000\r\n\r\n")
s.settimeout(30)
answer = s.recv(100)   # the body never comes: only a check at the headers answers
assert answer.startswith(b"HTTP/1.1 401"), answer
PY

# /metrics through the Prometheus text parser: families, types, histogram.
# (Debian's python3, which has python3-prometheus-client.)
curl -sf -H "Authorization: Bearer $API_TOKEN" "$api/metrics" > metrics.txt
/usr/bin/python3 - <<'PY' && pass || fail "metrics do not parse or lack families"
from prometheus_client.parser import text_string_to_metric_families
fams = {f.name: f for f in text_string_to_metric_families(open("metrics.txt").read())}
for name, kind in [("lineup_service_up", "gauge"), ("lineup_service_ready", "gauge"),
                   ("lineup_service_restarts", "counter"), ("lineup_service_startup_seconds", "gauge"),
                   ("lineup_probe_duration_seconds", "histogram"), ("lineup_probe_failures", "counter"),
                   ("lineup_service_breaker_open", "gauge"), ("lineup_stack_state", "gauge")]:
    assert name in fams, (name, sorted(fams))
    assert fams[name].type == kind, (name, fams[name].type)
ready = {s.labels["service"]: s.value for s in fams["lineup_service_ready"].samples}
assert ready == {"web": 1, "worker": 1}, ready
hist = [s for s in fams["lineup_probe_duration_seconds"].samples if s.labels.get("service") == "web"]
count = {s.labels["kind"]: s.value for s in hist if s.name.endswith("_count")}
assert count.get("http", 0) >= 1 and count.get("tcp", 0) >= 1, count
PY

# The token never reaches lineup's own output or files.
expect_exit 0 "$LINEUP" down
check test -z "$(grep -rl -- "$API_TOKEN" .lineup 2>/dev/null)"
expect_no_leftovers

# Beyond loopback without a token: refused before anything starts.
sed -i 's/127.0.0.1:\${API_PORT}/0.0.0.0:${API_PORT}/; /token_env/d' lineup.yaml
expect_exit 2 "$LINEUP" up -d
expect_contains "is not a loopback address: set api.token_env"
expect_no_leftovers
finish
