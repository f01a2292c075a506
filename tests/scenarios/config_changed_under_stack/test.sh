# The running stack never re-reads its config: with lineup.yaml edited
# (a service added), broken (not YAML), or deleted, `ps`, `logs`,
# `stop`/`start`/`restart` and `down` still work and stop everything; the
# next `up` with a valid file works. Also: the project directory moved
# away under a running stack.
source "$(dirname "$0")/../lib.sh"
cp lineup.yaml original.yaml
# (if step 5 fails half-way, the directory goes back before the usual cleanup)
trap 'if [ -d "$WORK.moved" ]; then cd "$WORK.moved"; "$LINEUP" down --emergency >/dev/null 2>&1; cd /; mv "$WORK.moved" "$WORK"; cd "$WORK"; fi; cleanup' EXIT
state_is() { [ "$(ps_field "$1" state)" = "$2" ]; }

works_without_config() {
  local what=$1
  expect_exit 0 "$LINEUP" ps
  expect_contains "READY"
  check state_is db ready
  check state_is api ready
  expect_exit 0 "$LINEUP" stop api
  expect_contains "api: stopped"
  expect_exit 0 "$LINEUP" start api
  expect_contains "api: ready"
  expect_exit 0 "$LINEUP" restart db
  expect_contains "db: ready"
  check test "$(ps_field db attempts)" = 2
  expect_exit 0 "$LINEUP" logs db
  expect_contains "db up"
  # The stack knows the services it was started with, not the file's.
  expect_exit 2 "$LINEUP" start cache
  expect_exit 0 "$LINEUP" down
  expect_contains "stopped"
  expect_no_leftovers
  echo "config_changed_under_stack: $what: ps, stop, start, restart, logs, down: ok"
}

# 1. a service added
expect_exit 0 "$LINEUP" up -d
cat >> lineup.yaml <<'YAML'
  cache:
    command: ["sh", "-c", "echo cache up; exec sleep 600"]
YAML
works_without_config "service added"

# 2. not YAML any more
cp original.yaml lineup.yaml
expect_exit 0 "$LINEUP" up -d
printf 'services:\n  db: [\n  "unterminated\n' > lineup.yaml
expect_exit 2 "$LINEUP" check
works_without_config "broken YAML"

# 3. deleted (and no other config file to fall back on)
cp original.yaml lineup.yaml
expect_exit 0 "$LINEUP" up -d
rm lineup.yaml
works_without_config "file deleted"

# 4. the next up with a valid file (the one with the added service) works
cp original.yaml lineup.yaml
cat >> lineup.yaml <<'YAML'
  cache:
    command: ["sh", "-c", "echo cache up; exec sleep 600"]
YAML
expect_exit 0 "$LINEUP" up -d
check state_is cache ready
expect_exit 0 "$LINEUP" down
expect_no_leftovers

# 5. the project directory moved: the stack is still found and stopped
# from the new place; a restart that needs the old directory fails clearly.
expect_exit 0 "$LINEUP" up -d
moved=$WORK.moved
mv "$WORK" "$moved" && cd "$moved"
expect_exit 0 "$LINEUP" ps
expect_contains "READY"
expect_exit 1 "$LINEUP" restart api
expect_contains "api:"
check grep -q "chdir $WORK/api: No such file or directory" <<<"$(ps_field api status)"
check state_is db ready
expect_exit 0 "$LINEUP" down
cd / && mv "$moved" "$WORK" && cd "$WORK"
expect_no_leftovers
finish
