# The examples a newcomer tries first, for real: every example's config
# passes `check --strict`; quickstart and platform (real PostgreSQL, Redis,
# a migration and eight HTTP services) come up READY from a copy on free
# ports, every service ready or completed, `report` shows the critical
# chain, `down` stops everything, and no process is left, postgres and
# redis-server included.
source "$(dirname "$0")/../lib.sh"
ex=$SRC/examples

# free_ports N: N distinct free loopback ports (held open together, so no repeats).
free_ports() {
  python3 -c '
import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))' "$1"
}

# all_up: `ps --format json` says READY and every service is ready or completed.
all_up() {
  "$LINEUP" ps --format json | python3 -c '
import json, sys
d = json.load(sys.stdin)
bad = ["%s=%s" % (s["name"], s["state"]) for s in d["services"] if s["state"] not in ("ready", "completed")]
if d["result"] != "READY" or bad or not d["services"]:
    sys.exit("result %s, not up: %s" % (d["result"], bad))'
}

# PostgreSQL rewrites its process title and environment, so the
# LINEUP_SCENARIO marker of `leftovers` cannot be trusted for it: find the
# servers by name and by a working directory inside this test's copy.
servers_left() {
  local p
  for p in /proc/[0-9]*; do
    case "$(cat "$p/comm" 2>/dev/null)" in postgres | redis-server) ;; *) continue ;; esac
    case "$(readlink "$p/cwd" 2>/dev/null)" in "$WORK"/*) echo "${p#/proc/}" ;; esac
  done
}
port_closed() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

stop_examples() {
  for d in "$WORK/quickstart" "$WORK/compose" "$WORK/platform"; do
    [ -d "$d/.lineup" ] && (cd "$d" && "$LINEUP" down --emergency >/dev/null 2>&1)
  done
  for p in $(servers_left); do kill -9 "$p" 2>/dev/null; done
  cleanup
}
trap stop_examples EXIT

# A copy without the state a developer's own runs leave in the source tree.
copy_example() {
  tar -C "$ex" -cf - --exclude="$1/.lineup" --exclude="$1/.env" --exclude="$1/data" "$1" | tar -C "$WORK" -xf -
  cd "$WORK/$1" || exit 1
}

# ---- check, on every example ------------------------------------------------
read -r DB_PORT API_PORT WEB_PORT <<<"$(free_ports 3)"
export DB_PORT API_PORT WEB_PORT   # busy ports would be warnings
expect_exit 0 "$LINEUP" check --strict -f "$ex/quickstart/lineup.yaml"
expect_contains "lineup.yaml: ok: 4 services"
check test "$(grep -c warning <<<"$OUT")" -eq 0
expect_exit 0 "$LINEUP" check --strict -f "$ex/docker/lineup.yaml"
expect_contains "lineup.yaml: ok: 3 services"
check test "$(grep -c warning <<<"$OUT")" -eq 0
expect_exit 0 "$LINEUP" check --strict -f "$ex/compose/docker-compose.yml"
expect_contains "docker-compose.yml: ok: 4 services"
check test "$(grep -c warning <<<"$OUT")" -eq 0

# ---- compose, unchanged, end to end -------------------------------------------
# `migrate` is awaited with service_completed_successfully and has no type:
# it runs as a oneshot, and api starts once it has exited 0.
copy_example compose
expect_exit 0 "$LINEUP" up --detach
check all_up
check test "$(ps_field migrate state)" = completed
check test "$(ps_field api state)" = ready
expect_exit 0 "$LINEUP" down
expect_no_leftovers

# ---- quickstart, end to end -------------------------------------------------
copy_example quickstart
expect_exit 0 "$LINEUP" up --detach
expect_contains "quickstart is READY"
check all_up
expect_exit 0 "$LINEUP" report
expect_contains "critical chain"
expect_exit 0 "$LINEUP" down
expect_no_leftovers

# ---- platform, end to end ---------------------------------------------------
if ! command -v redis-server >/dev/null || ! command -v psql >/dev/null ||
   ! { command -v initdb || ls /usr/lib/postgresql/*/bin/initdb; } >/dev/null 2>&1; then
  fail "PostgreSQL (initdb, psql) or redis-server not installed: run scripts/setup.sh"
  finish; exit
fi
chmod 755 "$WORK"   # as root, the postgres account must reach data/pg
copy_example platform
read -r PG_PORT REDIS_PORT FRONTEND_PORT API_GATEWAY_PORT MCP_SERVER_PORT AIRTABLE_GATEWAY_PORT \
  LLM_ORCHESTRATOR_PORT AUTOMATION_PORT AUTH_PORT SAGA_PORT ANALYTICS_PORT <<<"$(free_ports 11)"
export PG_PORT REDIS_PORT FRONTEND_PORT API_GATEWAY_PORT MCP_SERVER_PORT AIRTABLE_GATEWAY_PORT \
  LLM_ORCHESTRATOR_PORT AUTOMATION_PORT AUTH_PORT SAGA_PORT ANALYTICS_PORT
export LINEUP_PROFILE=test   # the profile for slow, shared machines: timeouts x3

# Without .env: every missing secret is named at once.
expect_exit 1 "$LINEUP" check --strict
expect_contains "missing required environment variables: POSTGRES_PASSWORD, REDIS_PASSWORD, JWT_SECRET, API_KEY, AIRTABLE_TOKEN, GEMINI_API_KEY"
cp .env.example .env
expect_exit 0 "$LINEUP" check --strict
expect_contains "lineup.yaml: ok: 13 services"
check test "$(grep -c warning <<<"$OUT")" -eq 0
rm .env

# The one command of the README: creates .env, brings it up, shows ps and report.
SECONDS=0
export LINEUP
expect_exit 0 ./run.sh
echo "platform: run.sh took ${SECONDS}s"
expect_contains "created .env from .env.example"
expect_contains "platform is READY"
expect_contains "critical chain"
check all_up
check grep -q "schema version 1" .lineup/logs/migrate.log
expect_exit 0 "$LINEUP" report
expect_contains "frontend"
expect_contains "critical chain"
# Secrets stay out of what lineup prints; the profile is the one asked for.
expect_exit 0 "$LINEUP" config
expect_contains 'profile: "test"'
check test "$(grep -c 'change-me' <<<"$OUT")" -eq 0
# The app answers, and the servers take the passwords of .env.
expect_exit 0 "$LINEUP" wait --timeout 5s "http://127.0.0.1:$FRONTEND_PORT/health/ready" \
  "postgres://platform:change-me-postgres@127.0.0.1:$PG_PORT/platform" "redis://:change-me-redis@127.0.0.1:$REDIS_PORT"
check test -n "$(servers_left)"   # the detector below sees the servers while they run

expect_exit 0 "$LINEUP" down
expect_no_leftovers
check test -z "$(servers_left)"
check port_closed "$PG_PORT"
check port_closed "$REDIS_PORT"
check port_closed "$FRONTEND_PORT"
finish
