# Exit codes and messages of SPEC §1 and §9 for the config commands.
source "$(dirname "$0")/lib.sh"
cd "$WORK"

# No config file at all: usage error (2) with a hint.
expect_exit 2 "$LINEUP" check
expect_contains "no config file found"

# Not YAML: 2 for every command, check included.
printf 'services:\n  a: [unclosed\n' > bad.yaml
expect_exit 2 "$LINEUP" -f bad.yaml check
expect_contains "bad.yaml:"
expect_contains "invalid YAML"
expect_exit 2 "$LINEUP" -f bad.yaml plan

# Binary garbage and an empty file never crash.
head -c 4096 /dev/urandom > garbage.yaml
OUT=$("$LINEUP" -f garbage.yaml check 2>&1); rc=$?
[ $rc -eq 1 ] || [ $rc -eq 2 ] && pass || fail "garbage: exit $rc"
: > empty.yaml
expect_exit 1 "$LINEUP" -f empty.yaml check
expect_contains "empty.yaml:1:1: error: the file is empty: no services defined"
expect_exit 2 "$LINEUP" -f empty.yaml up -d
printf 'services:\n  a: {command: sleep 1}\n' > one.yaml
expect_exit 0 "$LINEUP" -f one.yaml check
expect_contains "one.yaml: ok: 1 service"
expect_not_contains "1 services"
expect_exit 0 "$LINEUP" -f one.yaml plan
expect_contains "1 service in 1 level"
printf 'name: shop\n' > noservices.yaml
expect_exit 1 "$LINEUP" -f noservices.yaml check
expect_contains "no services defined"

# Deep nesting: an error, not a stack overflow.
python3 -c 'print("services: " + "[" * 20000 + "]" * 20000)' > deep.yaml
OUT=$("$LINEUP" -f deep.yaml check 2>&1); rc=$?
[ $rc -eq 1 ] || [ $rc -eq 2 ] && pass || fail "deep nesting: exit $rc"

# An invalid config: check says 1 and lists every problem; other commands say 2.
cat > lineup.yaml <<'YAML'
require_env: [JWT_SECRET, REDIS_PASSWORD]
services:
  postgres:
    command: postgres
  api:
    command: ./api
    depend_on: [postgres]
    depends_on: [postgress, worker]
  worker:
    command: ./worker
    depends_on: [cache]
  cache:
    command: ./cache
    depends_on: [api]
    startup_timeout: ten
YAML
unset JWT_SECRET REDIS_PASSWORD
expect_exit 1 "$LINEUP" check
expect_contains 'lineup.yaml:7:5: warning: unknown key "depend_on" in service "api" (did you mean "depends_on"?)'
expect_contains 'service "api" depends on "postgress", which does not exist (did you mean "postgres"?)'
expect_contains "dependency cycle: "
expect_contains "api -> worker -> cache -> api"
expect_contains "lineup.yaml: error: missing required environment variables: JWT_SECRET, REDIS_PASSWORD"
expect_contains "startup_timeout: expected a duration"
expect_exit 2 "$LINEUP" plan
expect_exit 2 "$LINEUP" config

# --strict turns the unknown key into an error.
cat > strict.yaml <<'YAML'
services:
  web:
    command: ./web
    depend_on: []
YAML
expect_exit 0 "$LINEUP" -f strict.yaml check
expect_exit 1 "$LINEUP" -f strict.yaml check --strict
expect_contains "error: unknown key"

# JSON shape of check.
expect_exit 1 "$LINEUP" check --format json
python3 -c '
import json,sys
d=json.loads(sys.argv[1])
assert d["ok"] is False
assert all(set(x)=={"severity","file","line","column","message"} for x in d["diagnostics"])
assert any(x["severity"]=="error" for x in d["diagnostics"])' "$OUT" && pass || fail "check json shape"

# Usage errors.
expect_exit 2 "$LINEUP" frobnicate
expect_exit 2 "$LINEUP" plan --format pdf
expect_exit 0 "$LINEUP" --help
expect_exit 0 "$LINEUP" version
expect_contains "lineup "
finish
