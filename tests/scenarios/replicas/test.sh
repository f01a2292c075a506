# `replicas: N` (SPEC 3): NAME-1..N with LINEUP_REPLICA and PC_REPLICA_NUM,
# a dependent waits for every replica, ps/logs/restart take the base name,
# and a reload scales up and down by starting and stopping replicas only.
source "$(dirname "$0")/../lib.sh"
pid_of() { ps_field "$1" pid; }

expect_exit 0 "$LINEUP" check
expect_exit 0 "$LINEUP" up -d
expect_contains "is READY"
check test "$(cat seen-by-web | tr '\n' ' ')" = "ready-1 ready-2 ready-3 "   # web waited for all three

expect_exit 0 "$LINEUP" ps worker
expect_contains "worker-1"
expect_contains "worker-3"
check test "$(grep -c '^worker-' <<<"$OUT")" = 3
check test "$(grep -c '^web' <<<"$OUT")" = 0
expect_exit 2 "$LINEUP" ps nobody
expect_contains "no service named \"nobody\""

expect_exit 0 "$LINEUP" logs worker
expect_contains "worker 1 (pc 0)"
expect_contains "worker 2 (pc 1)"
expect_contains "worker 3 (pc 2)"

# restart by the base name: every replica, one after another.
w1=$(pid_of worker-1); w2=$(pid_of worker-2); w3=$(pid_of worker-3); web=$(pid_of web)
expect_exit 0 "$LINEUP" restart worker
check test "$(grep -c ': ready' <<<"$OUT")" = 3
check test "$(pid_of worker-1)" != "$w1"
check test "$(pid_of worker-2)" != "$w2"
check test "$(pid_of worker-3)" != "$w3"
check test "$(pid_of web)" = "$web"   # no depends_on restart: true
# one replica by its own name
w2=$(pid_of worker-2); w1=$(pid_of worker-1)
expect_exit 0 "$LINEUP" restart worker-2
check test "$(pid_of worker-2)" != "$w2"
check test "$(pid_of worker-1)" = "$w1"

# Scale down: worker-3 stops, the others keep their PID.
w1=$(pid_of worker-1); w2=$(pid_of worker-2); w3=$(pid_of worker-3)
sed -i 's/replicas: 3/replicas: 2/' lineup.yaml
expect_exit 0 "$LINEUP" up -d
expect_contains "worker-3: stop (removed from the file)"
check test "$(pid_of worker-1)" = "$w1"
check test "$(pid_of worker-2)" = "$w2"
check wait_until 30 sh -c "! kill -0 $w3"
check test -z "$(ps_field worker-3 state)"
# Scale up: worker-3 and worker-4 start; web, which waits for every replica, is not restarted.
sed -i 's/replicas: 2/replicas: 4/' lineup.yaml
expect_exit 0 "$LINEUP" up -d
expect_contains "worker-3: start (new)"
expect_contains "worker-4: start (new)"
check test "$(ps_field worker-4 state)" = ready
check test "$(pid_of worker-1)" = "$w1"

expect_exit 0 "$LINEUP" down
expect_no_leftovers
finish
