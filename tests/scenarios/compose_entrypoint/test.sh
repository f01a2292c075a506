# compose's entrypoint (issue 16): the program is the entrypoint and
# `command` its arguments, as compose runs them; before, the entrypoint was
# dropped without a word and `command` alone ran (the wrong program).
source "$(dirname "$0")/../lib.sh"

cat > compose.yaml <<'YAML'
services:
  app:
    entrypoint: ["/bin/sh", "-c", "echo \"entry: $$0 $$1\" > out.txt; exec sleep 1000"]
    command: ["first", "second word"]
  tool:
    entrypoint: /bin/sh -c 'echo "$$0" > tool.txt; exec sleep 1000'
    command: "'quoted arg'"
YAML
expect_exit 0 "$LINEUP" up -d
wait_until 30 test -s out.txt -a -s tool.txt || fail "the entrypoints never wrote"
check test "$(cat out.txt)" = "entry: first second word"
check test "$(cat tool.txt)" = "quoted arg"
expect_exit 0 "$LINEUP" config --format json
expect_contains '"/bin/sh"'
expect_exit 0 "$LINEUP" down
expect_no_leftovers
finish
