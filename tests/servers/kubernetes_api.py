"""A stand-in for the Kubernetes API server, for `lineup wait
kubernetes-job://`: HTTPS with a given certificate, a bearer token, and GET
of /apis/GROUP/VERSION/namespaces/NS/RESOURCE/NAME answered from
DIR/NS/RESOURCE/NAME.json (re-read on every request, so a test moves an
object from one state to the next by replacing its file).

    python3 kubernetes_api.py CERT KEY TOKEN DIR

It prints its port on the first line of its output once it accepts connections.
"""
import http.server
import json
import os
import re
import ssl
import sys

cert, key, token, root = sys.argv[1:5]
PATH = re.compile(r"^/apis/(batch|apps)/v1/namespaces/([a-z0-9.-]+)/(jobs|deployments|statefulsets)/([a-z0-9.-]+)$")


class Handler(http.server.BaseHTTPRequestHandler):
    def answer(self, code, body):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def status(self, code, reason, message):
        self.answer(code, {"kind": "Status", "apiVersion": "v1", "status": "Failure",
                           "message": message, "reason": reason, "code": code})

    def do_GET(self):
        if self.headers.get("Authorization") != "Bearer " + token:
            return self.status(401, "Unauthorized", "Unauthorized")
        m = PATH.match(self.path)
        if not m:
            return self.status(404, "NotFound", "the server could not find the requested resource")
        _, ns, resource, name = m.groups()
        path = os.path.join(root, ns, resource, name + ".json")
        if not os.path.exists(path):
            return self.status(404, "NotFound", f'{resource} "{name}" not found')
        with open(path) as f:
            self.answer(200, json.load(f))

    def log_message(self, *args):
        pass


server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(cert, key)
server.socket = context.wrap_socket(server.socket, server_side=True)
print(server.server_address[1], flush=True)
server.serve_forever()
