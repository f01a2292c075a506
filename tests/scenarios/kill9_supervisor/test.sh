# kill -9 of either lineup process leaves nothing behind, grandchildren that
# escaped their process group included, and the next `up` works.
source "$(dirname "$0")/../lib.sh"

for victim in supervisor guardian; do
  expect_exit 0 "$LINEUP" up -d
  read -r guardian supervisor < .lineup/lineup.pid
  check test -n "$(leftovers)"
  if [ $victim = supervisor ]; then kill -9 "$supervisor"; else kill -9 "$guardian"; fi
  expect_no_leftovers
  # stale pid file and state: the next up is not blocked
  check test -f .lineup/lineup.pid
done
expect_exit 0 "$LINEUP" up -d
expect_exit 0 "$LINEUP" down
expect_no_leftovers
finish
