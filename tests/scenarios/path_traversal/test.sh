# Names that try to leave the logs directory or to reach another route:
# `logs` refuses them without reading anything; start/stop/restart act on
# no service; the API answers 404 (or 400/405), reads nothing, and the
# stack is untouched. A decoy file stands where each traversal would land.
source "$(dirname "$0")/../lib.sh"

expect_exit 0 "$LINEUP" up -d
web=$(ps_field web pid) db=$(ps_field db pid)
# Decoys: files whose content must never be printed.
echo "DECOY-lineup-dir" > .lineup/decoy.log
echo "DECOY-project-dir" > decoy.log
echo "DECOY-tmp" > "$WORK.log"
not_printed() { ! grep -qE "DECOY|root:x:0:0" <<<"$OUT"; }
# Both services ready, with the pids they had: one `ps` call.
untouched() {
  "$LINEUP" ps --format json | /usr/bin/python3 -c '
import json, sys
s = {x["name"]: x for x in json.load(sys.stdin)["services"]}
ok = all(s[n]["state"] == "ready" and str(s[n]["pid"]) == p for n, p in (("web", sys.argv[1]), ("db", sys.argv[2])))
sys.exit(0 if ok else 1)' "$web" "$db"
}

# `lineup logs`: refused with exit 2, nothing printed.
for name in ../../etc/passwd .. . /etc/passwd a/../../x ../decoy ../../decoy "../../../..$WORK" \
            web/../../decoy "web/../../../../../../etc/passwd"; do
  for opts in "" "--tail 5"; do
    expect_exit 2 "$LINEUP" logs $opts "$name"
    expect_contains "is not a service name"
    check not_printed
  done
  OUT=$(timeout 5 "$LINEUP" logs -f "$name" 2>&1); code=$?
  check test "$code" = 2
  check not_printed
done
# A name that merely looks encoded, or has backslashes, is just an unknown service.
expect_exit 1 "$LINEUP" logs "..%2F..%2Fetc%2Fpasswd"
check not_printed
expect_exit 1 "$LINEUP" logs '..\..\decoy'
check not_printed
# Several names: one bad name refuses the whole command.
expect_exit 2 "$LINEUP" logs web ../decoy
check not_printed
# The real ones still work.
expect_exit 0 "$LINEUP" logs web
expect_contains "web says hi"

# start / stop / restart: a name is a name, never a path or a piece of a URL.
for action in start stop restart; do
  for name in ../../etc/passwd .. /etc/passwd "db/stop?" "db/restart#" "web/../db" "../../v1/down?" \
              "$(printf 'db/stop HTTP/1.1\r\nHost: x\r\n\r\nGET /x')"; do
    OUT=$(timeout 20 "$LINEUP" "$action" "$name" 2>&1); code=$?
    if [ "$code" = 2 ]; then pass; else fail "lineup $action $(printf %q "$name"): exit $code (want 2): $(tr "\r\n" "  " <<<"$OUT")"; fi
    if untouched; then pass; else
      fail "lineup $action $(printf %q "$name") acted on the stack: web $(ps_field web state) (pid $(ps_field web pid), was $web), db $(ps_field db state) (pid $(ps_field db pid), was $db)"
      "$LINEUP" start web db >/dev/null 2>&1
      web=$(ps_field web pid) db=$(ps_field db pid)
    fi
  done
done

# The API: no decoding into paths, no normalisation into other routes.
for method in GET POST; do
  for path in /v1/services/..%2F..%2Fetc%2Fpasswd /v1/services/../../etc/passwd /../../../../etc/passwd \
              /v1/services/%2e%2e/%2e%2e/etc/passwd /v1/services/..%2F..%2Fetc%2Fpasswd/start \
              /v1/services/../../v1/down /v1/services/web%00 /v1/services/web/../db \
              /v1/services/db%2Fstop /v1/services/db%2Fstop%3F/start /v1/services/%2Fetc%2Fpasswd \
              /v1/services/web/..%2F..%2Fetc%2Fpasswd /health/../../etc/passwd /metrics/../../etc/passwd \
              /v1/events/../../etc/passwd /v1/services/web/stop/../../db/stop /v1/services/../../.lineup/decoy.log \
              /v1/logs/..%2Fdecoy /v1/services/..; do
    code=$(curl -s --path-as-is -X $method -o body.txt -w '%{http_code}' -m 5 \
      --unix-socket .lineup/lineup.sock "http://lineup$path")
    case "$code" in 404|405|400) pass ;; *) fail "$method $path: HTTP $code: $(head -c 200 body.txt)" ;; esac
    OUT=$(cat body.txt); check not_printed
  done
done
# Raw request lines a browser would never send.
python3 - "$WORK/.lineup/lineup.sock" <<'PY' && pass || fail "raw request targets"
import socket, sys
for target in [b"http://lineup/../../etc/passwd", b"../../etc/passwd", b"/v1/services/web\x00/../../../etc/passwd",
               b"//etc/passwd", b"/v1/services/web/..\\..\\..\\etc\\passwd", b"*"]:
    s = socket.socket(socket.AF_UNIX)
    s.connect(sys.argv[1])
    s.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: lineup\r\nConnection: close\r\n\r\n")
    s.settimeout(5)
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    status = data.split(b"\r\n", 1)[0]
    assert status.split()[1] in (b"400", b"404", b"405"), (target, status)
    assert b"root:x:0:0" not in data and b"DECOY" not in data, (target, data[:200])
PY
check untouched
OUT=$(curl -s -m 5 --unix-socket .lineup/lineup.sock http://lineup/health/live)
check grep -q alive <<<"$OUT"
expect_exit 0 "$LINEUP" down
expect_no_leftovers
rm -f "$WORK.log"
finish
