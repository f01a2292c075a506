# A project deeper than a Unix socket path can be (107 bytes): the control
# socket still works (bound and reached through its directory's descriptor).
source "$(dirname "$0")/../lib.sh"

deep="$WORK/$(printf 'a-rather-long-directory-name-%s/' 1 2 3 4)project"
mkdir -p "$deep"
cp lineup.yaml "$deep/"
cd "$deep"
check test "${#deep}" -gt 120
expect_exit 0 "$LINEUP" up -d
# `restart` needs the API (ps would fall back to state.json).
expect_exit 0 "$LINEUP" restart api
expect_contains "api: ready"
expect_exit 0 "$LINEUP" down
expect_no_leftovers
cd "$WORK"
finish
