# Every file of the corpus (real compose files, and files that use each
# compose and process-compose feature as their documentation writes it):
# check, config and plan accept it, and plan orders services as depends_on
# says. Then each feature file is read as its own tool would.
source "$(dirname "$0")/lib.sh"

for f in "$SRC"/tests/corpus/compose/* "$SRC"/tests/corpus/process-compose/*; do
  [ -f "$f" ] || continue   # a feature's other files live in a folder beside it
  name=$(basename "$f")
  OUT=$("$LINEUP" -f "$f" check 2>&1); rc=$?
  if [ $rc -ne 0 ] && [ $rc -ne 1 ]; then fail "$name: check exit $rc"; echo "$OUT"; else pass; fi
  expect_not_contains "invalid YAML"
  expect_exit 0 "$LINEUP" -f "$f" config --format json
  expect_exit 0 "$LINEUP" -f "$f" config
  "$LINEUP" -f "$f" plan --format json > "$WORK/plan.json" 2>/dev/null || fail "$name: plan failed"
  if python3 - "$WORK/plan.json" <<'PY'
import json, sys
plan = json.load(open(sys.argv[1]))
pos = {n: i for i, n in enumerate(plan["order"])}
bad = [e for e in plan["edges"] if pos[e["to"]] >= pos[e["from"]]]
level = {n: i for i, lv in enumerate(plan["levels"]) for n in lv}
bad += [e for e in plan["edges"] if level[e["to"]] >= level[e["from"]]]
sys.exit(1 if bad or len(pos) != sum(len(l) for l in plan["levels"]) else 0)
PY
  then pass; else fail "$name: plan order violates depends_on"; fi
done

# Each feature, as read: `config --format json` of the file, asserted in Python.
feature() {  # feature FILE PYTHON: the PYTHON asserts on `c` (the config) and `s` (its services)
  local file=$1 code=$2
  OUT=$("$LINEUP" -f "$SRC/tests/corpus/$file" check 2>&1)
  if [ $? -ne 0 ] || grep -q "unknown key" <<<"$OUT"; then fail "$file: check"; echo "$OUT"; return; fi
  if "$LINEUP" -f "$SRC/tests/corpus/$file" config --format json 2>/dev/null | python3 -c "
import json, sys
c = json.load(sys.stdin); s = c['services']
last = lambda command: command if isinstance(command, str) else command[-1]  # a shell string or argv
$code" ; then pass; else fail "$file: not read as its tool reads it"; fi
}
feature compose/feature-entrypoint.yaml '
assert s["worker"]["command"] == ["python3", "-u", "-m", "http.server", "8080", "--bind", "127.0.0.1"], s["worker"]["command"]
assert s["shell"]["command"] == ["/bin/sh", "-c", "echo started && exec sleep infinity"], s["shell"]["command"]'
feature compose/feature-extends.yaml '
env = dict(s["api"]["environment"]) if isinstance(s["api"]["environment"], list) else s["api"]["environment"]
assert last(s["api"]["command"]) == "./api --port 8000" and "LOG_LEVEL" in env and "REGION" not in env, s["api"]
assert s["api"]["expose"] == [7000, 8000], s["api"].get("expose")  # compose appends the lists of the extending service
w = s["worker"]
assert last(w["command"]) == "./worker --queue jobs" and w["working_dir"].endswith("feature-extends/worker"), w
assert w["ports"] == ["9100"], w["ports"]'
feature compose/feature-include.yaml '
assert set(s) == {"app", "cache", "migrate"}, list(s)
assert s["migrate"]["working_dir"].endswith("feature-include"), s["migrate"]["working_dir"]
assert s["app"]["depends_on"]["migrate"]["condition"] == "completed"'
feature compose/feature-lifecycle.yaml '
assert s["db"]["post_start"] and s["db"]["stop_command"], s["db"]
d = s["api"]["depends_on"]
assert d["db"]["restart"] is True and d["db"]["condition"] == "ready", d'
feature compose/feature-develop-watch.yaml '
assert len(s["web"]["watch"]) == 1, s["web"].get("watch")'
feature compose/feature-resources.yaml '
assert sorted(s) == ["api-1", "api-2", "batch", "queue-1", "queue-2", "queue-3"], sorted(s)
assert s["api-2"]["limits"]["memory"] == "256M" and s["api-2"]["limits"]["pids"] == 100, s["api-2"]["limits"]
assert s["batch"]["limits"]["nofile"] == {"soft": 20000, "hard": 40000}, s["batch"]["limits"]'
feature process-compose/quick-start.yaml '
assert c["log_location"].endswith("pc.combined.log"), c.get("log_location")
assert set(s["Manager"]["depends_on"]) == {"ClientA", "ClientB"}
assert s["Server_1A"]["restart"]["policy"] == "always"'
feature process-compose/lifecycle.yaml '
assert s["setup"]["command"] == ["bash", "-c", "mkdir -p data && echo prepared $(date +%s)"], s["setup"]["command"]
assert last(s["api"]["command"]) == "./api --port $((8000 + 80))"
assert s["nginx"]["type"] == "forking" and last(s["nginx"]["stop_command"]) == "nginx -s stop"
assert s["api"]["kill_mode"] == "main"
assert s["db"]["stop_signal"] == 2 and s["db"]["restart"]["max_attempts"] == 6
assert s["worker"]["stop_stack_on"] == ["failure"] and s["worker"]["restart"]["policy"] == "no"
assert s["smoke"]["stop_stack_on"] == ["end", "skipped"], s["smoke"]["stop_stack_on"]
assert s["report"]["depends_on"]["smoke"]["condition"] == "exited"'
feature process-compose/scale-and-time.yaml '
assert sorted(s) == ["backup", "cleanup", "web-1", "web-2", "web-3"], sorted(s)
assert s["web-3"]["log_location"].endswith("logs/web.2.log"), s["web-3"]["log_location"]
assert "schedule" in s["backup"] and "schedule" in s["cleanup"]'

# A file with real dependencies gives the expected order.
expect_exit 0 "$LINEUP" -f "$SRC/tests/corpus/compose/nginx-golang-postgres.yaml" plan --format json
python3 -c 'import json,sys; p=json.loads(sys.argv[1]); assert p["order"]==["db","backend","proxy"], p["order"]' "$OUT" && pass || fail "golang order"
finish
