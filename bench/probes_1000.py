#!/usr/bin/env python3
"""Issue 4 benchmark: 1,000 services, each with a TCP liveness probe every 1 s.

Measures from outside lineup:
  - lineup's CPU (every thread of guardian and supervisor, from
    /proc/PID/task/*/schedstat: nanoseconds, not ticks) over a window of
    WINDOW seconds, as % of one core;
  - lateness: one listener process (bench/listener.c) accepts on all 1,000
    ports and stamps each connection with CLOCK_MONOTONIC; for every port, each gap between
    consecutive probes minus the 1 s interval is how late that probe ran
    (the next run is scheduled 1 s after the previous result, so the gap
    also holds the check itself, a fraction of a millisecond on loopback).

Also, in the same run:
  - probe latency (start of the check to its result) from lineup's own
    /metrics histogram, lineup_probe_duration_seconds (bucket bounds);
  - a bare connect() baseline: bench/bare_connect.c connects and closes N
    times to the same listener, timing each connect() and counting the CPU
    it took (CLOCK_PROCESS_CPUTIME_ID), the floor under any TCP probe.

Usage: bench/probes_1000.py BUILD_DIR [SERVICES] [WINDOW_S] [tcp|http]
"""
import atexit, glob, json, os, resource, socket, statistics, subprocess, sys, tempfile, time

build, n, window = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1000, float(sys.argv[3]) if len(sys.argv) > 3 else 30
kind = sys.argv[4] if len(sys.argv) > 4 else "tcp"
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

# The listener is bench/listener.c, a process of its own: an asyncio
# listener in this process stamped connections late whenever its loop or
# the GIL was busy, which read as probes run late.
here = os.path.dirname(os.path.realpath(__file__))
listener_bin = os.path.join(work, "listener")
subprocess.run(["cc", "-O2", "-o", listener_bin, os.path.join(here, "listener.c")], check=True)
bare_bin = os.path.join(work, "bare_connect")
subprocess.run(["cc", "-O2", "-o", bare_bin, os.path.join(here, "bare_connect.c")], check=True)
stamps_file = os.path.join(work, "stamps.txt")
listener = subprocess.Popen([listener_bin, kind, stamps_file] + [str(p) for p in ports], stdout=subprocess.PIPE)
atexit.register(listener.kill)  # also when lineup fails to come up
assert listener.stdout.readline().strip() == b"ready"

with open(os.path.join(work, "lineup.yaml"), "w") as f:
    f.write("services:\n")
    for i, p in enumerate(ports):
        f.write(f"  s{i:04d}:\n    command: [\"/bin/sleep\", \"1000\"]\n    restart: \"no\"\n"
                f"    live:\n      - {kind}: {'http://' if kind == 'http' else ''}127.0.0.1:{p}"
                f"{'/' if kind == 'http' else ''}\n        interval: 1s\n")

def cpu_ns(pid):
    # schedstat's first field: the thread's time on a CPU in ns (utime and
    # stime are sampled at the tick, 10 ms, and moved by a fifth between runs).
    total = 0
    for stat in glob.glob(f"/proc/{pid}/task/*/schedstat"):
        with open(stat) as f:
            total += int(f.read().split()[0])
    return total

subprocess.run([lineup, "-q", "-f", os.path.join(work, "lineup.yaml"), "up", "-d"], check=True)
try:
    with open(os.path.join(work, ".lineup", "lineup.pid")) as f:
        pids = [int(x) for x in f.read().split()]
    time.sleep(5)  # every live probe has started its 1 s rhythm
    t0, c0 = time.monotonic(), sum(cpu_ns(p) for p in pids)
    time.sleep(window)
    t1, c1 = time.monotonic(), sum(cpu_ns(p) for p in pids)
    metrics = subprocess.run(["curl", "-s", "--unix-socket", os.path.join(work, ".lineup", "lineup.sock"),
                              "http://lineup/metrics"], capture_output=True, text=True).stdout
finally:
    subprocess.run([lineup, "-q", "-f", os.path.join(work, "lineup.yaml"), "down"], check=False)

cpu_pct = (c1 - c0) / 1e9 / (t1 - t0) * 100

# lineup's own view: the probe duration histogram, summed over services.
buckets = {}
for line in metrics.splitlines():
    if line.startswith("lineup_probe_duration_seconds_bucket{") and f'kind="{kind}"' in line:
        le = line.split('le="')[1].split('"')[0]
        buckets[le] = buckets.get(le, 0) + float(line.rsplit(" ", 1)[1])
total = buckets.get("+Inf", 0)
def quantile_bound(q):
    for le, c in sorted(((float(k), v) for k, v in buckets.items() if k != "+Inf")):
        if c >= q * total:
            return le * 1000
    return float("inf")

# The floor: bare blocking connect() + close() to the same listener.
def bare(count):
    # This thread's own kernel time.
    stime = lambda: resource.getrusage(resource.RUSAGE_THREAD).ru_stime
    lat, st0 = [], stime()
    for i in range(count):
        s = socket.socket()
        t = time.perf_counter()
        s.connect(("127.0.0.1", ports[i % n]))
        lat.append((time.perf_counter() - t) * 1000)
        s.close()
    return sorted(lat), (stime() - st0) / count * 1e6
bare_lat, bare_kernel_us = bare(5000)
floor = json.loads(subprocess.run([bare_bin, "5000", "0", "0"] + [str(p) for p in ports], check=True,
                                  capture_output=True, text=True).stdout)
# The same connects at the runner's rhythm: 1,000 a second in slots of 10 ms.
paced = json.loads(subprocess.run([bare_bin, "5000", str(max(1, n // 100)), "10"] + [str(p) for p in ports],
                                  check=True, capture_output=True, text=True).stdout)
listener.terminate()
listener.wait()
with open(stamps_file) as f:
    for line in f:
        port, *ts = line.split()
        stamps[int(port)] = [float(t) for t in ts]
late = []
for p, ts in stamps.items():
    ts = [t for t in ts if t0 <= t <= t1]
    late += [(b - a - 1.0) * 1000 for a, b in zip(ts, ts[1:])]
late.sort()
probes_run = len(late) + n
cpu_us_per_probe = (c1 - c0) / 1e3 / probes_run
print(json.dumps({"services": n, "window_s": round(t1 - t0, 1), "probes_in_window": probes_run,
                  "lineup_cpu_pct_of_one_core": round(cpu_pct, 2),
                  "late_ms_median": round(statistics.median(late), 2),
                  "late_ms_p99": round(late[int(0.99 * (len(late) - 1))], 2),
                  "late_ms_max": round(late[-1], 2),
                  "probe_kind": kind,
                  "lineup_cpu_us_per_probe": round(cpu_us_per_probe, 1),
                  "probe_duration_p50_ms_at_most": quantile_bound(0.5),
                  "probe_duration_p99_ms_at_most": quantile_bound(0.99),
                  "bare_connect_ms_p50": round(bare_lat[len(bare_lat) // 2], 3),
                  "bare_connect_ms_p99": round(bare_lat[int(0.99 * (len(bare_lat) - 1))], 3),
                  "bare_connect_kernel_cpu_us": round(bare_kernel_us, 1),
                  "bare_connect_c_cpu_us": floor["bare_connect_cpu_us"],
                  "lineup_per_probe_over_bare_c": round(cpu_us_per_probe / floor["bare_connect_cpu_us"], 2),
                  "paced_connect_c_cpu_us": paced["bare_connect_cpu_us"],
                  "lineup_per_probe_over_paced_c": round(cpu_us_per_probe / paced["bare_connect_cpu_us"], 2)}))
