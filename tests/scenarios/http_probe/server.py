# A tiny service: /health/ready answers 503 until `ready` exists, then 200 with JSON.
import json, os, sys
from http.server import BaseHTTPRequestHandler, HTTPServer

class H(BaseHTTPRequestHandler):
    def do_GET(self):
        ready = os.path.exists("ready")
        code = 200 if ready else 503
        body = json.dumps({"status": "healthy" if ready else "starting"}).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass

HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
