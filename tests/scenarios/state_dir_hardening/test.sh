# lineup as root never writes through a symlink or into a directory another
# user controls, makes its files 0600 under any umask, never replaces a file
# that is not a socket with its API socket, and reads no input without a cap.
source "$(dirname "$0")/../lib.sh"

if [ "$(id -u)" -ne 0 ]; then
  echo "not root: the ownership cases need a second user (CI runs as root)"; finish; exit $?
fi
other=lineup-test-$$
useradd -M -r -s /usr/sbin/nologin "$other" || { fail "useradd failed"; finish; exit 1; }
remove_user() { userdel "$other" 2>/dev/null; cleanup; }
trap remove_user EXIT

target=$(mktemp /tmp/lineup-precious.XXXXXX)   # root's file, outside the project
echo precious > "$target"
intact() { [ "$(cat "$target")" = precious ]; }

# 1. .lineup/logs owned by another user, with a planted symlink: refused.
mkdir -p .lineup/logs
chown "$other" .lineup/logs
ln -s "$target" .lineup/logs/api.log
expect_exit 1 "$LINEUP" up -d
expect_contains ".lineup/logs is owned by another user"
check intact
check test -z "$(leftovers)"
rm -rf .lineup

# 2. Symlinks planted in our own state directory: never followed.
mkdir -p .lineup/logs
for f in lineup.log lineup.pid state.json last-run.json logs/api.log logs/api.log.times; do
  ln -s "$target" ".lineup/$f"
done
expect_exit 0 "$LINEUP" up -d
check intact
check test -f .lineup/state.json   # replaced by rename, the link itself, not its target
check test ! -L .lineup/state.json
expect_exit 0 "$LINEUP" down
check intact
rm -rf .lineup

# 3. Modes: 0700 directories, 0600 files, whatever the umask.
(umask 000; "$LINEUP" up -d > /dev/null 2>&1) || fail "up -d under umask 000"
wait_until 30 test -s .lineup/logs/api.log || fail "no log"
wait_until 30 test -s .lineup/state.json || fail "no state.json"
check test "$(stat -c %a .lineup)" = 700
check test "$(stat -c %a .lineup/logs)" = 700
for f in .lineup/lineup.log .lineup/lineup.pid .lineup/state.json .lineup/last-run.json .lineup/logs/api.log .lineup/logs/api.log.times; do
  [ "$(stat -c %a "$f")" = 600 ] && pass || fail "$f is $(stat -c %a "$f"), not 600"
done
expect_exit 0 "$LINEUP" down
# An old group-writable state directory of ours is narrowed, not refused.
chmod 775 .lineup
expect_exit 0 "$LINEUP" up -d
check test "$(stat -c %a .lineup)" = 755
expect_exit 0 "$LINEUP" down
chmod 777 .lineup
expect_exit 1 "$LINEUP" up -d
expect_contains "writable by other users"
chmod 700 .lineup

# 4. api.listen naming a file that is not a socket: refused by check, kept by up.
cp lineup.yaml keep.yaml
cat > sock.yaml <<'YAML'
api: {listen: "unix:keep.yaml"}
services:
  api: {command: sleep 1000}
YAML
expect_exit 1 "$LINEUP" -f sock.yaml check
expect_contains "keep.yaml exists and is not a socket"
expect_exit 2 "$LINEUP" -f sock.yaml up -d
check cmp -s lineup.yaml keep.yaml
# A TCP listener without a token: a warning.
port=$(free_port)
printf 'api: {listen: "127.0.0.1:%s"}\nservices:\n  api: {command: sleep 1000}\n' "$port" > tcp.yaml
expect_exit 0 "$LINEUP" -f tcp.yaml check
expect_contains "any local user can stop this stack"

# 5. Bounded input: /dev/zero as the config or as an env file.
expect_exit 2 timeout 60 "$LINEUP" -f /dev/zero check
expect_contains "larger than 64 MiB"
printf 'services:\n  api: {command: sleep 1000, env_file: /dev/zero}\n' > zero.yaml
expect_exit 1 timeout 60 "$LINEUP" -f zero.yaml check
expect_contains "larger than 64 MiB"

# 6. A user who cannot read .lineup/ is told so: never "nothing is running"
# for a stack that runs, and nothing is stopped or started on its word.
chmod 755 "$WORK"
expect_exit 0 "$LINEUP" up -d
for cmd in ps down logs "restart api" "up -d"; do
  expect_exit 1 runuser -u "$other" -- "$LINEUP" $cmd
  expect_contains "Permission denied"
done
check test "$(ps_field api state)" = ready
expect_exit 0 "$LINEUP" down

check intact
rm -f "$target"
expect_no_leftovers
finish
