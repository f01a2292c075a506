#!/usr/bin/env bash
# One command: bring the platform up in the background, show its state and
# the startup report (the critical chain), and leave it running.
#   ./run.sh            uses `lineup` from PATH, else the repository's build
#   LINEUP=/path/to/lineup ./run.sh
#   PG_PORT=6543 LINEUP_PROFILE=test ./run.sh    ports and profile are overridable
# Stop it with `lineup down` in this folder.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
lineup=${LINEUP:-$(command -v lineup || echo "$here/../../build/lineup")}

if [ ! -f .env ]; then
  cp .env.example .env
  echo "run.sh: created .env from .env.example (put your own secrets there)"
fi

if [ -t 1 ]; then step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }; else step() { printf '\n== %s\n' "$*"; }; fi
step "lineup up --detach"
rc=0
"$lineup" up --detach || rc=$?
step "lineup ps";     "$lineup" ps
step "lineup report"; "$lineup" report
if [ "$rc" -ne 0 ]; then
  echo "run.sh: the startup did not reach READY (exit $rc); see \`lineup logs\` and .lineup/lineup.log" >&2
  exit "$rc"
fi
# Same precedence as lineup: the environment, then .env, then defaults.env.
port=${FRONTEND_PORT:-$(sed -n 's/^FRONTEND_PORT=//p' .env defaults.env | head -1)}
cat <<EOF

The platform is running. Try:
  curl -s http://127.0.0.1:$port/health/ready
  $lineup logs api-gateway
  $lineup plan          (now with the durations of this run)
  $lineup down          (reverse dependency order)
EOF
