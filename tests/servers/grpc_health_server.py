# A real gRPC server (Debian's python3-grpcio) serving grpc.health.v1.Health
# for the grpc probe's tests. Run with /usr/bin/python3.
#
#   grpc_health_server.py PORT BARE_PORT [TLS_PORT CERT KEY]
#
# PORT serves the health service: the overall health ("") is SERVING;
# service "db" is NOT_SERVING until the file `db.ready` exists in the
# working directory, then SERVING; "unknown-state" answers UNKNOWN; any
# other service is NOT_FOUND, as grpc's own health servicer does. BARE_PORT
# is a gRPC server without the health service (UNIMPLEMENTED). TLS_PORT, if
# given, serves the health service over TLS. The two messages are encoded by
# hand (the grpc-health-checking package is not in Debian). It prints
# "listening" once every port accepts connections.
import os
import sys
from concurrent import futures

import grpc


def service_name(request):
    # HealthCheckRequest: field 1 (string service), or empty.
    if not request:
        return ""
    assert request[0] == 0x0A, request
    length, at = 0, 1
    shift = 0
    while True:
        b = request[at]
        at += 1
        length |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            break
    return request[at:at + length].decode()


def check(request, context):
    name = service_name(request)
    if name == "":
        return b"\x08\x01"
    if name == "db":
        return b"\x08\x01" if os.path.exists("db.ready") else b"\x08\x02"
    if name == "unknown-state":
        return b""
    context.abort(grpc.StatusCode.NOT_FOUND, "unknown service")


def server(port, with_health, credentials=None):
    s = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    if with_health:
        handler = grpc.unary_unary_rpc_method_handler(
            check, request_deserializer=lambda b: b, response_serializer=lambda b: b)
        s.add_generic_rpc_handlers((grpc.method_handlers_generic_handler("grpc.health.v1.Health",
                                                                         {"Check": handler}),))
    address = f"127.0.0.1:{port}"
    if credentials:
        s.add_secure_port(address, credentials)
    else:
        s.add_insecure_port(address)
    s.start()
    return s


servers = [server(int(sys.argv[1]), True), server(int(sys.argv[2]), False)]
if len(sys.argv) > 5:
    with open(sys.argv[4], "rb") as cert, open(sys.argv[5], "rb") as key:
        creds = grpc.ssl_server_credentials([(key.read(), cert.read())])
    servers.append(server(int(sys.argv[3]), True, creds))
print("listening", flush=True)
servers[0].wait_for_termination()
