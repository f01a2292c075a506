# `lineup wait kubernetes-job://NS/NAME` (and -deployment://): the init
# containers of `export kubernetes`. Against a local HTTPS stand-in for the
# API server (tests/servers/kubernetes_api.py) serving objects recorded in
# tests/export/api/, with a service-account directory of our own: the
# token is sent, the server's certificate is checked against the account's
# CA for kubernetes.default.svc, and the object's status decides.
source "$(dirname "$0")/lib.sh"
cd "$WORK"

# A CA, the API server's certificate for kubernetes.default.svc, and a second CA nobody signed with.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=test-ca -keyout ca.key -out ca.crt 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj /CN=kube-apiserver -keyout server.key -out server.csr 2>/dev/null
printf 'subjectAltName=DNS:kubernetes.default.svc,DNS:kubernetes\n' >san.ext
openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile san.ext -out server.crt 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=other-ca -keyout other.key -out other.crt 2>/dev/null
mkdir -p sa objects/shop/jobs objects/shop/deployments
cp ca.crt sa/ca.crt
printf 'pod-token-1234\n' >sa/token

API="$SRC/tests/export/api"
# Its first line is its port, printed once it listens: read waits for that, no polling.
exec 3< <(exec python3 "$SRC/tests/servers/kubernetes_api.py" server.crt server.key pod-token-1234 objects)
server=$!
trap 'kill $server 2>/dev/null; exec 3<&-; rm -rf "$WORK"' EXIT
read -r -t 60 port <&3 || { echo "FAIL: the API stand-in did not start"; exit 1; }
export KUBERNETES_SERVICE_HOST=127.0.0.1 KUBERNETES_SERVICE_PORT=$port LINEUP_KUBERNETES_SERVICEACCOUNT=$WORK/sa

expect_exit 1 "$LINEUP" wait --timeout 500ms kubernetes-job://shop/migrate
expect_contains "no Job shop/migrate"
cp "$API/job-running.json" objects/shop/jobs/migrate.json
expect_exit 1 "$LINEUP" wait --timeout 500ms kubernetes-job://shop/migrate
expect_contains "Job shop/migrate has not succeeded yet (0 of 1 succeeded, 1 active, 0 failed)"
# A Job of replicas (completions: 2) has succeeded once every completion has.
cp "$API/job-partly-succeeded.json" objects/shop/jobs/migrate.json
expect_exit 1 "$LINEUP" wait --timeout 500ms kubernetes-job://shop/migrate
expect_contains "Job shop/migrate has not succeeded yet (1 of 2 succeeded, 1 active, 0 failed)"
cp "$API/job-failed.json" objects/shop/jobs/migrate.json
expect_exit 1 "$LINEUP" wait --timeout 500ms kubernetes-job://shop/migrate
expect_contains "Job shop/migrate failed: BackoffLimitExceeded"
cp "$API/job-succeeded.json" objects/shop/jobs/migrate.json
expect_exit 0 "$LINEUP" wait --timeout 10s kubernetes-job://shop/migrate

cp "$API/deployment-unready.json" objects/shop/deployments/db.json
expect_exit 1 "$LINEUP" wait --timeout 500ms kubernetes-deployment://shop/db
expect_contains "Deployment shop/db: 0 of 1 pods ready"
# Every replica: 2 of 3 ready is not ready yet.
cp "$API/deployment-partly-ready.json" objects/shop/deployments/db.json
expect_exit 1 "$LINEUP" wait --timeout 500ms kubernetes-deployment://shop/db
expect_contains "Deployment shop/db: 2 of 3 pods ready"
cp "$API/deployment-ready.json" objects/shop/deployments/db.json
expect_exit 0 "$LINEUP" wait --timeout 10s kubernetes-deployment://shop/db kubernetes-job://shop/migrate

# The token is the pod's: a wrong one is refused, and never printed.
printf 'stolen-token\n' >sa/token
expect_exit 1 "$LINEUP" wait --timeout 500ms kubernetes-job://shop/migrate
expect_contains "HTTP 401: the pod's service account may not read Job shop/migrate"
expect_not_contains "stolen-token"
printf 'pod-token-1234\n' >sa/token
# A server whose certificate the account's CA did not sign gets no token.
cp other.crt sa/ca.crt
expect_exit 1 "$LINEUP" wait --timeout 500ms kubernetes-job://shop/migrate
expect_contains "certificate verify failed"
cp ca.crt sa/ca.crt
rm sa/token
expect_exit 1 "$LINEUP" wait --timeout 500ms kubernetes-job://shop/migrate
expect_contains "no service account token"
KUBERNETES_SERVICE_HOST= expect_exit 1 "$LINEUP" wait --timeout 300ms kubernetes-job://shop/migrate
expect_contains "not in a pod"
for target in kubernetes-job://shop kubernetes-job://Shop/x kubernetes-job:///x kubernetes-statefulset://a/; do
  expect_exit 2 "$LINEUP" wait "$target"
done
expect_contains "NAMESPACE/NAME"
finish
