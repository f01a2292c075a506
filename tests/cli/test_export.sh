# `lineup export`: Kubernetes manifests validated against the published
# schemas plus a strict pass (tests/export/k8s/validate.mjs), the graph
# rebuilt from the init containers equal to `lineup plan` (roundtrip.mjs),
# systemd units accepted by `systemd-analyze verify`, a compose file that
# `lineup check` reads back to the same plan, and no secret in any file.
source "$(dirname "$0")/lib.sh"
cd "$WORK"
K8S="$SRC/tests/export/k8s"
if [ ! -d "$K8S/node_modules" ]; then
  echo "FAIL: $K8S/node_modules is missing: run scripts/setup.sh (npm ci --prefix tests/export/k8s)"
  exit 1
fi

# k8s_check NAME DIR [lineup options...]: export, validate, compare the graph with the plan.
k8s_check() {
  local name=$1 dir=$2; shift 2
  rm -rf "$WORK/k8s-$name"
  expect_exit 0 "$LINEUP" "$@" export kubernetes --image example.org/app:1 -o "$WORK/k8s-$name"
  # What a user does before `kubectl apply -k`: the Secret's values, from the example.
  [ -f "$WORK/k8s-$name/secret.env.example" ] && cp "$WORK/k8s-$name/secret.env.example" "$WORK/k8s-$name/secret.env"
  expect_exit 0 node "$K8S/validate.mjs" "$WORK/k8s-$name"
  "$LINEUP" "$@" plan --format json >"$WORK/plan-$name.json"
  expect_exit 0 node "$K8S/roundtrip.mjs" "$WORK/k8s-$name" "$WORK/plan-$name.json"
  expect_contains "the same in the plan and in the export"
  # Nothing masked into nonsense: a *_FILE variable's path stays a path.
  if grep -rlF '***' "$WORK/k8s-$name"; then fail "$name: *** in an exported file"; else pass; fi
}

# --- the platform example (the seeds' seven tiers) --------------------------------------------
cp -r "$SRC/examples/platform" platform
cp platform/.env.example platform/.env
secrets=$(grep -E '^[A-Z_]+=' platform/.env | cut -d= -f2- | grep -E '.{6,}')
k8s_check platform platform -f platform/lineup.yaml
out=$WORK/k8s-platform
# Every dependency an init container running lineup wait; a oneshot a Job; its waiter may only get that Job.
grep -q "name: wait-postgres" "$out/auth-deployment.yaml" && pass || fail "auth does not wait for postgres"
grep -q "kubernetes-job://\$(POD_NAMESPACE)/migrate" "$out/auth-deployment.yaml" && pass || fail "auth does not wait for the migrate Job"
grep -q "kind: Job" "$out/migrate-job.yaml" && pass || fail "migrate is not a Job"
grep -qF "resourceNames: [migrate]" "$out/auth-waiter-role.yaml" && pass || fail "the waiter's Role is not limited to the Job"
# A probe that POSTs is not turned into a GET (it would get a 404): the GET probe is the readinessProbe.
grep -A2 "readinessProbe" "$out/api-gateway-deployment.yaml" | grep -q "path: /health/ready" && pass || fail "api-gateway's readiness is not its GET probe"
if grep -q "/api/auth/validate" "$out/frontend-deployment.yaml"; then fail "a POST probe became a GET wait"; else pass; fi
grep -q "startupProbe" "$out/auth-deployment.yaml" && pass || fail "no startupProbe"
grep -q "secretKeyRef" "$out/auth-deployment.yaml" && pass || fail "secrets are not secretKeyRefs"
grep -q "^POSTGRES_PASSWORD=$" "$out/secret.env.example" && pass || fail "secret.env.example lacks POSTGRES_PASSWORD"
# No secret value in any exported file (secret.env is the copy the test made itself).
for s in $secrets; do
  if grep -rlF --exclude=secret.env -- "$s" "$out"; then fail "secret value $s written"; else pass; fi
