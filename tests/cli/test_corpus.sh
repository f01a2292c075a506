# Every real compose file of the corpus: check, config and plan accept it,
# and plan orders services as depends_on says.
source "$(dirname "$0")/lib.sh"

for f in "$SRC"/tests/corpus/compose/*; do
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

# A file with real dependencies gives the expected order.
expect_exit 0 "$LINEUP" -f "$SRC/tests/corpus/compose/nginx-golang-postgres.yaml" plan --format json
python3 -c 'import json,sys; p=json.loads(sys.argv[1]); assert p["order"]==["db","backend","proxy"], p["order"]' "$OUT" && pass || fail "golang order"
finish
