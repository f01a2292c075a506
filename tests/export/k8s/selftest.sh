#!/bin/sh
# Proves the validator: fixtures/good must pass, and each fixtures/bad-*/
# (one defect each) must fail with exactly one problem line that contains
# the text in its `expect` file.
# Needs `npm ci --prefix tests/export/k8s` first.
set -u
here=$(cd "$(dirname "$0")" && pwd)
cd "$here" || exit 2
if [ ! -d node_modules/kubernetes-models ]; then
  echo "selftest: dependencies missing; run: npm ci --prefix tests/export/k8s" >&2
  exit 2
fi
validate() { node validate.mjs "$@"; }
passed=0
failed=0
pass() { passed=$((passed + 1)); echo "PASS $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; }

out=$(validate fixtures/good 2>&1)
rc=$?
if [ "$rc" -eq 0 ] && echo "$out" | grep -q '^ok: '; then
  pass "good ($out)"
else
  fail "good: exit $rc"
  echo "$out" | sed 's/^/    /'
fi

for dir in fixtures/bad-*/; do
  dir=${dir%/}
  name=${dir#fixtures/}
  want=$(cat "$dir/expect")
  out=$(validate "$dir" 2>&1)
  rc=$?
  lines=$(echo "$out" | grep -c .)
  if [ "$rc" -eq 1 ] && [ "$lines" -eq 1 ] && echo "$out" | grep -qF -- "$want"; then
    pass "$name"
  else
    fail "$name: exit $rc, $lines line(s), wanted one line containing: $want"
    echo "$out" | sed 's/^/    /'
  fi
done

echo "selftest: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
