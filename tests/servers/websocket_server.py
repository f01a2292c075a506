# A real WebSocket server (Debian's python3-websockets) for the websocket
# probe's tests. Run with /usr/bin/python3 (the package is Debian's).
#
#   websocket_server.py PORT [TLS_PORT CERT KEY]
#
# Paths:
#   /ws/test   answers "pong" to "ping" once the file `ready` exists in the
#              working directory, "starting" before that
#   /echo      echoes every message
#   /greet     sends "hello" as soon as the session opens
#   /silent    accepts the upgrade, then never sends anything
#   /close     closes at once with code 1011, reason "overloaded"
#   /big       answers any message with 2 MiB of "x"
#   /auth      upgrades only with the header X-Token: secret-token (401 otherwise)
#   others     HTTP 404
# It prints "listening" once its sockets accept connections.
import asyncio
import http
import os
import ssl
import sys

import websockets

PATHS = {"/ws/test", "/echo", "/greet", "/silent", "/close", "/big", "/auth"}


async def process_request(path, headers):
    if path not in PATHS:
        return http.HTTPStatus.NOT_FOUND, [], b"no such endpoint\n"
    if path == "/auth" and headers.get("X-Token") != "secret-token":
        return http.HTTPStatus.UNAUTHORIZED, [], b"token required\n"
    return None


async def handler(ws, path):
    if path == "/greet":
        await ws.send("hello")
    if path == "/close":
        await ws.close(1011, "overloaded")
        return
    if path == "/silent":
        await asyncio.sleep(3600)
        return
    async for message in ws:
        if path == "/ws/test":
            await ws.send("pong" if message == "ping" and os.path.exists("ready") else "starting")
        elif path == "/big":
            await ws.send("x" * (2 << 20))
        else:
            await ws.send(message)


async def main():
    port = int(sys.argv[1])
    servers = [await websockets.serve(handler, "127.0.0.1", port, process_request=process_request,
                                      max_size=None)]
    if len(sys.argv) > 4:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(sys.argv[3], sys.argv[4])
        servers.append(await websockets.serve(handler, "127.0.0.1", int(sys.argv[2]), ssl=context,
                                              process_request=process_request, max_size=None))
    print("listening", flush=True)
    await asyncio.Future()


asyncio.run(main())
