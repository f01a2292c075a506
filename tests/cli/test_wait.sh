# `lineup wait` without a config: exit 0 when all targets are ready, 1 on
# timeout with one line per target, 2 on a malformed target.
source "$(dirname "$0")/lib.sh"
cd "$WORK"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
expect_exit 1 "$LINEUP" wait --timeout 300ms "tcp://127.0.0.1:$port" "file:$WORK/flag" "exec:false"
expect_contains "tcp://127.0.0.1:$port: connection refused"
expect_contains "file:$WORK/flag: $WORK/flag: No such file or directory"
expect_contains "exec:false: exit code 1"
touch flag
expect_exit 0 "$LINEUP" wait --timeout 5s "file:$WORK/flag" "exec:true"
# A bare host:port is a TCP target, as in wait-for-it.
expect_exit 1 "$LINEUP" wait --timeout 300ms "127.0.0.1:$port"
expect_contains "127.0.0.1:$port: connection refused"
python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen()
open(sys.argv[2], "w").close(); time.sleep(30)' "$port" "$WORK/listening" &
listener=$!
for _ in $(seq 1 500); do [ -e "$WORK/listening" ] && break; sleep 0.02; done
expect_exit 0 "$LINEUP" wait --timeout 10s "127.0.0.1:$port"
kill $listener; wait $listener 2>/dev/null
expect_exit 2 "$LINEUP" wait "ftp://example"
expect_contains "unknown target"
expect_exit 2 "$LINEUP" wait "tcp://nohost"
# A URL that can never be checked is a usage error at once, not a timeout later.
for target in "http://" "https://:443/" "http://host:99999/" "http://[::1" "postgres://u@h:abc/db" "redis://h:0"; do
  expect_exit 2 "$LINEUP" wait --timeout 10m "$target"
done
expect_contains "bad port in the redis URL"
for target in "ws://" "wss://h:0/" "grpc://h" "grpc://h:99999" "grpcs://:443" "mysql:///db" "mariadb://u@h:x/db"; do
  expect_exit 2 "$LINEUP" wait --timeout 10m "$target"
done
expect_contains "the port is not a number from 1 to 65535"
expect_exit 1 "$LINEUP" wait --timeout 300ms "postgres://app:hunter22@127.0.0.1:$port/db"
expect_not_contains "hunter22"
# The newer targets fail with the same reasons as the older ones.
expect_exit 1 "$LINEUP" wait --timeout 300ms "ws://127.0.0.1:$port/ws" "grpc://127.0.0.1:$port" \
  "mysql://app:hunter33@127.0.0.1:$port/db"
expect_contains "ws://127.0.0.1:$port/ws: connection refused"
expect_contains "grpc://127.0.0.1:$port: connection refused"
expect_contains "mysql://app:***@127.0.0.1:$port/db: connection refused"
expect_not_contains "hunter33"
finish
