# A declared port that is taken fails the attempt with a clear message.
source "$(dirname "$0")/../lib.sh"

port=$(free_port)
cat > lineup.yaml <<YAML
services:
  api:
    command: sleep 1000
    ports: ["$port"]
    restart: "no"
YAML
python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen()
open("listening", "w").close()
time.sleep(60)' "$port" &
holder=$!
wait_until 10 test -f listening
expect_exit 1 "$LINEUP" up -d
check grep -q "port $port is already in use" .lineup/last-run.json
expect_contains "api: failed to start: port $port is already in use"
expect_exit 0 "$LINEUP" check
expect_contains "port $port of service \"api\" is in use right now"
kill $holder
expect_no_leftovers
finish
