# `up SERVICE...` in a compose file that also has image-only services
# (issue 16): as compose, the named services and their dependencies start,
# and a container service they do not need does not block them. One they
# do need is still refused, by name. A `provider:` service (compose runs it
# through a plugin) is accepted by `check`, and `up` says it cannot run it.
source "$(dirname "$0")/../lib.sh"

cat > compose.yaml <<'YAML'
services:
  db:
    image: postgres:16
  cache:
    command: ["/bin/sh", "-c", "touch cache.up; exec sleep 1000"]
  web:
    command: ["/bin/sh", "-c", "touch web.up; exec sleep 1000"]
    depends_on: [cache]
  report:
    command: ["/bin/sh", "-c", "exec sleep 1000"]
    depends_on: [db]
  ai:
    provider:
      type: model
      options: {model: ai/smollm2}
  chat:
    command: ["/bin/sh", "-c", "exec sleep 1000"]
    depends_on: [ai]
YAML
expect_exit 0 "$LINEUP" check
expect_contains "compose provider service (provider: model)"
expect_not_contains "unknown key"
expect_exit 2 "$LINEUP" up -d
expect_contains "db is a container service"
expect_exit 0 "$LINEUP" up -d web
check test -e cache.up
check test -e web.up
expect_exit 0 "$LINEUP" ps
expect_contains "web"
expect_exit 0 "$LINEUP" down
expect_no_leftovers
expect_exit 2 "$LINEUP" up -d report
expect_contains "db is a container service"
expect_exit 2 "$LINEUP" up -d chat
expect_contains "ai is a compose provider service (provider: model)"
expect_not_contains "db"
expect_no_leftovers
finish
