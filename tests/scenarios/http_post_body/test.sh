# An http probe sends its method, headers and body (issue 18): the gateway's
# check is a POST with a JSON body, as the seeds' /api/auth/validate is.
# The server answers 400 to anything else, so a probe that sent no body
# would never pass (the service would fail its startup_timeout).
source "$(dirname "$0")/../lib.sh"

port=$(free_port)
cat > lineup.yaml <<YAML
services:
  auth:
    command: ["python3", "$WORK/validate_server.py", "$port"]
    ready:
      - http:
          url: "http://127.0.0.1:$port/api/auth/validate"
          method: POST
          headers: {X-Probe: lineup}
          body: {user: probe, attempts: 3, strict: true}
          status: 200
          body_contains: valid
    startup_timeout: 60s
YAML
expect_exit 0 "$LINEUP" up -d
check grep -qxF "POST /api/auth/validate X-Probe=lineup CT=application/json LEN=43 BODY={\"user\":\"probe\",\"attempts\":3,\"strict\":true}" requests.log
check test "$(ps_field auth state)" = ready
expect_exit 0 "$LINEUP" down
expect_no_leftovers
finish
