#!/usr/bin/env python3
"""CPU per check of each network probe kind, against a bare TCP connect in the same batch.

For each kind, one lineup stack of SERVICES services (sleep), each with one
`live:` probe of that kind every 250 ms against a real local server, runs
for WINDOW seconds. lineup's CPU over the window (guardian + supervisor,
every thread, from /proc/PID/task/*/schedstat: nanoseconds) is divided by
the number of checks it ran (from its own /metrics, the probe duration
histogram's _count, read at both ends of the window). The floor, measured
in the same batch: the kernel CPU of a bare blocking connect() + close()
(this thread's stime over 5,000 connects to the tcp server).

Servers: tcp and http (python3 http.server, threaded), websocket
(tests/servers/websocket_server.py, /echo with a message and a reply),
grpc (tests/servers/grpc_health_server.py), mysql (a throwaway mariadbd),
redis (redis-server). Their own CPU is not counted.

Usage: /usr/bin/python3 bench/probe_kinds.py BUILD_DIR [SERVICES] [WINDOW_S] [KIND...]
Prints one JSON line per kind, then the floor.
"""
import atexit, glob, json, os, resource, shutil, socket, subprocess, sys, tempfile, time

build = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 50
window = float(sys.argv[3]) if len(sys.argv) > 3 else 20
kinds = sys.argv[4:] or ["tcp", "http", "websocket", "grpc", "mysql", "redis"]
lineup = os.path.realpath(os.path.join(build, "lineup"))
src = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
work = tempfile.mkdtemp(prefix="lineup-probe-kinds.")
atexit.register(shutil.rmtree, work, True)
children = []
atexit.register(lambda: [c.kill() for c in children])


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def serve(argv, ready_text, cwd=work):
    p = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    children.append(p)
    for line in p.stdout:
        if ready_text in line:
            return p
    raise SystemExit(f"server did not start: {argv}")


def start_server(kind):
    port = free_port()
    py = "/usr/bin/python3"
    if kind == "tcp":
        serve([py, "-c", "import socket,sys\ns=socket.socket();s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)\n"
               "s.bind(('127.0.0.1',int(sys.argv[1])));s.listen(512);print('listening',flush=True)\n"
               "while True:\n c,_=s.accept();c.close()", str(port)], b"listening")
        return f"tcp: 127.0.0.1:{port}", port
    if kind == "http":
        serve([py, "-u", "-c", "import http.server,sys\nclass H(http.server.BaseHTTPRequestHandler):\n"
               " def do_GET(s):\n  s.send_response(200);s.send_header('Content-Length','2');s.end_headers();s.wfile.write(b'ok')\n"
               " def log_message(s,*a): pass\n"
               "srv=http.server.ThreadingHTTPServer(('127.0.0.1',int(sys.argv[1])),H);print('listening',flush=True);srv.serve_forever()",
               str(port)], b"listening")
        return f"http: http://127.0.0.1:{port}/", port
    if kind == "websocket":
        serve([py, os.path.join(src, "tests/servers/websocket_server.py"), str(port)], b"listening")
        return f"websocket: {{url: \"ws://127.0.0.1:{port}/echo\", send: ping, expect: ping}}", port
    if kind == "grpc":
        serve([py, os.path.join(src, "tests/servers/grpc_health_server.py"), str(port), str(free_port())], b"listening")
        return f"grpc: 127.0.0.1:{port}", port
    if kind == "redis":
        serve(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
              b"Ready to accept")
        return f"redis: redis://127.0.0.1:{port}", port
    if kind == "mysql":
        data = os.path.join(work, "mysql-server")
        os.makedirs(data, exist_ok=True)
        root = ["--user=root"] if os.geteuid() == 0 else []
        subprocess.run(["mariadb-install-db", "--no-defaults", f"--datadir={data}/data", f"--tmpdir={data}",
                        "--skip-test-db", "--auth-root-authentication-method=normal"] + root,
                       check=True, capture_output=True)
        with open(f"{data}/init.sql", "w") as f:
            f.write("CREATE USER 'app'@'%' IDENTIFIED BY 'bench-pw';\n")
        serve(["/usr/sbin/mariadbd", "--no-defaults", f"--datadir={data}/data", f"--tmpdir={data}",
               f"--socket={data}/sock", f"--pid-file={data}/pid", f"--port={port}", "--bind-address=127.0.0.1",
               "--skip-name-resolve", f"--init-file={data}/init.sql", "--max-connections=1000", "--skip-log-bin"] + root,
              b"ready for connections")
        return f"mysql: mysql://app:bench-pw@127.0.0.1:{port}/", port
    raise SystemExit(f"unknown kind {kind}")


def cpu_ns(pids):
    total = 0
    for pid in pids:
        for stat in glob.glob(f"/proc/{pid}/task/*/schedstat"):
            with open(stat) as f:
                total += int(f.read().split()[0])
    return total


def checks(sock, kind):
    out = subprocess.run(["curl", "-s", "--unix-socket", sock, "http://lineup/metrics"],
                         capture_output=True, text=True).stdout
    return sum(float(line.rsplit(" ", 1)[1]) for line in out.splitlines()
               if line.startswith("lineup_probe_duration_seconds_count{") and f'kind="{kind}"' in line)


tcp_port = None
for kind in kinds:
    probe, port = start_server(kind)
    if kind == "tcp":
        tcp_port = port
    d = os.path.join(work, kind)
    os.makedirs(d)
    with open(os.path.join(d, "lineup.yaml"), "w") as f:
        f.write("services:\n")
        for i in range(n):
            f.write(f"  s{i:03d}:\n    command: [/bin/sleep, \"1000\"]\n    restart: \"no\"\n"
                    f"    live:\n      - {probe}\n        interval: 250ms\n        timeout: 5s\n")
    subprocess.run([lineup, "-q", "-f", os.path.join(d, "lineup.yaml"), "up", "-d"], check=True)
    try:
        with open(os.path.join(d, ".lineup", "lineup.pid")) as f:
            pids = [int(x) for x in f.read().split()]
        sock = os.path.join(d, ".lineup", "lineup.sock")
        time.sleep(3)
        k0, c0, t0 = checks(sock, kind), cpu_ns(pids), time.monotonic()
        time.sleep(window)
        k1, c1, t1 = checks(sock, kind), cpu_ns(pids), time.monotonic()
    finally:
        subprocess.run([lineup, "-q", "-f", os.path.join(d, "lineup.yaml"), "down"], check=False)
    done = k1 - k0
    print(json.dumps({"kind": kind, "services": n, "window_s": round(t1 - t0, 1), "checks": int(done),
                      "lineup_cpu_us_per_check": round((c1 - c0) / 1000 / max(done, 1), 1)}), flush=True)

if tcp_port is None:
    tcp_port = start_server("tcp")[1]
stime = lambda: resource.getrusage(resource.RUSAGE_THREAD).ru_stime
st0 = stime()
for _ in range(5000):
    s = socket.socket()
    s.connect(("127.0.0.1", tcp_port))
    s.close()
print(json.dumps({"floor": "bare connect()+close()", "kernel_cpu_us": round((stime() - st0) / 5000 * 1e6, 1)}))
