# kill -9 of a lineup process at a random moment of startup or shutdown
# leaves nothing behind, and the next `up -d` and `down` work.
#
# 52 trials (24 under ASan): {during up, during down} x {guardian, supervisor}, 13 (6) of each,
# the kill 0-400 ms after the moment the trial starts (the stack needs
# about 400 ms to start and 350-750 ms to stop). After every trial: no process
# left, then `up -d` (READY) and `down` (exit 0) of the same project, and
# nothing left again. Then 2 trials that kill both lineup processes at
# once during startup.
source "$(dirname "$0")/../lib.sh"

# Under ASan each trial costs about 3x: fewer trials there, so the test
# holds on a loaded machine (the normal build runs all 52).
if sanitized; then TRIALS=${KILL9_TRIALS:-24}; else TRIALS=${KILL9_TRIALS:-52}; fi
before_result=0
begin=$SECONDS

# Faster than lib.sh's `leftovers` (one python scan instead of a tr|grep per
# process); same rule: processes carrying our LINEUP_SCENARIO that are not
# descendants of this script.
left() {
  /usr/bin/python3 - "$WORK" "$$" <<'PY'
import os, sys
work, me = sys.argv[1], sys.argv[2]
marker = ("LINEUP_SCENARIO=" + work).encode()
def ppid(p):
    try:
        s = open(f"/proc/{p}/stat").read()
        return s[s.rindex(")") + 2:].split()[1]
    except OSError:
        return "0"
out = []
for p in os.listdir("/proc"):
    if not p.isdigit() or p == str(os.getpid()):
        continue
    try:
        env = open(f"/proc/{p}/environ", "rb").read().split(b"\0")
    except OSError:
        continue
    if marker not in env:
        continue
    q, ours = p, False
    while q not in ("0", "1", ""):
        if q == me:
            ours = True
            break
        q = ppid(q)
    if not ours:
        out.append(p)
print(" ".join(out))
PY
}
none_left() { [ -z "$(left)" ]; }

pids_written() {
  [ -s .lineup/lineup.pid ] || return 1
  read -r guardian supervisor < .lineup/lineup.pid
  [ -n "${guardian:-}" ] && [ -n "${supervisor:-}" ]
}

trial_fail() { fail "trial $trial (kill -9 of the $victim ${delay_ms} ms into $phase): $*"; }

for ((trial = 1; trial <= TRIALS; trial++)); do
  phase=$([ $((trial % 2)) -eq 1 ] && echo up || echo down)
  victim=$([ $(((trial - 1) / 2 % 2)) -eq 0 ] && echo supervisor || echo guardian)
  delay_ms=$((RANDOM % 401))
  guardian="" supervisor=""
  if [ $phase = up ]; then
    rm -f .lineup/lineup.pid
    "$LINEUP" up -d >/dev/null 2>&1 &
    client=$!
    wait_until 30 pids_written || trial_fail "no pid file"
  else
    OUT=$("$LINEUP" up -d 2>&1) || trial_fail "up -d before the down: $OUT"
    pids_written || trial_fail "no pid file"
    "$LINEUP" down >/dev/null 2>&1 &
    client=$!
  fi
  sleep "$(printf '0.%03d' "$delay_ms")"
  if [ $victim = supervisor ]; then kill -9 "$supervisor" 2>/dev/null; else kill -9 "$guardian" 2>/dev/null; fi
  # The client (`up -d` waiting for a result, or `down`) must not hang.
  wait_until 30 gone "$client" || trial_fail "the $phase client hangs"
  wait "$client" 2>/dev/null
  code=$?
  # `up -d` exits 0 if READY came before the kill, 1 if the stack died first.
  [ $phase = up ] && [ $code -ne 0 ] && before_result=$((before_result + 1))
  if wait_until 10 none_left; then pass; else
    trial_fail "processes left behind: $(left)"
    ps -o pid,ppid,pgid,sid,cmd -p "$(left | tr ' ' ,)" 2>/dev/null
    for p in $(left); do kill -9 "$p" 2>/dev/null; done
  fi
  # The next up and down work: stale pid file and state do not get in the way.
  OUT=$("$LINEUP" up -d 2>&1) && pass || trial_fail "next up -d: $OUT"
  grep -q "is READY" <<<"$OUT" && pass || trial_fail "next up -d is not READY: $OUT"
  OUT=$("$LINEUP" down 2>&1) && pass || trial_fail "next down: $OUT"
  if wait_until 10 none_left; then pass; else
    trial_fail "processes left after the next down: $(left)"
    for p in $(left); do kill -9 "$p" 2>/dev/null; done
  fi
done
took=$((SECONDS - begin))
echo "kill9_random: $TRIALS kill -9 trials ($((TRIALS / 4)) of each: up/guardian, up/supervisor, down/guardian, down/supervisor) in ${took}s, $failures failed; $before_result of $(((TRIALS + 1) / 2)) kills during up landed before the startup had a result"

# Both lineup processes at the same instant, during startup (kill9_both
# does it once the stack is READY). Nothing is left to sweep: where cgroup
# v2 is writable the next `down` kills what survived (docs/design.md, "No
# orphans"); elsewhere services survive (the documented gap), reported only.
cgroups=no
expect_exit 0 "$LINEUP" up -d
grep -q "lineup-" "/proc/$(ps_field db pid)/cgroup" 2>/dev/null && cgroups=yes
expect_exit 0 "$LINEUP" down
survived=0
for both in 1 2; do
  rm -f .lineup/lineup.pid
  "$LINEUP" up -d >/dev/null 2>&1 &
  client=$!
  wait_until 30 pids_written
  sleep "0.$((RANDOM % 300 + 100))"
  kill_both "$guardian" "$supervisor"     # neither sees the other die (lib.sh)
  wait_until 30 gone "$client"; wait "$client" 2>/dev/null
  wait_until 10 gone "$supervisor"
  [ -n "$(left)" ] && survived=$((survived + 1))
  if [ $cgroups = yes ]; then
    OUT=$("$LINEUP" down 2>&1) && pass || fail "down after both were killed: $OUT"
    if wait_until 10 none_left; then pass; else fail "both killed during startup: left after the next down: $(left)"; fi
  fi
  for p in $(left); do kill -9 "$p" 2>/dev/null; done
  wait_until 10 none_left
done
echo "kill9_random: both killed at once during startup: services outlived lineup in $survived of 2 trials; cgroup v2: $cgroups$([ $cgroups = yes ] && echo ', the next down removed them' || echo ', they are the documented gap')"

expect_exit 0 "$LINEUP" up -d
expect_exit 0 "$LINEUP" down
expect_no_leftovers
finish
