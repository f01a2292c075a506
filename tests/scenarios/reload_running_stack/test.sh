# `up` on a running stack applies the changed file (SPEC 3, "Changing a
# running stack"): what changed restarts (restart: true dependents follow),
# what is new starts, what is gone stops, the rest keeps its PID; --dry-run,
# --no-restart, --force-restart; `lineup reload` and SIGHUP; a file that does
# not validate changes nothing; a reload during the startup; a new service
# takes over the port of one the same reload removes; `restart` runs the
# definition last applied, not the file as it is now.
source "$(dirname "$0")/../lib.sh"
export PORT=$(free_port)
cp base.yaml lineup.yaml
pid_of() { ps_field "$1" pid; }
state_is() { [ "$(ps_field "$1" state)" = "$2" ]; }
dead() { ! kill -0 "$1" 2>/dev/null; }

expect_exit 0 "$LINEUP" up -d
db=$(pid_of db); api=$(pid_of api); web=$(pid_of web); old=$(pid_of old)

# 1. api's command changes, old goes, fresh (new) binds old's port, worker is new.
sed -i 's/\${GREETING:-v1}/${GREETING:-v2}/' lineup.yaml
sed -i '/^  old:/,$d' lineup.yaml
cat >> lineup.yaml <<'YAML'
  fresh:
    command: ["python3", "-c", "import socket,time,os; s=socket.socket(); s.bind(('127.0.0.1', int(os.environ['PORT']))); s.listen(); print('fresh listening', flush=True); time.sleep(600)"]
    environment: {PORT: "${PORT}"}
    ports: ["${PORT}"]
  worker:
    command: ["sh", "-c", "echo worker up; exec sleep 600"]
    depends_on: [api]
YAML
expect_exit 0 "$LINEUP" up -d --dry-run
expect_contains "api: restart (command changed)"
check test "$(pid_of api)" = "$api"   # a dry run changes nothing
expect_exit 0 "$LINEUP" up -d
expect_contains "api: restart (command changed)"
expect_contains "web: restart (api restarts (depends_on restart: true))"
expect_contains "old: stop (removed from the file)"
expect_contains "fresh: start (new)"
expect_contains "worker: start (new)"
expect_contains "the stack is READY"
check test "$(pid_of db)" = "$db"
check test "$(pid_of api)" != "$api"
check test "$(pid_of web)" != "$web"
check dead "$old"
check test "$(ps_field fresh attempts)" = 1   # it did not race old for the port
check state_is worker ready
check test -z "$(ps_field old state)"        # gone from ps once stopped
expect_exit 0 "$LINEUP" logs api
expect_contains "api v2"
expect_exit 2 "$LINEUP" start old

# 2. Nothing changed: nothing is touched. Contradictory flags are refused.
expect_exit 2 "$LINEUP" up -d --force-restart --no-restart
expect_exit 2 "$LINEUP" reload --force-restart --no-restart
api=$(pid_of api)
expect_exit 0 "$LINEUP" up -d
expect_contains "nothing to change"
check test "$(pid_of api)" = "$api"

# 3. A file that does not validate changes nothing; the stack runs on.
cp lineup.yaml good.yaml
sed -i 's/depends_on: \[api\]/depends_on: [nope]/' lineup.yaml
expect_exit 2 "$LINEUP" up -d
expect_contains "nope"
expect_exit 2 "$LINEUP" reload
check test "$(pid_of api)" = "$api"
check state_is worker ready
cp good.yaml lineup.yaml

# 4. `lineup reload` reads the caller's environment, as `up` does.
GREETING=v3 expect_exit 0 "$LINEUP" reload
expect_contains "api: restart (command changed)"
expect_exit 0 "$LINEUP" logs api
expect_contains "api v3"

# 5. --no-restart leaves a changed service as it runs; `restart` then runs
#    what was last applied (v3), not the file as it is now.
api=$(pid_of api)
sed -i 's/echo worker up/echo worker up again/' lineup.yaml
GREETING=v4 expect_exit 0 "$LINEUP" up -d --no-restart
expect_contains "api: keep (command changed; --no-restart leaves it as it runs)"
check test "$(pid_of api)" = "$api"
GREETING=v5 expect_exit 0 "$LINEUP" restart api
expect_exit 0 "$LINEUP" logs api --tail 1
expect_contains "api v3"

# 6. --force-restart restarts what did not change.
db=$(pid_of db)
GREETING=v3 expect_exit 0 "$LINEUP" up -d --force-restart
expect_contains "db: restart (--force-restart)"
check test "$(pid_of db)" != "$db"

# 7. SIGHUP to the supervisor of a detached stack reads the files again
#    (in its own environment: GREETING unset, so v2).
read -r guardian supervisor < .lineup/lineup.pid
api=$(pid_of api)
kill -HUP "$supervisor"
api_changed() { [ "$(pid_of api)" != "$api" ] && state_is api ready; }
check wait_until 60 api_changed
expect_exit 0 "$LINEUP" logs api --tail 1
expect_contains "api v2"
check grep -q "reload: api: restart (command changed)" .lineup/lineup.log
expect_exit 0 "$LINEUP" down
expect_no_leftovers

# 8. A reload while the startup is still under way: slow waits for a file;
#    the reload adds a service and the startup's result covers it.
cat > lineup.yaml <<'YAML'
services:
  slow:
    command: ["sh", "-c", "exec sleep 600"]
    ready: [{file: ./go}]
YAML
rm -f go
"$LINEUP" up -d > up.out 2>&1 &
up=$!
check wait_until 60 state_is slow starting
cat >> lineup.yaml <<'YAML'
  late:
    command: ["sh", "-c", "exec sleep 600"]
    depends_on: [slow]
YAML
"$LINEUP" reload > reload.out 2>&1 &
reload=$!
check wait_until 60 state_is late waiting
touch go
wait "$up"; check test $? = 0
wait "$reload"; check test $? = 0
check grep -q "late: start (new)" reload.out
check state_is late ready
expect_exit 0 "$LINEUP" down
expect_no_leftovers
finish
