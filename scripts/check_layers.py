#!/usr/bin/env python3
"""The include rule: src/ is layered, and a file includes only its own
layer and the layers below it.

    util -> config -> graph -> engine -> {runtime, probes, api, report} -> loop -> cli
                      graph -> project (loading) -> cli
                      graph -> export (other engines' files) -> cli

runtime/ (the OS edge) sits beside the engine's other consumers but needs
nothing above config/. A line that breaks the rule fails this check, and
so `make test`. KNOWN lists the crossings still to be removed, each with
its reason: the list only shrinks.
"""
import pathlib
import re
import sys

BASE = {"util"}
ALLOWED = {
    "util": BASE,
    "config": BASE | {"config"},
    "graph": BASE | {"config", "graph"},
    "project": BASE | {"config", "graph", "project"},
    "engine": BASE | {"config", "graph", "engine"},
    "runtime": BASE | {"config", "runtime"},
    "probes": BASE | {"config", "graph", "engine", "probes"},
    "api": BASE | {"config", "graph", "engine", "api"},
    "report": BASE | {"config", "graph", "engine", "report"},
    "export": BASE | {"config", "graph", "export"},
    "loop": BASE | {"config", "graph", "engine", "runtime", "probes", "api", "report", "loop"},
    "cli": BASE | {"config", "graph", "project", "export", "engine", "runtime", "probes", "api", "report", "loop", "cli"},
}
# Crossings still to be removed, each with its reason: the list only shrinks.
KNOWN: set = set()
INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/([^"]+)"', re.M)


def main(src: pathlib.Path) -> int:
    bad = []
    seen_known = set()
    for path in sorted(src.rglob("*")):
        if path.suffix not in (".cc", ".h") or path.parent == src:
            continue
        layer = path.relative_to(src).parts[0]
        if layer not in ALLOWED:
            bad.append(f"{path.relative_to(src)}: layer {layer}/ is not in the rule (scripts/check_layers.py)")
            continue
        for m in INCLUDE.finditer(path.read_text()):
            target, header = m.group(1), f"{m.group(1)}/{m.group(2)}"
            if target in ALLOWED[layer]:
                continue
            key = (str(path.relative_to(src)), header)
            if key in KNOWN:
                seen_known.add(key)
                continue
            bad.append(f"{key[0]}: includes {header}, but {layer}/ may include only "
                       f"{', '.join(sorted(ALLOWED[layer]))}")
    for key in sorted(KNOWN - seen_known):
        bad.append(f"{key[0]} no longer includes {key[1]}: remove it from KNOWN")
    for line in bad:
        print(line)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "src")))
