#!/usr/bin/env python3
"""Where lineup's launch goes: exec -> the first service's exec, in phases.

  python3 bench/launch_trace.py LINEUP COMPOSE [RUNS] [FLOOR_SPEC]

Runs `LINEUP -f COMPOSE up` RUNS times (default 15), each stopped with
SIGTERM after 0.4 s, under `perf record` of a few kernel tracepoints (exec,
fork, clone3, the read of the config file, flock): they cost about a
microsecond each, where strace's stops would cost more than the phases. Prints
the median time of each phase, from lineup's exec:

  config read    the file's text is in (dynamic loading, static init, CLI)
  config done    up's first flock (parse, decode, validate, graph)
  guardian fork  the supervisor is forked (state dir, lock, cgroup)
  writer thread  the supervisor's first clone3: its terminal writer thread
  service exec   the first service's exec

With FLOOR_SPEC (a spec.txt that bench/dag_floor.py wrote under
/tmp/lineup-bench/runs/floor-dag-100-*/), the bare-spawn floor's exec ->
first service exec is measured the same way. The dag-100 files come from
`python3 bench/dag_floor.py run --peers floor,lineup --workloads dag-100`
(each run directory keeps the compose.yaml it was handed). Needs root (perf).
"""
import os
import re
import statistics
import subprocess
import sys
import tempfile

EVENTS = ["sched:sched_process_exec", "sched:sched_process_fork", "syscalls:sys_exit_read",
          "syscalls:sys_enter_flock", "syscalls:sys_enter_clone3"]
LINE = re.compile(r"\s*(\S+)\s+(\d+)\s+([\d.]+):\s+(\S+):\s*(.*)")


def record(argvs, runs, out):
    """Runs each argv `runs` times under perf; returns perf script's lines."""
    script = tempfile.NamedTemporaryFile("w", suffix=".sh", delete=False)
    for _ in range(runs):
        for argv in argvs:
            quoted = " ".join("'" + a + "'" for a in argv)
            script.write(f"{quoted} >/dev/null 2>&1 & p=$!; sleep 0.4; kill -TERM $p; wait $p\n")
    script.write("exit 0\n")  # (the last wait reports SIGTERM)
    script.close()
    subprocess.run(["perf", "record", "-q", "-o", out, "-a"] + sum((["-e", e] for e in EVENTS), []) +
                   ["--", "bash", script.name], check=True, stderr=subprocess.DEVNULL)
    os.unlink(script.name)
    text = subprocess.run(["perf", "script", "-i", out, "-F", "comm,pid,time,event,trace"],
                          capture_output=True, text=True).stdout
    return text.splitlines()


def lineup_phases(lines, binary, config_size):
    comm = os.path.basename(binary)[:15]
    runs, cur = [], None
    for line in lines:
        m = LINE.match(line)
        if not m:
            continue
        who, pid, t, ev, trace = m.groups()
        t = float(t) * 1000
        if ev == "sched:sched_process_exec" and trace.startswith(f"filename={binary} "):
            cur = {"exec": t, "guardian": pid}
            runs.append(cur)
        elif cur is None:
            continue
        elif ev == "sched:sched_process_fork" and pid == cur["guardian"] and "fork" not in cur:
            cur["fork"] = t
            cur["supervisor"] = re.search(r"child_pid=(\d+)", trace).group(1)
        elif who == comm and ev == "syscalls:sys_exit_read" and trace.split()[0] == hex(config_size):
            cur.setdefault("read", t)
        elif who == comm and ev == "syscalls:sys_enter_flock":
            cur.setdefault("flock", t)
        elif ev == "syscalls:sys_enter_clone3" and pid == cur.get("supervisor"):
            cur.setdefault("clone3", t)
        elif ev == "sched:sched_process_exec" and "fork" in cur and "service" not in cur:
            cur["service"] = t
    keys = [("read", "config read"), ("flock", "config done"), ("fork", "guardian fork"),
            ("clone3", "writer thread"), ("service", "service exec")]
    whole = [r for r in runs if all(k in r for k, _ in keys)]
    print(f"lineup, {len(whole)} runs: median ms from exec (each phase's own share)")
    last = 0.0
    for k, name in keys:
        at = statistics.median(r[k] - r["exec"] for r in whole)
        print(f"  {name:14s} {at:6.2f}  (+{at - last:.2f})")
        last = at
    return last


def floor_start(lines):
    starts, t0 = [], None
    for line in lines:
        m = LINE.match(line)
        if not m or m.group(4) != "sched:sched_process_exec":
            continue
        t = float(m.group(3)) * 1000
        if "dag_floor" in m.group(5):
            t0 = t
        elif t0 is not None:
            starts.append(t - t0)
            t0 = None
    return statistics.median(starts), len(starts)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    binary, compose = os.path.realpath(sys.argv[1]), os.path.realpath(sys.argv[2])
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 15
    floor_spec = sys.argv[4] if len(sys.argv) > 4 else None
    work = tempfile.mkdtemp(prefix="lineup-launch-")
    os.chdir(work)
    out = os.path.join(work, "perf.data")
    last = lineup_phases(record([[binary, "-f", compose, "up"]], runs, out), binary,
                         os.path.getsize(compose))
    if floor_spec:
        floor = "/tmp/lineup-bench/bin/dag_floor"
        median, n = floor_start(record([[floor, os.path.realpath(floor_spec)]], runs, out))
        print(f"floor (bench/dag_floor.c), {n} runs: exec -> first service exec {median:.2f} ms")
        print(f"lineup - floor: {last - median:.2f} ms")
    subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    main()
