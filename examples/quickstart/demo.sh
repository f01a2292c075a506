#!/usr/bin/env bash
# `make demo`: validate the quickstart stack and show its startup plan.
set -euo pipefail
bin=${1:-build/lineup}
here=$(cd "$(dirname "$0")" && pwd)
echo "== lineup check"
"$bin" -f "$here/lineup.yaml" check
echo
echo "== lineup plan"
"$bin" -f "$here/lineup.yaml" plan
