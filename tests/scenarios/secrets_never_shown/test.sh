# Secret values never appear in anything lineup itself prints or writes:
# config, check, plan, ps, every API endpoint (socket and TCP), the event
# stream, state.json, last-run.json, lineup.log, report in every format,
# wait, start/stop/restart, up (detached and foreground, text and json)
# and down. What services print is masked too, in their log files and on
# the terminal (a service with `mask_output: false` is shown as written).
#
# Each secret is random, and both its first and its last 12 characters are
# searched for, so a secret shown in part (cut, or escaped) is caught too.
source "$(dirname "$0")/../lib.sh"
PY=/usr/bin/python3; [ -x $PY ] || PY=python3
begin=$SECONDS

rnd() { $PY -c 'import secrets, string; print("".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(12)))'; }
export API_PORT=$(free_port) WEB_PORT=$(free_port) PG_PORT=$(free_port) REDIS_PORT=$(free_port)
POSTGRES_PASSWORD="$(rnd)-pg-$(rnd)"
API_TOKEN="$(rnd)-tok-$(rnd)"
JWT_SECRET="$(rnd)\"q\\uo te#$(rnd)"             # a quote, a backslash, a space, a hash
SOME_KEY="$(rnd)-key-$(rnd)"
export LINEUP_API_TOKEN="$(rnd)-api-$(rnd)"
export WEB_PW="$(rnd)-web-$(rnd)"                  # names that do not look secret:
export REDIS_PW="$(rnd)-rds-$(rnd)"                # only the URL form says they are
export STRIPE_LITERAL="$(rnd)-str-$(rnd)"          # becomes STRIPE_API_KEY of a service
{
  echo "POSTGRES_PASSWORD=$POSTGRES_PASSWORD"
  echo "API_TOKEN=$API_TOKEN"
  echo "JWT_SECRET='$JWT_SECRET'"
  echo "SOME_KEY=$SOME_KEY"
} > .env
declare -A SECRET=([POSTGRES_PASSWORD]=$POSTGRES_PASSWORD [API_TOKEN]=$API_TOKEN [JWT_SECRET]=$JWT_SECRET
  [SOME_KEY]=$SOME_KEY [LINEUP_API_TOKEN]=$LINEUP_API_TOKEN [WEB_PW]=$WEB_PW [REDIS_PW]=$REDIS_PW
  [STRIPE_API_KEY]=$STRIPE_LITERAL)

mkdir out
# run NAME CMD...: lineup's stdout and stderr into out/NAME
run() { local name=$1; shift; "$@" > "out/$name" 2>&1; echo "exit $?" >> "out/$name"; }
sock() { curl -s -i -m 5 --unix-socket .lineup/lineup.sock "http://lineup$1" "${@:2}"; }
tcp() { curl -s -i -m 5 -H "Authorization: Bearer $LINEUP_API_TOKEN" "http://127.0.0.1:$API_PORT$1" "${@:2}"; }
state_is() { [ "$(ps_field "$1" state)" = "$2" ]; }

# --- before anything runs
run config.yaml "$LINEUP" config
run config.json "$LINEUP" config --format json
run check.txt "$LINEUP" check
run check.json "$LINEUP" check --format json
run check-bad.txt "$LINEUP" -f bad.yaml check
run check-bad.json "$LINEUP" -f bad.yaml check --format json
run plan.txt "$LINEUP" plan
run plan.json "$LINEUP" plan --format json
run plan.dot "$LINEUP" plan --format dot
# (the outputs do carry the places where the secrets were: masked)
check grep -q '"ok": *true' out/check.json
check grep -qF -- '"--jwt=***"' out/config.yaml
check grep -qF -- 'postgresql://app:***@127.0.0.1' out/config.json
check grep -qF -- 'STRIPE_API_KEY: "***"' out/config.yaml

# --- a detached stack; every probe has run, some have failed
run up-d.txt "$LINEUP" up -d
check grep -q "^exit 3$" out/up-d.txt                   # DEGRADED: pg, api-down, cache-probe, leaky
check grep -q "output matched fail_on_log" .lineup/lineup.log
check grep -q "not ready after 1s" .lineup/lineup.log
sock /v1/events -N -m 6 > out/events.txt &
events=$!
wait_until 10 grep -q "^event: snapshot" out/events.txt
run ps.txt "$LINEUP" ps
run ps.json "$LINEUP" ps --format json
for s in web worker pg api-down fake-redis cache-probe leaky nosuch; do
  sock "/v1/services/$s" > "out/api-service-$s.txt"
  tcp "/v1/services/$s" > "out/tcp-service-$s.txt"
