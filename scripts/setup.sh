#!/usr/bin/env bash
# Installs what lineup needs to build and test, from Debian's packages.
# Idempotent: packages already present are skipped, and apt is only touched
# when something is missing, so `make test` on a ready machine costs nothing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config clang-format
  libboost1.81-dev        # header-only Asio + Beast (never libboost-dev 1.74: conflicts)
  libyaml-dev             # fast event-based YAML parser with line/column marks
  libyaml-cpp-dev         # YAML emitter for `lineup config`
  libcli11-dev            # command-line parsing
  nlohmann-json3-dev      # JSON output and input
  libfmt-dev              # formatting
  libgtest-dev libgmock-dev libbenchmark-dev
  libpq-dev libhiredis-dev  # probes: real PostgreSQL and Redis protocols
  libssl-dev openssl        # https://, rediss:// probes (libssl loaded at run time); tests make certificates
  libre2-dev                # log:, fail_on_log, body_regex: linear-time matching
  postgresql redis-server   # real servers for the integration tests
  mariadb-server libmariadb3 libmariadb-dev  # mysql: probe (Connector/C, loaded at run time) and its test server
  python3-websockets        # a real WebSocket server for the websocket probe's tests
  python3-grpcio libnghttp2-dev  # grpc: probe (HTTP/2 by nghttp2) and a real gRPC health server for its tests
  python3 procps iproute2 curl
  python3-prometheus-client # tests parse /metrics with Prometheus' own text parser
  chromium python3-pil fonts-dejavu-core  # the report's timeline, screenshotted by a real browser
  wrk                       # bench/api_wrk.sh: load on the API
  systemd                   # systemd-notify, for the sd_notify scenario test
  python3-yaml python3-jsonschema  # tests/cli/test_schema.sh: the config schema, as an editor reads it
  groff-base                # tests/cli/test_install.sh: the man page renders without warnings
  clang libclang-rt-14-dev  # fuzz/: libFuzzer, ASan and UBSan runtimes for clang (make fuzz, make test)
)

# node and npm: the Kubernetes schemas the export tests validate against (tests/export/k8s).
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)

# The npm packages of tests/export/k8s, installed again only when the lock file changed.
install_npm() {
  local dir
  dir="$(cd "$(dirname "$0")/.." && pwd)/tests/export/k8s"
  if [ ! -f "$dir/node_modules/.package-lock.json" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    echo "setup: npm ci in tests/export/k8s"
    npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error >/dev/null
  fi
}

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  install_npm
  exit 0
fi

echo "setup: installing ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
install_npm
