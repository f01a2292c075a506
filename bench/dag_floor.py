#!/usr/bin/env python3
"""Adds a `floor` peer to ../shared/bench for the dag workloads, then runs it.

The shared harness has a bare posix_spawn floor (`raw`) for spawn-1000 but
none for dag-100, and none with a cgroup per service (`rawcg`, below,
bench/raw_cgroup.c). `floor` is bench/dag_floor.c: a minimal scheduler that
spawns each service as soon as its dependencies wrote their readiness
newline. Measured by the harness's own run_one(), its overhead is what
exec, dynamic loading and the readiness pipe cost on this machine for the
same DAG, with no manager work at all.

Usage (from the repository root):
  LINEUP_BIN=$PWD/build/lineup python3 bench/dag_floor.py run \\
      --peers floor,lineup --workloads dag-100 --reps 5
Any `bench.py` subcommand and option works; SHARED_BENCH points at the
harness (default ../shared/bench).
"""
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = Path(os.environ.get("SHARED_BENCH", HERE.parent.parent / "shared" / "bench")).resolve()
sys.path.insert(0, str(SHARED))

import bench  # noqa: E402
from peers import PEERS, Peer  # noqa: E402


def compiled(name):
    """bench/NAME.c built into the harness's bin directory when it is newer."""
    binary, src = bench.BIN / name, HERE / f"{name}.c"
    if not binary.exists() or binary.stat().st_mtime < src.stat().st_mtime:
        bench.BIN.mkdir(parents=True, exist_ok=True)
        subprocess.run(["cc", "-O2", "-o", str(binary), str(src)], check=True)
    return binary


class Floor(Peer):
    name = "floor"
    supports_deps = True
    supports_readiness = True
    ready_arg = "fd:3"
    kinds = ("dag",)

    def check(self):
        self.bin = compiled("dag_floor")
        return None

    def prepare(self, rd, w, ctx):
        index = {s["name"]: i for i, s in enumerate(w["services"])}
        lines = []
        for s in w["services"]:
            lines.append(" ".join(str(index[d]) for d in s["depends_on"]))
            lines.append(" ".join(self.argv(s, ctx)))
        (rd / "spec.txt").write_text("\n".join(lines) + "\n")

    def launch(self, rd):
        return self._popen([str(self.bin), str(rd / "spec.txt")], rd)


PEERS["floor"] = Floor()


class RawCgroup(Peer):
    """`raw` with a cgroup per service (bench/raw_cgroup.c): the floor for a
    manager that puts each process in a cgroup of its own, as lineup does."""
    name = "rawcg"
    kinds = ("spawn", "idle")

    def check(self):
        self.bin = compiled("raw_cgroup")
        return None

    def prepare(self, rd, w, ctx):
        self.n = len(w["services"])

    def launch(self, rd):
        return self._popen([str(self.bin), "hold", str(self.n)], rd)


PEERS["rawcg"] = RawCgroup()

if __name__ == "__main__":
    sys.argv[0] = str(SHARED / "bench.py")
    bench.main()
