# compose's `include` and `extends` (SPEC 10): the included project's
# services run in their own directory with their own .env; a service built
# on another file's definition gets its environment and its relative paths
# from there; `!reset` drops an inherited key; what compose refuses, check
# refuses with file:line.
source "$(dirname "$0")/../lib.sh"

expect_exit 0 "$LINEUP" check
expect_exit 0 "$LINEUP" up -d
expect_exit 0 "$LINEUP" logs auth
expect_contains "auth in auth: hello from auth"
expect_exit 0 "$LINEUP" logs api
expect_contains "api in common region=eu-west level=debug"   # working_dir: . is common/'s
expect_exit 0 "$LINEUP" logs worker
expect_contains "worker level=debug"
expect_exit 0 "$LINEUP" plan --format json
check python3 -c 'import json,sys; e=json.loads(sys.argv[1])["edges"]; sys.exit(0 if [(x["from"],x["to"]) for x in e]==[("api","auth")] else 1)' "$OUT"
expect_exit 0 "$LINEUP" down
expect_no_leftovers

# Mistakes: a cycle through two files, extends without `service`, a service defined twice.
printf 'include: [loop.yaml]\nservices:\n  a: {command: x}\n' >loop.yaml
expect_exit 1 "$LINEUP" -f loop.yaml check
expect_contains "loop.yaml:1:11: error: include cycle: loop.yaml -> loop.yaml"
printf 'services:\n  a:\n    command: x\n    extends: {file: common/base.yaml}\n' >noservice.yaml
expect_exit 1 "$LINEUP" -f noservice.yaml check
expect_contains "noservice.yaml:4:14: error: extends of \"a\" lacks \`service:\`"
printf 'include: [auth/compose.yaml]\nservices:\n  auth: {command: x}\n' >twice.yaml
expect_exit 1 "$LINEUP" -f twice.yaml check
expect_contains "auth/compose.yaml:2:3: error: service \"auth\" is defined both here and in twice.yaml (line 3)"
finish
