#!/bin/sh
# The `migrate` oneshot: create the application database if needed, apply
# every migrations/*.sql in order, print the schema version. Exit 0 = done;
# services that need the schema wait for `migrate` to be `completed`.
set -eu
: "${PG_PORT:?}" "${POSTGRES_USER:?}" "${POSTGRES_PASSWORD:?}" "${POSTGRES_DB:?}"
export PGHOST=127.0.0.1 PGPORT="$PG_PORT" PGUSER="$POSTGRES_USER" PGPASSWORD="$POSTGRES_PASSWORD"
psql="psql -X -q -v ON_ERROR_STOP=1"

$psql -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$POSTGRES_DB'" -t -A | grep -q 1 ||
  $psql -d postgres -c "CREATE DATABASE \"$POSTGRES_DB\""
for f in migrations/*.sql; do
  echo "applying $f"
  $psql -d "$POSTGRES_DB" -f "$f"
done
echo "schema version $($psql -d "$POSTGRES_DB" -t -A -c 'SELECT max(version) FROM schema_version')"
