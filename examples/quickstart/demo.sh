#!/usr/bin/env bash
# `make demo`: the quickstart stack, for real: validate it, show the plan,
# bring it up in the background, show its state and output, then take it
# down again. Ports are picked free at run time.
set -euo pipefail
bin=$(realpath "${1:-build/lineup}")
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
export DB_PORT=$(free_port) API_PORT=$(free_port)
trap '"$bin" down >/dev/null 2>&1 || true' EXIT

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
step "lineup check";        "$bin" check
step "lineup plan";         "$bin" plan
step "lineup up --detach";  "$bin" up --detach || true
step "lineup ps";           "$bin" ps
step "lineup logs --tail 3"; "$bin" logs --tail 3
step "lineup report";       "$bin" report
step "lineup plan (now with the durations of this run)"; "$bin" plan
step "lineup down";         "$bin" down
