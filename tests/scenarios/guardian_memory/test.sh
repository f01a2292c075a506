# The guardian holds nothing of the stack once the supervisor is forked: it
# only waits and forwards signals, so the config it loaded (2,000 services
# here) is freed and its pages handed back. Before, the guardian kept its
# copy of every page the supervisor went on to change: at 2,000 services
# 3.7 MB of anonymous memory (20 MB of RSS at 10,000), now under 0.5 MB.
source "$(dirname "$0")/../lib.sh"

/usr/bin/python3 - > lineup.yaml <<'PY'
print("services:")
for i in range(2000):
    print(f"  s{i:04d}:\n    command: [sleep, '600']\n    min_uptime: 0s")
PY
expect_exit 0 "$LINEUP" up -d -q
read -r guardian supervisor < .lineup/lineup.pid
anon=$(awk '/^RssAnon:/ {print $2}' "/proc/$guardian/status")
echo "guardian_memory: the guardian's anonymous memory at 2,000 services: ${anon} kB (supervisor $(awk '/^RssAnon:/ {print $2}' "/proc/$supervisor/status") kB)"
check_memory "$anon" 1536 "guardian_memory: the guardian's anonymous memory"
expect_exit 0 "$LINEUP" down -q
expect_no_leftovers
finish
