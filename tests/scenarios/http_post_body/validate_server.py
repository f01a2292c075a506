# An endpoint that is only satisfied by the right request: POST, the probe's
# header, a JSON content type and the JSON body. It records every request
# it gets (method, path, header, content type, length, body) in requests.log.
import http.server
import json
import sys


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(length)
        with open("requests.log", "a") as log:
            log.write(f"{self.command} {self.path} X-Probe={self.headers.get('X-Probe')} "
                      f"CT={self.headers.get('Content-Type')} LEN={length} BODY={body.decode()}\n")
        try:
            payload = json.loads(body) if body else None
        except ValueError:
            payload = None
        ok = (self.command == "POST" and self.path == "/api/auth/validate"
              and self.headers.get("X-Probe") == "lineup"
              and self.headers.get("Content-Type") == "application/json"
              and payload == {"user": "probe", "attempts": 3, "strict": True})
        self.send_response(200 if ok else 400)
        self.end_headers()
        self.wfile.write(b"valid" if ok else b"bad request")

    do_GET = do_POST

    def log_message(self, *args):
        pass


http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
