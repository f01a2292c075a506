#!/usr/bin/env python3
"""Issue 4 benchmark: 1,000 services, each with a TCP liveness probe every 1 s.

Measures from outside lineup:
  - lineup's CPU (guardian + supervisor, utime+stime from /proc) over a
    window of WINDOW seconds, as % of one core;
  - lateness: one listener process accepts on all 1,000 ports and stamps
    each connection with CLOCK_MONOTONIC; for every port, each gap between
    consecutive probes minus the 1 s interval is how late that probe ran
    (the next run is scheduled 1 s after the previous result, so the gap
    also holds the check itself, a fraction of a millisecond on loopback).

Usage: bench/probes_1000.py BUILD_DIR [SERVICES] [WINDOW_S]
"""
import asyncio, json, os, socket, statistics, subprocess, sys, tempfile, threading, time

build, n, window = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1000, float(sys.argv[3]) if len(sys.argv) > 3 else 30
lineup = os.path.realpath(os.path.join(build, "lineup"))
work = tempfile.mkdtemp(prefix="lineup-probes-bench.")
stamps = {}

def free_ports(k):
    socks, ports = [], []
    for _ in range(k):
        s = socket.socket(); s.bind(("127.0.0.1", 0)); socks.append(s); ports.append(s.getsockname()[1])
    for s in socks: s.close()
    return ports

ports = free_ports(n)

async def serve():
    async def on_conn(port, reader, writer):
        stamps[port].append(time.monotonic())
        writer.close()
    for p in ports:
        stamps[p] = []
        await asyncio.start_server(lambda r, w, p=p: on_conn(p, r, w), "127.0.0.1", p, backlog=64)
    ready.set()
    await asyncio.Event().wait()

ready = threading.Event()
threading.Thread(target=lambda: asyncio.run(serve()), daemon=True).start()
ready.wait()

with open(os.path.join(work, "lineup.yaml"), "w") as f:
    f.write("services:\n")
    for i, p in enumerate(ports):
        f.write(f"  s{i:04d}:\n    command: [\"/bin/sleep\", \"1000\"]\n    restart: \"no\"\n"
                f"    live:\n      - tcp: 127.0.0.1:{p}\n        interval: 1s\n")

def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])

subprocess.run([lineup, "-q", "-f", os.path.join(work, "lineup.yaml"), "up", "-d"], check=True)
try:
    with open(os.path.join(work, ".lineup", "lineup.pid")) as f:
        pids = [int(x) for x in f.read().split()]
    time.sleep(5)  # every live probe has started its 1 s rhythm
    t0, c0 = time.monotonic(), sum(cpu_ticks(p) for p in pids)
    time.sleep(window)
    t1, c1 = time.monotonic(), sum(cpu_ticks(p) for p in pids)
finally:
    subprocess.run([lineup, "-q", "-f", os.path.join(work, "lineup.yaml"), "down"], check=False)

hz = os.sysconf("SC_CLK_TCK")
cpu_pct = (c1 - c0) / hz / (t1 - t0) * 100
late = []
for p, ts in stamps.items():
    ts = [t for t in ts if t0 <= t <= t1]
    late += [(b - a - 1.0) * 1000 for a, b in zip(ts, ts[1:])]
late.sort()
probes_run = len(late) + n
print(json.dumps({"services": n, "window_s": round(t1 - t0, 1), "probes_in_window": probes_run,
                  "lineup_cpu_pct_of_one_core": round(cpu_pct, 2),
                  "late_ms_median": round(statistics.median(late), 2),
                  "late_ms_p99": round(late[int(0.99 * (len(late) - 1))], 2),
                  "late_ms_max": round(late[-1], 2)}))