done
# The profile chosen with --profile: production checks every 15s (probe_interval) instead of 10s.
expect_exit 0 "$LINEUP" -f platform/lineup.yaml --profile production export kubernetes --image x:1 -o prod -q
grep -A6 "livenessProbe" prod/auth-deployment.yaml | grep -q "periodSeconds: 15" && pass || fail "--profile production not applied"
grep -A6 "livenessProbe" "$out/auth-deployment.yaml" | grep -q "periodSeconds: 10" && pass || fail "the default profile's interval changed"

# The platform's manifests as reviewed (tests/export/golden/platform; UPDATE_GOLDEN=1 rewrites them).
golden="$SRC/tests/export/golden/platform"
(cd platform && "$LINEUP" export kubernetes --image registry.example/platform:1.0 -o "$WORK/golden" -q)
if [ "${UPDATE_GOLDEN:-}" = 1 ]; then rm -rf "$golden" && mkdir -p "$golden" && cp "$WORK"/golden/* "$golden"/; fi
if diff -r "$golden" "$WORK/golden" >golden.diff; then pass; else fail "the platform's manifests differ from $golden:"; head -40 golden.diff; fi
# Without -o: the objects on stdout, one YAML stream; what has no equivalent listed at the end.
expect_exit 0 "$LINEUP" -f platform/lineup.yaml export kubernetes --image example.org/app:1
expect_contains "kind: Deployment"
expect_contains "---"
expect_contains "not carried over:"
expect_contains "postgres: stop_signal"

# --- the compose corpus: every file with commands ------------------------------------------------
for f in $(cd "$SRC/tests/corpus/compose" && grep -l "command:" *.yaml *.yml); do
  k8s_check "${f%.*}" "$SRC/tests/corpus/compose" -f "$SRC/tests/corpus/compose/$f"
done

# A dependency with no port and no network probe: its Deployment's ready pods, from the API server.
grep -qF 'kubernetes-deployment://$(POD_NAMESPACE)/db' "$WORK/k8s-nginx-aspnet-mysql/backend-deployment.yaml" &&
  pass || fail "backend does not wait for db's ready pods"
grep -qF 'args: ["--default-authentication-plugin=mysql_native_password"]' "$WORK/k8s-nginx-aspnet-mysql/db-deployment.yaml" &&
  pass || fail "a compose command is not the image's args"

# --- a generated 100-service DAG: every edge kind ------------------------------------------------
python3 - >dag.yaml <<'EOF'
import random
random.seed(7)
print("services:")
for i in range(100):
    oneshot = i % 10 == 3
    print(f"  s{i}:\n    command: [sleep, '1000']")
    if oneshot:
        print("    type: oneshot")
    else:
        print(f"    ready: [{{tcp: 127.0.0.1:{20000 + i}}}]")
    deps = random.sample(range(i), min(i, random.randint(0, 3))) if i else []
    if deps:
        print("    depends_on:")
        for d in deps:
            cond = "completed" if d % 10 == 3 else random.choice(["ready", "started"])
            req = "false" if random.random() < 0.15 else "true"
            print(f"      s{d}: {{condition: {cond}, required: {req}}}")
EOF
k8s_check dag . -f dag.yaml

# --- x-kubernetes, and mistakes ------------------------------------------------------------------
cat >hints.yaml <<'EOF'
services:
  db:
    command: [postgres]
    ports: ["5432"]
    ready: [{postgres: "postgresql://app:${DB_PASSWORD}@127.0.0.1:5432/app"}]
    x-kubernetes: {kind: StatefulSet, image: postgres:16, probes: exec}
  web:
    command: [web]
    depends_on: [db]
    ready: [{http: "http://localhost:8080/ready"}]
EOF
DB_PASSWORD=s3cret-pw expect_exit 0 "$LINEUP" -f hints.yaml export kubernetes --image web=example.org/web:2 -o hints
grep -q "kind: StatefulSet" hints/db-statefulset.yaml && pass || fail "x-kubernetes.kind ignored"
grep -q "clusterIP: None" hints/db-service.yaml && pass || fail "a StatefulSet's Service is not headless"
grep -q 'exec lineup wait' hints/db-statefulset.yaml && pass || fail "probes: exec does not run lineup wait"
grep -q "image: \"example.org/web:2\"\|image: example.org/web:2" hints/web-deployment.yaml && pass || fail "--image ignored"
if grep -rq "s3cret-pw" hints; then fail "a password in a probe URL was written"; else pass; fi
cp hints/secret.env.example hints/secret.env
expect_exit 0 node "$K8S/validate.mjs" hints
expect_exit 2 "$LINEUP" -f hints.yaml export kubernetes
expect_contains 'service "web" has no image'
expect_exit 2 "$LINEUP" -f hints.yaml export kubernetes --image nosuch=x:1
expect_contains 'there is no active service "nosuch"'
# limits: memory and cpus become resources.limits, systemd's MemoryMax=/CPUQuota=/TasksMax=/Limit*=,
# compose's mem_limit/cpus/pids_limit/ulimits; what Kubernetes cannot carry is listed.
cat >limits.yaml <<'YAML'
services:
  worker:
    command: [/bin/sleep, "600"]
    limits: {memory: 512M, cpus: 0.5, pids: 100, nofile: {soft: 1024, hard: 4096}}
YAML
expect_exit 0 "$LINEUP" -f limits.yaml export kubernetes --image x:1 -o limits-k8s
expect_contains "limits.pids"
expect_exit 0 node "$K8S/validate.mjs" limits-k8s
grep -Eq 'memory: "?536870912"?' limits-k8s/worker-deployment.yaml && pass || fail "memory limit not in resources"
grep -Eq 'cpu: "?500m"?' limits-k8s/worker-deployment.yaml && pass || fail "cpu limit not in resources"
expect_exit 0 "$LINEUP" -f limits.yaml export compose -o limits-compose
expect_exit 0 "$LINEUP" -f limits-compose/compose.yaml config --format json
expect_contains '"memory": "512M"'
expect_contains '"soft": 1024'
printf 'services:\n  a:\n    command: [a]\n    x-kubernetes: {kind: DaemonSet}\n' >bad.yaml
expect_exit 2 "$LINEUP" -f bad.yaml export kubernetes --image x:1
expect_contains "is not Deployment or StatefulSet"

# --- systemd -----------------------------------------------------------------------------------
# verify_units DIR: systemd-analyze accepts every unit, and says nothing about them.
verify_units() {
  local report
  report=$(SYSTEMD_UNIT_PATH="$1:" systemd-analyze verify --man=no "$1"/*.service "$1"/*.target 2>&1)
  local rc=$?
  if [ $rc -ne 0 ] || [ -n "$report" ]; then fail "systemd-analyze verify $1 (exit $rc): $report"; else pass; fi
}
expect_exit 0 "$LINEUP" -f platform/lineup.yaml export systemd -o units
verify_units units
grep -q "^Requires=platform-postgres.service" units/platform-auth.service && pass || fail "auth does not require postgres"
grep -q "^ExecStartPost=.* wait --timeout" units/platform-auth.service && pass || fail "no readiness wait"
grep -q "^Type=oneshot" units/platform-migrate.service && pass || fail "a oneshot is not Type=oneshot"
grep -q "^KillSignal=SIGINT" units/platform-postgres.service && pass || fail "stop_signal not carried"
grep -q "^JWT_SECRET=$" units/platform.env.example && pass || fail "the secrets file example lacks JWT_SECRET"
for s in $secrets; do
  if grep -rlF -- "$s" units; then fail "secret value $s written to a unit"; else pass; fi
done
expect_exit 0 "$LINEUP" -f dag.yaml export systemd -o dag-units
verify_units dag-units
expect_exit 0 "$LINEUP" -f limits.yaml export systemd -o limits-units
verify_units limits-units
grep -q "^MemoryMax=536870912" limits-units/*worker.service && pass || fail "MemoryMax missing"
grep -q "^CPUQuota=50%" limits-units/*worker.service && pass || fail "CPUQuota missing"
grep -q "^TasksMax=100" limits-units/*worker.service && pass || fail "TasksMax missing"
grep -q "^LimitNOFILE=1024:4096" limits-units/*worker.service && pass || fail "LimitNOFILE missing"
grep -q "^Wants=" dag-units/*.service && pass || fail "required: false is not Wants="
# systemd refuses Restart=always on a oneshot.
printf 'services:\n  job:\n    command: [/bin/true]\n    type: oneshot\n    restart: always\n' >always.yaml
expect_exit 0 "$LINEUP" -f always.yaml export systemd -o always-units
verify_units always-units
# A daemon (type: forking) and a parent that stops its children (kill_mode: main): systemd's own modes.
printf 'services:\n  cache:\n    command: [/usr/bin/redis-server, --daemonize, "yes"]\n    type: forking\n    kill_mode: main\n' >forking.yaml
expect_exit 0 "$LINEUP" -f forking.yaml export systemd -o forking-units
verify_units forking-units
grep -q "^Type=forking" forking-units/*cache.service && pass || fail "type: forking is not Type=forking"
grep -q "^KillMode=mixed" forking-units/*cache.service && pass || fail "kill_mode: main is not KillMode=mixed"
expect_exit 0 "$LINEUP" -f forking.yaml export kubernetes --image cache=redis:7 -o forking-k8s
expect_contains "type: forking: a container ends when its main process exits"
# A mistake in a unit is caught by the check itself (the check can fail).
printf '[Unit]\nRequires=nope.service\n[Service]\nExecStart=/nonexistent arg\n' >dag-units/broken.service
report=$(SYSTEMD_UNIT_PATH="$WORK/dag-units:" systemd-analyze verify --man=no dag-units/broken.service 2>&1) &&
  fail "systemd-analyze accepted a broken unit" || pass

# --- compose: read back to the same plan -------------------------------------------------------
expect_exit 0 "$LINEUP" -f platform/lineup.yaml export compose -o back
cp platform/.env back/.env
PATH="$(dirname "$LINEUP"):$PATH" expect_exit 0 "$LINEUP" -f back/compose.yaml check
same_plan() {
  python3 - "$1" "$2" <<'EOF'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
key = lambda p: sorted((e["from"], e["to"], e["condition"], e["required"]) for e in p["edges"])
sys.exit(0 if key(a) == key(b) and a["levels"] == b["levels"] else 1)
EOF
}
"$LINEUP" -f back/compose.yaml plan --format json >plan-back.json
same_plan plan-platform.json plan-back.json && pass || fail "the exported compose file plans differently"
for s in $secrets; do
  if grep -qF -- "$s" back/compose.yaml; then fail "secret value $s written to compose.yaml"; else pass; fi
done
expect_exit 0 "$LINEUP" -f dag.yaml export compose -o dag-back
"$LINEUP" -f dag-back/compose.yaml plan --format json >plan-dag-back.json
same_plan plan-dag.json plan-dag-back.json && pass || fail "the DAG's compose file plans differently"

# --- replicas ------------------------------------------------------------------------------------
# replicas: one workload with replicas (a Job with completions); a dependent waits for every
# replica (the workload's ready pods, not the Service, which answers once one is ready);
# systemd gets a unit per replica; compose's scale reads back to the same plan.
cat >replicas.yaml <<'YAML'
services:
  queue: {command: [/bin/sleep, "600"], ready: [{tcp: "127.0.0.1:6379"}]}
  worker: {command: [/bin/sleep, "600"], deploy: {replicas: 3}, depends_on: [queue], ready: [{exec: [test, -f, ok]}]}
  seed: {command: [/bin/true], type: oneshot, scale: 2}
  gateway:
    command: [/bin/sleep, "600"]
    depends_on: {worker: {condition: ready}, seed: {condition: completed}}
YAML
k8s_check replicas . -f replicas.yaml
grep -q "replicas: 3" k8s-replicas/worker-deployment.yaml && pass || fail "worker's Deployment lacks replicas: 3"
grep -q "completions: 2" k8s-replicas/seed-job.yaml && pass || fail "seed's Job lacks completions: 2"
grep -qF 'kubernetes-deployment://$(POD_NAMESPACE)/worker' k8s-replicas/gateway-deployment.yaml &&
  pass || fail "gateway does not wait for all of worker's pods"
if ls k8s-replicas | grep -q "worker-1"; then fail "a replica exported as a workload of its own"; else pass; fi
if grep -rq "LINEUP_REPLICA" k8s-replicas; then fail "LINEUP_REPLICA written to a manifest"; else pass; fi
expect_exit 0 "$LINEUP" -f replicas.yaml export systemd -o replicas-units
verify_units replicas-units
grep -q "LINEUP_REPLICA=3" replicas-units/*worker-3.service && pass || fail "worker-3's unit lacks LINEUP_REPLICA=3"
grep -q "^Requires=.*worker-2.service" replicas-units/*gateway.service && pass || fail "gateway's unit does not require worker-2"
expect_exit 0 "$LINEUP" -f replicas.yaml export compose -o replicas-compose
grep -q "scale: 3" replicas-compose/compose.yaml && pass || fail "the compose file lacks scale: 3"
"$LINEUP" -f replicas-compose/compose.yaml plan --format json >plan-replicas-back.json
same_plan plan-replicas.json plan-replicas-back.json && pass || fail "the exported compose file's replicas plan differently"
# --- schedules ---------------------------------------------------------------------------------
# A scheduled oneshot: a CronJob (never two runs at once), and a Job too when a service waits for
# it; systemd: a timer whose OnCalendar= systemd itself reads as the same times, the service
# started by the timer and not by the target unless it runs at the startup.
cat >schedules.yaml <<'YAML'
services:
  cleanup: {command: [/bin/true], schedule: {cron: "*/5 * * * *"}}
  report: {command: [/bin/true], schedule: {cron: "30 6 1 * mon-fri", timezone: UTC}}
  warm: {command: [/bin/true], schedule: {interval: 10m}}
  seed: {command: [/bin/true], schedule: {interval: 7m}}
  web: {command: [/bin/sleep, "600"], depends_on: {seed: {condition: completed}}}
