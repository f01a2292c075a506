# `cmake --install` of the build that made the binary: the binary, the man
# page, the bash / zsh / fish completions and the schema land where they
# belong; the man page renders without warnings and names every command;
# the completions parse, know every command and option of `--help`, and the
# bash one offers `up` for `lineup u` and the service names of a config.
source "$(dirname "$0")/lib.sh"
BUILD=$(dirname "$LINEUP")
PREFIX="$WORK/prefix"

if [ ! -f "$BUILD/cmake_install.cmake" ]; then
  fail "$BUILD/cmake_install.cmake missing: configure the build with cmake first"
  finish; exit
fi
expect_exit 0 cmake --install "$BUILD" --prefix "$PREFIX"

man1="$PREFIX/share/man/man1/lineup.1"
bashc="$PREFIX/share/bash-completion/completions/lineup"
zshc="$PREFIX/share/zsh/site-functions/_lineup"
fishc="$PREFIX/share/fish/vendor_completions.d/lineup.fish"
for f in "$man1" "$bashc" "$zshc" "$fishc" "$PREFIX/share/lineup/lineup.schema.json"; do
  [ -s "$f" ] && pass || fail "not installed: ${f#"$PREFIX"/}"
done
[ -x "$PREFIX/bin/lineup" ] && pass || fail "not installed: bin/lineup"
expect_exit 0 "$PREFIX/bin/lineup" version
expect_contains "lineup "

# What --help lists: the commands, and the options of each (-h/--help aside).
commands=$("$LINEUP" --help | awk '/^Subcommands:/ { on = 1; next } on && /^  [a-z]/ { print $1 }')
[ "$(wc -w <<<"$commands")" -ge 10 ] && pass || fail "too few commands in lineup --help: $commands"
options_of() {  # options_of [COMMAND]: every -x / --xyz in its --help
  "$LINEUP" "$@" --help | grep -E '^  +-' | sed -E 's/^ +//; s/ .*//' | tr ',' '\n' | grep -vxE -- '-h|--help'
}

# The man page: roff that renders cleanly and names every command and option.
if command -v groff >/dev/null; then
  warnings=$(groff -man -ww -z "$man1" 2>&1)
  [ -z "$warnings" ] && pass || { fail "groff warnings on lineup.1"; echo "$warnings" | head; }
  text=$(groff -man -Tutf8 "$man1" 2>/dev/null | sed 's/.\x08//g')
  [ "$(wc -l <<<"$text")" -gt 100 ] && pass || fail "lineup.1 renders to less than 100 lines"
else
  text=$(cat "$man1")
  head -5 "$man1" | grep -q '^\.TH LINEUP 1' && pass || fail "lineup.1 has no .TH line"
fi
for c in $commands; do
  grep -qw -- "$c" <<<"$text" && pass || fail "lineup.1 does not mention the command $c"
done
for o in $(options_of; for c in $commands; do options_of "$c"; done | sort -u); do
  grep -qF -- "$o" <<<"$(sed 's/\\-/-/g' "$man1")" && pass || fail "lineup.1 does not mention $o"
done

# Every completion knows every command and every option.
for f in "$bashc" "$zshc" "$fishc"; do
  name=${f#"$PREFIX"/}
  for c in $commands; do
    grep -qw -- "$c" "$f" && pass || fail "$name lacks the command $c"
  done
  for c in "" $commands; do
    for o in $(options_of $c); do
      if [ "$f" = "$fishc" ]; then  # fish: `-l long`, `-s x` (a bare -d is a description there)
        if [[ $o == --* ]]; then pattern="-l ${o#--}( |$)"; else pattern="-s ${o#-}( |$)"; fi
      else
        pattern="(^|[^a-z-])$o([^a-z-]|$)"
      fi
      grep -qE -- "$pattern" "$f" && pass || fail "$name lacks $o (${c:-global})"
    done
  done
done

# bash: parses, and completes commands, formats and service names.
expect_exit 0 bash -n "$bashc"
mkdir -p "$WORK/proj"
cat > "$WORK/proj/lineup.yaml" <<'YAML'
services:
  database: {command: sleep 1}
  webapp: {command: sleep 1, depends_on: [database]}
  debug: {command: sleep 1, disabled: true}
YAML
complete_bash() {  # complete_bash WORD... : what the completion offers for the last word
  (cd "$WORK/proj" && PATH="$PREFIX/bin:$PATH" bash -c '
    source "$1"; shift
    COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=()
    _lineup; printf "%s\n" "${COMPREPLY[@]}"' _ "$bashc" "$@")
}
OUT=$(complete_bash lineup u)
[ "$OUT" = up ] && pass || fail "bash: 'lineup u' offers [$OUT], not up"
OUT=$(complete_bash lineup "")
for c in $commands; do expect_contains "$c"; done
OUT=$(complete_bash lineup plan --format "")
[ "$(sort <<<"$OUT" | tr '\n' ' ')" = "dot json mermaid text " ] && pass || fail "bash: plan --format offers [$OUT]"
OUT=$(complete_bash lineup restart "")
[ "$(sort <<<"$OUT" | tr '\n' ' ')" = "database webapp " ] && pass || fail "bash: restart offers [$OUT]"
OUT=$(complete_bash lineup up d)
[ "$(sort <<<"$OUT" | tr '\n' ' ')" = "database debug " ] && pass || fail "bash: up d offers [$OUT]"
mkdir -p "$WORK/other" && sed 's/webapp/worker/' "$WORK/proj/lineup.yaml" > "$WORK/other/stack.yaml"
OUT=$(complete_bash lineup -f "$WORK/other/stack.yaml" logs -f w)
[ "$OUT" = worker ] && pass || fail "bash: -f FILE logs -f w offers [$OUT]"
OUT=$(complete_bash lineup logs -f w)
[ "$OUT" = webapp ] && pass || fail "bash: -f FILE logs -f w offers [$OUT]"

# zsh and fish: at least they parse, where installed.
if command -v zsh >/dev/null; then expect_exit 0 zsh -n "$zshc"; fi
if command -v fish >/dev/null; then expect_exit 0 fish -n "$fishc"; fi
finish
