# A tiny service for the scenarios: GET /health/ready answers 200 with
# {"status": "healthy"} once a file `ready` exists in its directory; before
# that, and for any other path, 503. Usage: health_server.py PORT [CERT KEY]
# (with CERT and KEY it speaks HTTPS).
import json, os, ssl, sys
from http.server import BaseHTTPRequestHandler, HTTPServer

class H(BaseHTTPRequestHandler):
    def do_GET(self):
        ready = os.path.exists("ready") and self.path == "/health/ready"
        code = 200 if ready else 503
        body = json.dumps({"status": "healthy" if ready else "starting"}).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass

server = HTTPServer(("127.0.0.1", int(sys.argv[1])), H)
if len(sys.argv) == 4:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(sys.argv[2], sys.argv[3])
    server.socket = context.wrap_socket(server.socket, server_side=True)
server.serve_forever()
