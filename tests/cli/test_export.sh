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

finish
