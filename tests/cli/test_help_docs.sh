# docs/cli.md against the binary: every command of `lineup --help` has a
# section; every option of `lineup [CMD] --help` is documented in its
# section (global options in "Global options"); every flag the page uses
# exists in that command's --help (or is global); documented value lists
# (`--format text|json`) match the binary's; the man page's synopsis lines
# do the same.
source "$(dirname "$0")/lib.sh"

python3 - "$LINEUP" "$SRC/docs/cli.md" "$SRC/man/lineup.1" <<'PY'
import re
import subprocess
import sys

lineup, doc_path, man_path = sys.argv[1:4]
failures = 0
checks = 0


def check(ok, message):
    global failures, checks
    checks += 1
    if not ok:
        failures += 1
        print("FAIL:", message)


def help_of(*cmd):
    out = subprocess.run([lineup, *cmd, "--help"], capture_output=True, text=True)
    check(out.returncode == 0, f"lineup {' '.join(cmd)} --help exits {out.returncode}")
    return out.stdout


def options(help_text):
    """{option: set of allowed values or None}, -h/--help left out."""
    opts = {}
    section = None
    for line in help_text.splitlines():
        if re.match(r"^\S.*:$", line):
            section = line
            continue
        m = re.match(r"^\s+((?:--?[A-Za-z][\w-]*,?)+)(?:\s+(\S+))?", line)
        if not m or section != "Options:":
            continue
        names = m.group(1).rstrip(",").split(",")
        values = None
        if m.group(2):
            v = re.search(r":\{([^}]*)\}", m.group(2))
            if v:
                values = set(v.group(1).split(","))
        for n in names:
            if n not in ("-h", "--help"):
                opts[n] = values
    return opts


top = help_of()
commands = []
on = False
for line in top.splitlines():
    if line.startswith("Subcommands:"):
        on = True
        continue
    if on and re.match(r"^  [a-z]", line):
        commands.append(line.split()[0])
check(len(commands) >= 10, f"too few commands in lineup --help: {commands}")
global_opts = options(top)
HELP = {"-h": None, "--help": None}  # every command has them; not listed by options()
cmd_opts = {c: options(help_of(c)) for c in commands}

# docs/cli.md in sections: "## check", "## start, stop, restart", "## Global options", ...
doc = open(doc_path, encoding="utf-8").read()
sections = {}
name = None
for line in doc.splitlines():
    if line.startswith("## "):
        name = line[3:].strip()
        sections[name] = []
    elif name:
        sections[name].append(line)

by_command = {}
for title, lines in sections.items():
    for part in re.split(r",\s*", title):
        if part in commands:
            by_command.setdefault(part, []).extend(lines)
for c in commands:
    check(c in by_command, f"docs/cli.md has no section for the command {c}")
check("Global options" in sections, "docs/cli.md has no Global options section")

FLAG = re.compile(r"(?<![\w-])(--?[A-Za-z][\w-]*)")


def spans(lines):
    """Backticked text outside code fences, and `lineup ...` command lines inside them."""
    out, fenced = [], False
    for line in lines:
        if line.startswith("```"):
            fenced = not fenced
            continue
        if fenced:
            m = re.match(r"^\$?\s*lineup\s+(.*)", line)
            if m:
                out.append("lineup " + m.group(1))
        else:
            out.extend(s.replace("\\|", "|") for s in re.findall(r"`([^`]+)`", line))
    return out


def command_of(span):
    """The command a `lineup ...` line runs, or None."""
    words = span.split()
    if not words or words[0] != "lineup":
        return None
    i = 1
    while i < len(words):
        w = words[i]
        if w in ("-f", "--file", "--project-dir", "--profile", "--env-file", "--log-format"):
            i += 2
        elif w.startswith("-"):
            i += 1
        else:
            return w if w in commands else None
    return None


def documented(cmds, lines):
    """Check every flag used in these lines; return the set of flags seen."""
    seen = set()
    allowed = dict(global_opts)
    for c in cmds:
        allowed.update(cmd_opts[c])
    for s in spans(lines):
        own = command_of(s)
        ok_here = dict(global_opts, **cmd_opts[own], **HELP) if own else dict(allowed, **HELP)
        for flag in FLAG.findall(s):
            seen.add(flag)
            check(flag in ok_here, f"docs/cli.md ({', '.join(cmds) or 'global'}): `{s}` uses {flag}, "
                                   f"which `lineup {own or ' '.join(cmds)} --help` does not have")
        # Documented value lists must be the binary's: `--format text|json`.
        for flag, vals in re.findall(r"(--?[\w-]+)[ =]([a-z]+(?:\|[a-z]+)+)", s):
            want = ok_here.get(flag)
            if want is not None:
                check(set(vals.split("|")) == want,
                      f"docs/cli.md: `{s}`: {flag} values {sorted(vals.split('|'))}, binary: {sorted(want)}")
    return seen


seen_global = documented([], sections.get("Global options", []))
for o in global_opts:
    check(o in seen_global, f"docs/cli.md Global options does not document {o}")

groups = {}
for title in sections:
    parts = [p for p in re.split(r",\s*", title) if p in commands]
    if parts:
        groups[title] = parts
for title, parts in groups.items():
    seen = documented(parts, sections[title])
    for c in parts:
        for o in cmd_opts[c]:
            check(o in seen, f"docs/cli.md section '{title}' does not document {o} of {c}")

# The man page's per-command lines (.B up [-d|--detach|--wait] ...) use real options.
man = open(man_path, encoding="utf-8").read().replace("\\-", "-")
man = re.sub(r"\\f[BIRP]", "", man)
for line in man.splitlines():
    m = re.match(r"^\.BR? ([a-z|]+)\b(.*)", line)
    if not m:
        continue
    cmds = [c for c in m.group(1).split("|") if c in commands]
    if not cmds:
        continue
    allowed = dict(global_opts)
    for c in cmds:
        allowed.update(cmd_opts[c])
    for flag in FLAG.findall(m.group(2)):
        check(flag in allowed, f"lineup.1: `{line}` uses {flag}, not an option of {'/'.join(cmds)}")
    for flag, vals in re.findall(r"(--?[\w-]+)\]? \[?([a-z]+(?:\|[a-z]+)+)", m.group(2)):
        want = allowed.get(flag)
        if want is not None:
            check(set(vals.split("|")) == want, f"lineup.1: {flag} values {vals}, binary: {sorted(want)}")

print(f"{checks} passed, {failures} failed" if failures else f"{checks} checks")
sys.exit(1 if failures else 0)
PY
rc=$?
[ $rc -eq 0 ] && pass || fail "docs/cli.md or lineup.1 disagree with the binary"
finish
