# watch (SPEC 3, "Hooks, watch and limits"): a change under a rule's path
# restarts the service and its restart: true dependents; a burst of 1,000
# files is one restart; editors' temporary files, .git and excluded paths
# restart nothing; compose's develop.watch works the same; a stopped
# service is not started by a change.
source "$(dirname "$0")/../lib.sh"
attempts_are() { [ "$(ps_field "$1" attempts)" = "$2" ] && [ "$(ps_field "$1" state)" = ready ]; }
restarts_logged() { [ "$(grep -c "restarting (watch)" .lineup/lineup.log)" = "$1" ]; }

expect_exit 0 "$LINEUP" up -d

# 1,000 files written in one go: one restart of api, and web with it.
for i in $(seq 1000); do echo "x" > "src/file$i.py"; done
check wait_until 60 attempts_are api 2
check wait_until 60 attempts_are web 2
check wait_until 30 restarts_logged 1
check grep -q "api: 1000 files changed" .lineup/lineup.log

# What restarts nothing: editors' files, .git, excluded paths, an empty directory.
# (A file written last proves the watch has seen everything before it.)
mkdir -p src/.git src/tests src/empty
touch src/.file1.py.swp src/file1.py~ src/4913 src/.git/index src/tests/test_a.py
echo "y" > src/marker.txt
check wait_until 60 attempts_are api 3
check restarts_logged 2
check grep -q "api: $WORK/src/marker.txt changed: restarting (watch)" .lineup/lineup.log   # one file counted
check test "$(ps_field front attempts)" = 1

# compose's develop.watch (sync+restart): a change restarts front; its ignore holds.
touch public/app.js.map
echo "z" > public/app.js
check wait_until 60 attempts_are front 2
check restarts_logged 3
check grep -q "front: $WORK/public/app.js changed: restarting (watch)" .lineup/lineup.log

# A stopped service stays stopped whatever changes.
expect_exit 0 "$LINEUP" stop api
echo "w" > src/after_stop.py
echo "v" > public/after.js
check wait_until 60 attempts_are front 3   # (the same events, seen: api's change would be too)
check test "$(ps_field api state)" = stopped
check test "$(ps_field api attempts)" = 3

expect_exit 0 "$LINEUP" down
expect_no_leftovers
finish