done
for path in /v1/services /health/live /health/ready /health/startup /metrics; do
  sock "$path" > "out/api$(tr / - <<<"$path").txt"
  tcp "$path" > "out/tcp$(tr / - <<<"$path").txt"
done
curl -s -i -m 5 -H "Authorization: Bearer wrong" "http://127.0.0.1:$API_PORT/v1/services" > out/tcp-401.txt
check grep -q "401" out/tcp-401.txt
# actions: their answers, their messages, and the events they cause
run start-pg.txt "$LINEUP" start pg                    # fails again: its message quotes the probe
run restart-leaky.txt "$LINEUP" restart leaky
run stop-worker.txt "$LINEUP" stop worker
run start-worker.txt "$LINEUP" start worker
sock /v1/services/cache-probe/restart -X POST > out/api-restart-cache.txt
wait_until 10 state_is cache-probe failed
run wait.txt "$LINEUP" wait --timeout 1s "http://admin:$WEB_PW@127.0.0.1:$PG_PORT/" \
  "postgres://app:$POSTGRES_PASSWORD@127.0.0.1:$PG_PORT/app" "redis://:$REDIS_PW@127.0.0.1:$REDIS_PORT/0"
check grep -q "^exit 1$" out/wait.txt
check grep -qF -- "postgres://app:***@127.0.0.1:$PG_PORT/app" out/wait.txt
wait $events                                 # (the stream ends at -m 6)
run down.txt "$LINEUP" down
cp .lineup/state.json .lineup/last-run.json .lineup/lineup.log out/
for f in text json svg html trace; do run "report.$f" "$LINEUP" report --format $f; done
expect_no_leftovers

# --- foreground, text and json; services' own output lines are set apart
for fmt in text json; do
  "$LINEUP" --no-color --log-format $fmt up > "out/fg-$fmt.raw" 2>&1 &
  up=$!
  wait_until 30 grep -q "fail_on_log" "out/fg-$fmt.raw"
  wait_until 30 state_is pg failed
  wait_until 30 state_is cache-probe failed
  run "fg-down-$fmt.txt" "$LINEUP" down
  wait $up; echo "exit $?" >> "out/fg-$fmt.raw"
  # The raw line `leaky` printed is its own output, not lineup's.
  check grep -qE '^split +\| split \*\*\* end$' "out/fg-$fmt.raw"
  # plain-talker's line is its own, unmasked by request.
  grep -vE '^plain-talker +\| raw ' "out/fg-$fmt.raw" > "out/fg-$fmt.txt"; rm "out/fg-$fmt.raw"
done
check grep -q '"result":"DEGRADED"' out/fg-json.txt
expect_no_leftovers

# --- the search: each secret's first and last 12 characters, in every
# output and every file of .lineup but the services' own logs.
leaked=0
for name in "${!SECRET[@]}"; do
  v=${SECRET[$name]}
  files=$(for part in "${v:0:12}" "${v: -12}"; do grep -rlF --exclude-dir=logs -e "$part" out .lineup; done | sort -u)
  if [ -z "$files" ]; then pass; continue; fi
  leaked=$((leaked + 1))
  example=$(grep -rhF --exclude-dir=logs -e "${v:0:12}" -e "${v: -12}" $files | head -1 | sed -E 's/\.{20,}/.../' | cut -c1-300)
  fail "$name is shown in $(wc -w <<<"$files") of lineup's outputs ($(echo $files | tr ' ' '\n' | head -6 | xargs | sed 's/ /, /g')...), e.g.: $example"
done
echo "secrets_never_shown: searched $(ls out | wc -l) outputs and .lineup for ${#SECRET[@]} secrets: $leaked shown"
# The services' logs hold what they printed, secrets masked, also when a
# secret came in two reads; with mask_output: false, as printed.
check grep -qE '^FATAL \.{177} key=\*\*\*$' .lineup/logs/leaky.log
check grep -qx 'split \*\*\* end' .lineup/logs/split.log
for log in .lineup/logs/*.log; do
  [ "$log" = .lineup/logs/plain-talker.log ] && continue
  for name in "${!SECRET[@]}"; do
    v=${SECRET[$name]}
    if grep -qF -e "${v:0:12}" -e "${v: -12}" "$log"; then fail "$name is in $log"; else pass; fi
  done
done
check grep -qF -- "raw $SOME_KEY" .lineup/logs/plain-talker.log
echo "secrets_never_shown: $((SECONDS - begin))s"
finish
