# An HTTP server that records the webhooks it receives, for the on_state
# hooks' tests (standard library only).
#
#   webhook_recorder.py PORT OUT
#
# Every POST is appended to OUT as one JSON line: {"path", "headers", "body"}
# (body parsed as JSON when it is), whatever the answer. Paths:
#   /fail-once   500 to the first request, 200 after
#   /always-500  500, always (and any path below it)
#   /hang        never answers (the connection stays open)
#   others       200
# It prints "listening" once it accepts connections.
import http.server
import json
import sys
import threading
import time

PORT, OUT = int(sys.argv[1]), sys.argv[2]
lock = threading.Lock()
seen = {}


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        raw = self.rfile.read(length).decode("utf-8", "replace")
        try:
            body = json.loads(raw)
        except ValueError:
            body = raw
        with lock:
            with open(OUT, "a") as f:
                f.write(json.dumps({"path": self.path, "headers": dict(self.headers), "body": body}) + "\n")
            seen[self.path] = seen.get(self.path, 0) + 1
            count = seen[self.path]
        if self.path == "/hang":
            time.sleep(3600)
            return
        status = 500 if self.path.startswith("/always-500") or (self.path == "/fail-once" and count == 1) else 200
        self.send_response(status)
        self.send_header("Content-Length", "3")
        self.end_headers()
        self.wfile.write(b"ok\n")

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Handler)
server.daemon_threads = True
print("listening", flush=True)
server.serve_forever()
