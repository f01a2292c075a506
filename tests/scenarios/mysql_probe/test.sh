# A mysql readiness check (issue 18) on a real MariaDB server run as a
# service of the stack. `db` is ready once a real login works; `api` waits
# for the migration ("SELECT version_num FROM alembic_version", expect:
# rows, as the seeds ask), so it stays starting with "no rows" until the
# test inserts one. `lineup wait mysql://...` says why a login fails,
# never with the password.
source "$(dirname "$0")/../lib.sh"

port=$(free_port)
as_root= root_arg=
[ "$(id -u)" = 0 ] && as_root=--user=root root_arg=", --user=root"
mariadb-install-db --no-defaults --datadir="$WORK/data" --tmpdir="$WORK" --skip-test-db $as_root \
  --auth-root-authentication-method=normal > install.log 2>&1 || { fail "mariadb-install-db"; cat install.log; }
cat > init.sql <<'SQL'
CREATE USER 'app'@'%' IDENTIFIED BY 'Db-Secret-42';
CREATE DATABASE appdb;
CREATE TABLE appdb.alembic_version (version_num VARCHAR(32));
GRANT ALL ON appdb.* TO 'app'@'%';
SQL
url="mysql://app:Db-Secret-42@127.0.0.1:$port/appdb"
cat > lineup.yaml <<YAML
services:
  db:
    command: [/usr/sbin/mariadbd, --no-defaults, --datadir=$WORK/data, --socket=$WORK/mysqld.sock, --tmpdir=$WORK,
              --pid-file=$WORK/mysqld.pid, --port=$port, --bind-address=127.0.0.1, --skip-name-resolve,
              --init-file=$WORK/init.sql, --innodb-buffer-pool-size=16M, --skip-log-bin$root_arg]
    ready:
      - mysql: "$url"
    startup_timeout: 120s
  api:
    command: sleep 1000
    depends_on: [db]
    ready:
      - mysql: {url: "$url", query: "SELECT version_num FROM alembic_version", expect: rows}
    startup_timeout: 120s
YAML
"$LINEUP" up -d > up.out 2>&1 &
up=$!
no_rows() { [ "$(ps_field api status)" = "no rows" ]; }
wait_until 120 no_rows && pass || fail "api never said no rows: $("$LINEUP" ps --format json)"
check test "$(ps_field db state)" = ready
check test "$(ps_field api state)" = starting
mariadb --no-defaults --protocol=tcp -h 127.0.0.1 -P "$port" -u app -pDb-Secret-42 appdb \
  -e "INSERT INTO alembic_version VALUES ('4f2e9a1c')"
wait $up; check test $? -eq 0
check test "$(ps_field api state)" = ready

expect_exit 0 "$LINEUP" wait --timeout 10s "$url" "mariadb://app:Db-Secret-42@localhost:$port/appdb"
expect_exit 1 "$LINEUP" wait --timeout 500ms "mysql://app:Wrong-Pass-1@127.0.0.1:$port/appdb"
expect_contains "Access denied for user 'app'"
lacks() { case "$OUT" in *"$1"*) fail "the output shows $1";; *) pass;; esac; }
lacks Wrong-Pass-1
expect_exit 1 "$LINEUP" wait --timeout 500ms "mysql://app:Db-Secret-42@127.0.0.1:$port/nosuch"
expect_contains "nosuch"
lacks Db-Secret-42
expect_exit 2 "$LINEUP" wait "mysql://app@127.0.0.1:notaport/appdb"
expect_exit 0 "$LINEUP" down
expect_no_leftovers
finish