YAML
k8s_check schedules . -f schedules.yaml
expect_exit 0 "$LINEUP" -f schedules.yaml export kubernetes --image x:1 -o schedules-k8s
expect_contains "seed: schedule.interval 7m: a CronJob runs on the clock, as near as it can"
grep -q 'schedule: "\*/5 \* \* \* \*"' schedules-k8s/cleanup-cronjob.yaml && pass || fail "cleanup's CronJob schedule"
grep -q "concurrencyPolicy: Forbid" schedules-k8s/cleanup-cronjob.yaml && pass || fail "a CronJob may run twice at once"
grep -q "timeZone: Etc/UTC" schedules-k8s/report-cronjob.yaml && pass || fail "report's time zone"
grep -q 'schedule: "\*/10 \* \* \* \*"' schedules-k8s/warm-cronjob.yaml && pass || fail "warm's interval as cron"
check test ! -e schedules-k8s/cleanup-job.yaml        # no one waits for it: only its schedule runs it
check test -e schedules-k8s/seed-job.yaml              # web waits for it: it runs at the startup too
expect_exit 0 "$LINEUP" -f schedules.yaml export systemd -o schedules-units
verify_units schedules-units
for t in schedules-units/*.timer; do
  SYSTEMD_UNIT_PATH="$WORK/schedules-units:" systemd-analyze verify --man=no "$t" >/dev/null 2>&1 && pass || fail "systemd-analyze verify $t"
done
grep -q "^OnCalendar=\*-\*-\* \*:00,05,10,15,20,25,30,35,40,45,50,55:00$" schedules-units/*cleanup.timer && pass || fail "cleanup's OnCalendar"
# cron's either-day rule: two lines, each of which systemd parses.
check test "$(grep -c '^OnCalendar=' schedules-units/*report.timer)" = 2
while read -r line; do
  systemd-analyze calendar "${line#OnCalendar=}" >/dev/null 2>&1 && pass || fail "systemd cannot read ${line}"
done < <(grep -h '^OnCalendar=' schedules-units/*.timer)
grep -q "^OnUnitActiveSec=10min\|^OnUnitActiveSec=600" schedules-units/*warm.timer && pass || fail "warm's interval"
grep -q "^RemainAfterExit=yes" schedules-units/*cleanup.service && fail "a scheduled oneshot stays active" || pass
grep -q "cleanup.service" schedules-units/*.target && fail "the target starts cleanup" || pass
grep -q "cleanup.timer" schedules-units/*.target && pass || fail "the target does not start cleanup's timer"
grep -q "seed.service" schedules-units/*.target && pass || fail "the target does not run seed, which web waits for"
finish
