# Real PostgreSQL and Redis as services, readiness by real logins: `lineup
# up -d` waits for a SCRAM login + query and for AUTH + PING + roundtrip +
# loaded before starting the app. `lineup wait` then passes on the right
# credentials and fails (exit 1, one reason line per target, no password
# shown) on wrong passwords and on closed ports.
source "$(dirname "$0")/../lib.sh"

pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
redis=$(command -v redis-server || true)
if [ -z "$pgbin" ] || [ ! -x "$pgbin/initdb" ] || [ ! -x "$pgbin/postgres" ] || [ -z "$redis" ]; then
  fail "PostgreSQL server (initdb, postgres) or redis-server not installed: run scripts/setup.sh"
  finish; exit
fi
# initdb and postgres refuse root: as root they run as the postgres account.
as_postgres=()
if [ "$(id -u)" -eq 0 ]; then
  as_postgres=(setpriv --reuid=postgres --regid=postgres --clear-groups)
  chmod 755 "$WORK"
  mkdir pg && chown postgres: pg
else
  mkdir pg
fi
pw='Sc3nario-Pw'
echo "$pw" > pg/pwfile
[ "$(id -u)" -eq 0 ] && chown postgres: pg/pwfile
if ! "${as_postgres[@]}" "$pgbin/initdb" -D "$WORK/pg/data" --auth=scram-sha-256 --pwfile="$WORK/pg/pwfile" -U app \
     --no-sync --no-instructions -E UTF8 --locale=C > initdb.out 2>&1; then
  fail "initdb failed"; cat initdb.out; finish; exit
fi

pgport=$(free_port)
rport=$(free_port)
closed=$(free_port)
cat > lineup.yaml <<YAML
services:
  db:
    command: ${as_postgres[*]} $pgbin/postgres -D $WORK/pg/data -k $WORK/pg -p $pgport -c listen_addresses=127.0.0.1 -c fsync=off
    stop_signal: SIGINT
    ready:
      - postgres: {url: "postgresql://app:$pw@127.0.0.1:$pgport/postgres", query: "SELECT 1"}
  cache:
    command: $redis --port $rport --bind 127.0.0.1 --save '' --appendonly no --daemonize no --requirepass $pw
    ready:
      - redis: {url: "redis://:$pw@127.0.0.1:$rport", checks: [ping, roundtrip, loaded]}
  app:
    command: sleep 1000
    depends_on: [db, cache]
YAML

expect_exit 0 "$LINEUP" up -d
check test "$(ps_field db state)" = ready
check test "$(ps_field cache state)" = ready
check test "$(ps_field app state)" = ready

expect_exit 0 "$LINEUP" wait --timeout 10s "postgres://app:$pw@127.0.0.1:$pgport/postgres" "redis://:$pw@127.0.0.1:$rport"
expect_contains "postgres://app:***@127.0.0.1:$pgport/postgres: ready"
expect_contains "redis://:***@127.0.0.1:$rport: ready (PONG)"
check test "$(grep -c -- "$pw" <<<"$OUT")" -eq 0

expect_exit 1 "$LINEUP" wait --timeout 1s "postgres://app:Wr0ng-Pw@127.0.0.1:$pgport/postgres" "redis://:Wr0ng-Pw@127.0.0.1:$rport"
expect_contains "lineup: wait: timeout after 1s"
expect_contains "  postgres://app:***@127.0.0.1:$pgport/postgres: password authentication failed for user \"app\""
expect_contains "  redis://:***@127.0.0.1:$rport: WRONGPASS invalid username-password pair"
check test "$(grep -c -- "Wr0ng-Pw" <<<"$OUT")" -eq 0

expect_exit 1 "$LINEUP" wait --timeout 1s "redis://127.0.0.1:$rport"
expect_contains "  redis://127.0.0.1:$rport: NOAUTH Authentication required."

expect_exit 1 "$LINEUP" wait --timeout 1s "postgres://app:$pw@127.0.0.1:$closed/postgres" "redis://:$pw@127.0.0.1:$closed"
expect_contains "  postgres://app:***@127.0.0.1:$closed/postgres: connection refused"
expect_contains "  redis://:***@127.0.0.1:$closed: connection refused"

# `up -d` says why a service failed: a wrong password, without the password.
mkdir wrong
cat > wrong/lineup.yaml <<YAML
services:
  client:
    command: sleep 1000
    restart: "no"
    startup_timeout: 2s
    ready:
      - postgres: "postgresql://app:Wr0ng-Pw@127.0.0.1:$pgport/postgres"
YAML
expect_exit 1 "$LINEUP" -f wrong/lineup.yaml up -d
expect_contains "client: not ready after 2s (startup_timeout): last probe: password authentication failed for user \"app\""
check test "$(grep -c -- "Wr0ng-Pw" <<<"$OUT")" -eq 0

expect_exit 0 "$LINEUP" down
expect_no_leftovers
finish
