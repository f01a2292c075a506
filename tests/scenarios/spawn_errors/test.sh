# Spawn failures say which stage failed and why, not "exit 127".
source "$(dirname "$0")/../lib.sh"

expect_exit 3 "$LINEUP" up -d
check grep -q "chdir .*does-not-exist: No such file or directory" <<<"$(ps_field nodir status)"
check grep -q "exec no-such-program-xyz: command not found in PATH" <<<"$(ps_field nocmd status)"
expect_exit 0 "$LINEUP" down
expect_no_leftovers
finish
