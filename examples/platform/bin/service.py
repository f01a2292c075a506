#!/usr/bin/env python3
"""A stand-in for one service of the platform (python3 stdlib only).

    service.py NAME --port N [--delay S] [--needs URL ...] [--require-env VAR ...]

Like a real application server it listens at once but is not ready at once:
it first "initialises" for --delay seconds (connection pools, caches, config),
then waits until every dependency in --needs answers (http://... must answer
2xx, tcp://host:port must accept a connection). That is the gap between
"process started" and "application ready" that the seeds complain about, and
why the lineup.yaml probes /health/ready instead of the port.

    GET /health        200 {"status": "healthy", ...}      as soon as it listens
    GET /health/live   200 {"status": "alive"}             the process works
    GET /health/ready  200 {"status": "ready", ...}        initialised and every
                       503 {"status": "starting", ...}     dependency reachable now
    POST /api/auth/validate {"token": T}
                       200 {"valid": true}                 initialised, T is $API_KEY
                       401 {"valid": false}                another token (503 before)
    GET /ws/test       a WebSocket (RFC 6455, by hand: stdlib only); answers
                       "pong" to "ping" once initialised, "starting" before
"""
import argparse
import base64
import hashlib
import json
import os
import signal
import socket
import sys
import threading
import time
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def reachable(url, timeout=0.5):
    u = urllib.parse.urlparse(url)
    try:
        if u.scheme == "tcp":
            socket.create_connection((u.hostname, u.port), timeout=timeout).close()
        else:
            with urllib.request.urlopen(url, timeout=timeout) as r:
                return 200 <= r.status < 300
        return True
    except OSError:
        return False


def main():
    p = argparse.ArgumentParser()
    p.add_argument("name")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--delay", type=float, default=0.0)
    p.add_argument("--needs", nargs="*", default=[])
    p.add_argument("--require-env", nargs="*", default=[])
    args = p.parse_args()

    missing = [v for v in args.require_env if not os.environ.get(v)]
    if missing:
        sys.exit(f"{args.name}: missing configuration: {', '.join(missing)}")

    started = time.monotonic()
    initialised = threading.Event()

    def initialise():
        time.sleep(args.delay)
        for url in args.needs:  # lineup started us after them, so this is quick
            while not reachable(url):
                time.sleep(0.1)
        initialised.set()
        print(f"{args.name}: initialised in {time.monotonic() - started:.2f}s", flush=True)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            path = self.path.split("?")[0]
            if path == "/health":
                self.reply(200, {"status": "healthy", "service": args.name,
                                 "uptime_s": round(time.monotonic() - started, 2)})
            elif path == "/health/live":
                self.reply(200, {"status": "alive", "service": args.name})
            elif path == "/health/ready":
                deps = {u: ("ok" if reachable(u) else "unreachable") for u in args.needs}
                ok = initialised.is_set() and all(v == "ok" for v in deps.values())
                status = "ready" if ok else ("starting" if not initialised.is_set() else "degraded")
                self.reply(200 if ok else 503, {"status": status, "service": args.name,
                                                "dependencies": deps})
            elif path == "/ws/test" and self.headers.get("Upgrade", "").lower() == "websocket":
                self.websocket()
            elif path == "/":
                self.reply(200, {"service": args.name, "endpoints": ["/health", "/health/live", "/health/ready"]})
            else:
                self.reply(404, {"error": "not found"})

        def do_POST(self):
            if self.path.split("?")[0] != "/api/auth/validate":
                self.reply(404, {"error": "not found"})
                return
            length = int(self.headers.get("Content-Length") or 0)
            try:
                token = json.loads(self.rfile.read(length) or b"{}").get("token")
            except (ValueError, AttributeError):
                token = None
            if not initialised.is_set():
                self.reply(503, {"valid": False, "status": "starting"})
            elif token and token == os.environ.get("API_KEY"):
                self.reply(200, {"valid": True})
            else:
                self.reply(401, {"valid": False})

        def websocket(self):
            key = self.headers.get("Sec-WebSocket-Key", "")
            accept = base64.b64encode(hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest())
            # HTTP/1.1 as the upgrade requires (the handler's own responses are 1.0).
            self.wfile.write(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                             b"Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept + b"\r\n\r\n")
            self.wfile.flush()
            self.close_connection = True
            while True:  # one frame at a time; client frames are masked
                head = self.rfile.read(2)
                if len(head) < 2:
                    return
                opcode, length = head[0] & 0x0F, head[1] & 0x7F
                if length == 126:
                    length = int.from_bytes(self.rfile.read(2), "big")
                elif length == 127:
                    length = int.from_bytes(self.rfile.read(8), "big")
                mask = self.rfile.read(4) if head[1] & 0x80 else b"\0\0\0\0"
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(self.rfile.read(length)))
                if opcode == 8:  # close: answer it, then end
                    self.wfile.write(bytes([0x88, len(payload[:2])]) + payload[:2])
                    return
                if opcode == 1:
                    answer = b"pong" if payload == b"ping" and initialised.is_set() else b"starting"
                    self.wfile.write(bytes([0x81, len(answer)]) + answer)
                    self.wfile.flush()

        def reply(self, code, body):
            data = json.dumps(body).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *_):  # probes poll every 100 ms: keep the log readable
            pass

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    # SIGTERM (lineup's stop signal): finish cleanly, exit 0.
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    print(f"{args.name}: listening on 127.0.0.1:{args.port}", flush=True)
    threading.Thread(target=initialise, daemon=True).start()
    server.serve_forever()
    print(f"{args.name}: stopped", flush=True)


if __name__ == "__main__":
    main()
