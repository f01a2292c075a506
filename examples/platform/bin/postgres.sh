#!/bin/sh
# A throwaway PostgreSQL cluster for the example.
#   postgres.sh init   create a fresh cluster in $PG_DATA (SCRAM logins, the
#                      password from $POSTGRES_PASSWORD); the oneshot `db-init`
#   postgres.sh run    run the server on 127.0.0.1:$PG_PORT; the service `postgres`
# initdb and postgres refuse to run as root: as root, both run as the
# `postgres` account (created by Debian's postgresql package).
set -eu
: "${PG_DATA:?}" "${PG_PORT:?}" "${POSTGRES_USER:?}" "${POSTGRES_PASSWORD:?}"

# Debian keeps the server binaries out of PATH.
pgbin=$(dirname "$(command -v initdb 2>/dev/null || ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -1)")
[ -x "$pgbin/initdb" ] || { echo "PostgreSQL server not found (Debian: apt-get install postgresql)" >&2; exit 1; }

as_pg=""
if [ "$(id -u)" -eq 0 ]; then
  # setpriv execs in place: no extra parent process between lineup and postgres.
  as_pg="setpriv --reuid=postgres --regid=postgres --clear-groups"
fi

case "${1:-}" in
init)
  rm -rf "$PG_DATA"
  mkdir -p "$PG_DATA"
  pwfile="$PG_DATA.pw"
  (umask 077 && printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile")
  if [ -n "$as_pg" ]; then
    chown postgres: "$PG_DATA" "$pwfile"
    $as_pg test -x "$PG_DATA" || {
      echo "the postgres user cannot reach $PG_DATA (a parent directory is private): set PG_DATA elsewhere, e.g. /tmp/platform-pg" >&2
      rm -f "$pwfile"; exit 1; }
  fi
  $as_pg "$pgbin/initdb" -D "$PG_DATA" -U "$POSTGRES_USER" --pwfile="$pwfile" \
    --auth=scram-sha-256 -E UTF8 --locale=C --no-sync --no-instructions
  rm -f "$pwfile"
  ;;
run)
  # TCP on loopback only, no Unix socket (nothing to clash with in /tmp);
  # fsync off: a throwaway cluster does not need durable writes.
  exec $as_pg "$pgbin/postgres" -D "$PG_DATA" -p "$PG_PORT" \
    -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c fsync=off
  ;;
*)
  echo "usage: $0 init|run" >&2; exit 2 ;;
esac
