# `lineup config`: merged files, interpolation, profile, redaction.
source "$(dirname "$0")/lib.sh"
cd "$WORK"

cat > .env <<'ENV'
DB_PASSWORD=s3cr3t-pw
API_PORT=8123
ENV
cat > lineup.yaml <<'YAML'
name: shop
default_profile: development
profiles:
  development: {timeout_multiplier: 1.5}
  production: {timeout_multiplier: 1.0, probe_interval: 15s}
services:
  db:
    command: ["postgres", "--password=${DB_PASSWORD}"]
    startup_timeout: 10s
    ready:
      - postgres: "postgresql://app:${DB_PASSWORD}@127.0.0.1:5432/app"
  api:
    command: ./api --port ${API_PORT}
    environment:
      API_TOKEN: tok-123456
    depends_on: [db]
YAML
cat > override.yaml <<'YAML'
services:
  api:
    command: ./api --port 9999
YAML

expect_exit 0 "$LINEUP" config --format json
expect_not_contains "s3cr3t-pw"
expect_not_contains "tok-123456"
expect_contains '"startup_timeout": "15s"'
expect_contains "./api --port 8123"
expect_contains "postgresql://app:***@127.0.0.1:5432/app"

expect_exit 0 "$LINEUP" --profile production config --format json
expect_contains '"startup_timeout": "10s"'

expect_exit 0 "$LINEUP" -f lineup.yaml -f override.yaml config
expect_contains "./api --port 9999"
expect_not_contains "s3cr3t-pw"

# The process environment wins over .env.
API_PORT=7777 expect_exit 0 "$LINEUP" config --format json
expect_contains "./api --port 7777"

# A secret that reaches the name or a working_dir is masked there too.
mkdir -p "wd-s3cr3t-pw"
cat > leaky.yaml <<'YAML'
name: shop-${DB_PASSWORD}
services:
  api:
    command: ./api
    working_dir: ./wd-${DB_PASSWORD}
YAML
for fmt in yaml json; do
  expect_exit 0 "$LINEUP" -f leaky.yaml config --format $fmt
  expect_not_contains "s3cr3t-pw"
  expect_contains "wd-***"
done

expect_exit 2 "$LINEUP" --profile nosuch config
expect_contains 'unknown profile "nosuch"'

# plan formats
expect_exit 0 "$LINEUP" plan
expect_contains "critical path: db"
expect_exit 0 "$LINEUP" plan --format dot
expect_contains '"db" -> "api"'
expect_exit 0 "$LINEUP" plan --format mermaid
expect_contains "graph LR"
# Found without -f, with its override merged (compose and process-compose do both).
mkdir pc && cd pc
cat > process-compose.yaml <<'YAML'
version: "0.5"
processes:
  worker:
    command: ./work --slow
YAML
expect_exit 0 "$LINEUP" config --format json
expect_contains "./work --slow"
expect_contains '"policy": "no"'
cat > process-compose.override.yml <<'YAML'
processes:
  worker:
    command: ./work --fast
YAML
expect_exit 0 "$LINEUP" config --format json
expect_contains "./work --fast"
# -f names the files: no override is added.
expect_exit 0 "$LINEUP" -f process-compose.yaml config --format json
expect_contains "./work --slow"
cd ..
mkdir co && cd co
printf 'services:\n  web:\n    command: ./web\n' > compose.yaml
printf 'services:\n  web:\n    environment: {MODE: dev}\n' > compose.override.yaml
expect_exit 0 "$LINEUP" config --format json
expect_contains '"MODE": "dev"'
cd ..
finish
