# TLS probes against real TLS servers: an HTTPS server (Python's ssl) and
# redis-server on its TLS port, both with a self-signed certificate made
# here. The stack comes up through https:// and rediss:// readiness probes;
# `lineup wait` passes against them and says why it fails: HTTP 503 behind
# TLS, a wrong password behind TLS, TLS spoken to a plain server.
source "$(dirname "$0")/../lib.sh"

openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 2 -subj /CN=localhost \
  -addext subjectAltName=DNS:localhost,IP:127.0.0.1 >/dev/null 2>&1
check test -s cert.pem
web=$(free_port) cache=$(free_port) plain=$(free_port)
export CACHE_PASSWORD="tls-secret-$RANDOM"
cat > lineup.yaml <<YAML
services:
  web:
    command: /usr/bin/python3 $SRC/tests/scenarios/health_server.py $web cert.pem key.pem
    ready:
      - http: {url: "https://127.0.0.1:$web/health/ready", status: 200, json: {status: healthy}}
    startup_timeout: 60s
  cache:
    command: >-
      redis-server --port $plain --bind 127.0.0.1 --tls-port $cache --tls-cert-file cert.pem
      --tls-key-file key.pem --tls-auth-clients no --requirepass \${CACHE_PASSWORD} --save ""
    ready:
      - redis: {url: "rediss://:\${CACHE_PASSWORD}@127.0.0.1:$cache", checks: [ping, roundtrip]}
    startup_timeout: 60s
  app:
    command: sleep 1000
    depends_on: [web, cache]
YAML

touch ready   # health_server.py answers 200 at once
expect_exit 0 "$LINEUP" up -d
for s in web cache app; do check test "$(ps_field $s state)" = ready; done
check test "$(ps_field web status)" = "HTTP 200"
echo "tls_probes: web: $(ps_field web status); cache: $(ps_field cache status)"

expect_exit 0 "$LINEUP" wait --timeout 10s "https://127.0.0.1:$web/health/ready" \
  "rediss://:$CACHE_PASSWORD@127.0.0.1:$cache"
expect_exit 0 "$LINEUP" wait --timeout 10s "https://localhost:$web/health/ready"   # SNI sent for a name
expect_exit 1 "$LINEUP" wait --timeout 1s "https://127.0.0.1:$web/other"
expect_contains "HTTP 503"
expect_exit 1 "$LINEUP" wait --timeout 1s "rediss://:wrong@127.0.0.1:$cache"
expect_contains "WRONGPASS"
# TLS spoken to a plain HTTP server and to redis' plain port (which waits
# for a newline), and plain HTTP spoken to the HTTPS server.
http_port=$(free_port)
/usr/bin/python3 "$SRC/tests/scenarios/health_server.py" "$http_port" &
http_server=$!
wait_until 10 "$LINEUP" wait -q --timeout 1s "tcp://127.0.0.1:$http_port"
expect_exit 1 "$LINEUP" wait --timeout 2s "https://127.0.0.1:$http_port/health/ready"
expect_contains "TLS handshake: "
echo "tls_probes: https:// to a plain HTTP server: $(echo "$OUT" | tail -1)"
kill "$http_server"; wait "$http_server" 2>/dev/null
expect_exit 1 "$LINEUP" wait --timeout 1s "https://127.0.0.1:$plain/"
echo "tls_probes: https:// to a plain port: $(echo "$OUT" | tail -1)"
expect_exit 1 "$LINEUP" wait --timeout 1s "http://127.0.0.1:$web/health/ready"
echo "tls_probes: http:// to a TLS port: $(echo "$OUT" | tail -1)"
# The password never shows, in ps or in wait's report.
OUT=$("$LINEUP" ps --format json; "$LINEUP" wait --timeout 500ms "rediss://:$CACHE_PASSWORD@127.0.0.1:$plain" 2>&1)
if grep -qF "$CACHE_PASSWORD" <<<"$OUT"; then fail "the password shows: $OUT"; else pass; fi

expect_exit 0 "$LINEUP" down
expect_no_leftovers
finish
