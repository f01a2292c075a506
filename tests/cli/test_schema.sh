# schema/lineup.schema.json: valid JSON Schema (draft 2020-12); every example,
# scenario config and compose corpus file passes it, as an editor reads them
# (raw YAML, not the resolved config); configs that lineup rejects fail it;
# its key lists match the keys src/config accepts.
source "$(dirname "$0")/lib.sh"
SCHEMA="$SRC/schema/lineup.schema.json"
CHECK="$SRC/tests/cli/schema_check.py"

# The Debian packages python3-yaml and python3-jsonschema (scripts/setup.sh);
# the first python3 on PATH may be another installation without them.
PY=
for p in python3 /usr/bin/python3; do
  if command -v "$p" >/dev/null && "$p" -c 'import yaml, jsonschema' 2>/dev/null; then PY=$p; break; fi
done
if [ -z "$PY" ]; then
  fail "python3 with yaml and jsonschema not found: run scripts/setup.sh (python3-yaml, python3-jsonschema)"
  finish; exit
fi

# The schema itself is valid, and its key lists are those of src/config.
expect_exit 0 "$PY" "$CHECK" "$SCHEMA" "$SRC" keys

# Every config in the tree passes.
files=("$SRC"/examples/*/lineup.yaml "$SRC"/tests/scenarios/*/lineup.yaml "$SRC"/tests/corpus/compose/*.y*ml)
for f in "$SRC"/examples/*/*compose*.y*ml; do [ -e "$f" ] && files+=("$f"); done
[ ${#files[@]} -gt 20 ] && pass || fail "only ${#files[@]} files found"
expect_exit 0 "$PY" "$CHECK" "$SCHEMA" "$SRC" valid "${files[@]}"

# Small files: those lineup accepts pass the schema, those it rejects fail it.
# Each one is also given to `lineup check --strict`, so schema and binary agree.
mkdir -p "$WORK/good" "$WORK/bad"
good() { cat > "$WORK/good/$1.yaml"; }
bad() { cat > "$WORK/bad/$1.yaml"; }

good extensions <<'YAML'
x-common: &common {restart: always, stop_grace_period: 5}
services:
  a:
    <<: *common
    command: ["sleep", 1000]
    x-note: anything
    restart: "no"
YAML
good process_compose <<'YAML'
processes:
  db:
    command: sleep 1000
    readiness_probe:
      http_get: {host: 127.0.0.1, port: 8080, path: /health}
      initial_delay_seconds: 1
      period_seconds: 2
  web:
    command: sleep 1000
    depends_on:
      db: {condition: process_healthy}
    liveness_probe:
      exec: {command: "true"}
      failure_threshold: 3
YAML
good compose <<'YAML'
version: "3.8"
services:
  db:
    image: postgres:16
    environment: {POSTGRES_PASSWORD: example, PGPORT: 5432}
    ports: ["5432:5432", 8080]
    healthcheck:
      test: ["CMD-SHELL", "pg_isready"]
      interval: 10s
      retries: 5
    restart: on-failure:3
    profiles: [db]
  app:
    command: ./app
    depends_on:
      db: {condition: service_healthy, required: false, restart: true}
    profiles: [db]
volumes: {data: {}}
YAML
good probes <<'YAML'
default_profile: dev
profiles:
  dev: {timeout_multiplier: 1.5, probe_interval: 15s}
defaults:
  restart: {policy: on-failure, backoff: {initial: 1s, max: 30s, multiplier: 2, jitter: 0.2, reset_after: 1m}}
  circuit_breaker: {threshold: 3, window: 60s, cooldown: 300s}
api: {listen: "unix:.lineup/lineup.sock"}
max_parallel_starts: 2
services:
  s:
    command: sleep 1000
    type: oneshot
    priority: low
    ready:
      - tcp: 127.0.0.1:5432
        timeout: 2s
      - tcp: {host: "::1", port: 5432}
      - http: {url: "http://127.0.0.1:8000/health", status: [200, 204], json: {status: ok, "checks.0.up": true}, interval: 5s}
      - http: http://127.0.0.1:8000/
      - postgres: {url: "postgresql://app:pw@127.0.0.1:5432/app", query: "SELECT 1", expect: rows}
      - redis: {url: "redis://:pw@127.0.0.1:6379/0", checks: [ping, roundtrip, loaded]}
      - log: "listening on"
      - notify: true
      - notify_fd: 3
      - file: ready.flag
      - exec: ["test", "-e", "x"]
    live:
      tcp: 5432
      failure_threshold: 2
      start_period: 5s
    startup_timeout: 1m30s
    stop_signal: SIGINT
    stop_command: "true"
    fail_on_log: "address already in use"
    success_exit_codes: [0, 3]
    expected_startup: 2.5
    min_uptime: 500ms
YAML

bad unknown_service_key <<'YAML'
services:
  a:
    command: sleep 1000
    depend_on: [b]
YAML
bad unknown_top_key <<'YAML'
servces: {}
YAML
bad wrong_type_timeout <<'YAML'
services:
  a: {command: sleep 1000, startup_timeout: [10s]}
YAML
bad bad_duration <<'YAML'
services:
  a: {command: sleep 1000, stop_grace_period: ten seconds}
YAML
bad bad_priority <<'YAML'
services:
  a: {command: sleep 1000, priority: urgent}
YAML
bad two_kinds <<'YAML'
services:
  a:
    command: sleep 1000
    ready:
      - {tcp: "127.0.0.1:80", file: x}
YAML
bad no_kind <<'YAML'
services:
  a:
    command: sleep 1000
    ready: [{timeout: 1s}]
YAML
bad unknown_probe_field <<'YAML'
services:
  a:
    command: sleep 1000
    ready: [{http: {url: "http://127.0.0.1/", statuss: 200}}]
YAML
bad bad_condition <<'YAML'
services:
  a: {command: sleep 1000}
  b:
    command: sleep 1000
    depends_on: {a: {condition: finished}}
YAML
bad bad_restart <<'YAML'
services:
  a: {command: sleep 1000, restart: {policy: sometimes}}
YAML
bad both_aliases <<'YAML'
services: {a: {command: sleep 1000}}
processes: {b: {command: sleep 1000}}
YAML
bad no_command <<'YAML'
services:
  a: {working_dir: /tmp}
YAML
bad bad_name <<'YAML'
services:
  "a b": {command: sleep 1000}
YAML

expect_exit 0 "$PY" "$CHECK" "$SCHEMA" "$SRC" valid "$WORK"/good/*.yaml
for f in "$WORK"/good/*.yaml; do
  expect_exit 0 "$LINEUP" -f "$f" check --strict
done
for f in "$WORK"/bad/*.yaml; do
  expect_exit 0 "$PY" "$CHECK" "$SCHEMA" "$SRC" invalid "$f"
  expect_exit 1 "$LINEUP" -f "$f" check --strict
done
finish
