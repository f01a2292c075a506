# Shared helpers for the CLI tests: each test_*.sh gets the lineup binary and
# the source dir as $1 $2, works in its own temp dir, and fails loudly.
set -u
LINEUP=$(realpath "$1")
SRC=$(realpath "$2")
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
failures=0
checks=0

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { checks=$((checks + 1)); }

# expect_exit CODE CMD... : runs CMD, stores output in $OUT
expect_exit() {
  local want=$1; shift
  OUT=$("$@" 2>&1); local got=$?
  if [ "$got" -ne "$want" ]; then fail "exit $got (want $want): $*"; echo "$OUT" | head -20; else pass; fi
}

expect_contains() {
  if ! grep -qF -- "$1" <<<"$OUT"; then fail "output lacks: $1"; echo "$OUT" | head -20; else pass; fi
}

expect_not_contains() {
  if grep -qF -- "$1" <<<"$OUT"; then fail "output contains: $1"; echo "$OUT" | head -20; else pass; fi
}

finish() {
  echo "$checks passed, $failures failed"
  [ "$failures" -eq 0 ]
}
