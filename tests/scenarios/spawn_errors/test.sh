# Spawn failures say which stage failed and why, not "exit 127".
source "$(dirname "$0")/../lib.sh"

printf 'no interpreter line, no ELF header\n' > not-a-program
chmod +x not-a-program
expect_exit 3 "$LINEUP" up -d
check grep -q "chdir .*does-not-exist: No such file or directory" <<<"$(ps_field nodir status)"
check grep -q "exec no-such-program-xyz: command not found in PATH" <<<"$(ps_field nocmd status)"
check grep -q "exec ./not-a-program: Exec format error" <<<"$(ps_field badexec status)"
check test "$(ps_field badexec state)" = failed
expect_exit 0 "$LINEUP" down
expect_no_leftovers
finish
