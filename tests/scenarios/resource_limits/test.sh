# limits (SPEC 3, "Hooks, watch and limits"): nofile and nproc reach the
# process as rlimits (lineup's own spelling and compose's ulimits); memory and
# pids are cgroup limits (v2, or the v1 hierarchies of a hybrid machine such
# as the project's own): where this machine gives lineup the controllers,
# a service past its memory limit is OOM-killed and reported as such, and a
# fork loop stops at pids; where it does not, `check` and `up` say which
# limits cannot be enforced. A changed limit restarts the service on reload.
source "$(dirname "$0")/../lib.sh"
limit_of() {  # limit_of PID NAME: "soft hard" from /proc/PID/limits
  awk -v name="$2" 'index($0, name) == 1 { n = split(substr($0, length(name) + 1), f, " +"); print f[2], f[3] }' "/proc/$1/limits"
}

expect_exit 0 "$LINEUP" check
if grep -q "cannot be enforced here" <<<"$OUT"; then enforced=no; else enforced=yes; fi
echo "resource_limits: memory/pids limits enforceable by lineup here: $enforced"
# A machine with a writable memory hierarchy (cgroup v1, as this project's own, or v2 with the
# controller handed down) must enforce them: the fallback is not silently lost.
v1_memory=$(awk -F: '$2 ~ /(^|,)memory(,|$)/ { print $3 }' /proc/self/cgroup)
v2_own=$(awk -F: '$1 == "0" { print $3 }' /proc/self/cgroup)
if { [ -n "$v1_memory" ] && [ -w "/sys/fs/cgroup/memory$v1_memory" ]; } ||
   grep -qw memory "/sys/fs/cgroup${v2_own%/}/cgroup.subtree_control" 2>/dev/null; then
  check test "$enforced" = yes
fi
if [ "$enforced" = no ]; then
  expect_contains "limits.memory of hog cannot be enforced here"
  expect_contains "limits.pids of forker cannot be enforced here"
fi

"$LINEUP" up -d > up.out 2>&1
code=$?
if [ "$enforced" = no ]; then
  check test "$code" = 0
  check grep -q "warning: limits.memory of hog cannot be enforced here" up.out
else
  check test "$code" = 3   # hog (low) was OOM-killed: DEGRADED
fi

capped=$(ps_field capped pid)
check test "$(limit_of "$capped" "Max open files")" = "256 512"
check test "$(limit_of "$capped" "Max processes")" = "300 300"
check test "$(limit_of "$(ps_field compose_style pid)" "Max open files")" = "1000 1000"

if [ "$enforced" = yes ]; then
  check test "$(ps_field hog state)" = failed
  check grep -q "killed by the OOM killer (memory limit 64M)" <<<"$(ps_field hog status)"
  expect_exit 0 "$LINEUP" logs forker
  check grep -q "Resource temporarily unavailable\|Cannot fork\|can't fork" <<<"$OUT"
else
  check test "$(ps_field hog state)" = ready
fi

# A changed limit is a changed process definition.
sed -i 's/soft: 256, hard: 512/soft: 128, hard: 512/' lineup.yaml
expect_exit 0 "$LINEUP" up -d --dry-run
expect_contains "capped: restart (limits changed)"
expect_exit 0 "$LINEUP" down
expect_no_leftovers
finish
