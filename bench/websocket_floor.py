"""What one open websocket costs the server before any app code: the floor under backend_kb_per_client.

`backend_kb_per_bare_websocket`: the RSS growth of the server the app runs on, started as
`reflex run --env prod` starts the backend (gunicorn with one uvicorn worker, buuv_app/server.py),
serving an ASGI app that only accepts websockets and echoes, divided by the websockets held open
(200, like the members of bench/messages.py; each sends one 2 KB message and gets it back).
`backend_kb_per_bare_websocket_granian`: the same with Granian (Reflex's default server, one
worker, its ASGI interface), kept to show why the app does not use it: Granian 2.8's websockets are
tungstenite's, whose read buffer (128 KiB by default, not configurable through Granian) is
allocated for every connection, about 150 KB per member whatever the app keeps per tab.

`python -m bench.websocket_floor [--connections 200]` runs this alone.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import httpx
import simple_websocket

from bench import pinning
from bench.messages import _backend_rss
from tests.appserver import free_port

CONNECTIONS = 200
MESSAGE = "x" * 2000
# Each server as Reflex starts it (reflex.utils.exec.run_*_backend_prod), serving `echo` below.
GRANIAN = """
import sys
from granian.constants import Interfaces
from granian.server import Server
Server(target="bench.websocket_floor:echo", address="127.0.0.1", port=int(sys.argv[1]),
       interface=Interfaces.ASGI, workers=1).serve()
"""
GUNICORN = """
import sys
from gunicorn.app.wsgiapp import run
from buuv_app.server import WORKER_CLASS
sys.argv = ["gunicorn", "--preload", "--worker-class", WORKER_CLASS, "--workers", "1",
            "--bind", f"127.0.0.1:{sys.argv[1]}", "bench.websocket_floor:echo"]
run()
"""
SERVERS = {"": GUNICORN, "_granian": GRANIAN}


async def echo(scope, receive, send):
    """The smallest ASGI app with websockets: accept, echo, answer HTTP with "ok"."""
    if scope["type"] == "websocket":
        await receive()  # websocket.connect
        await send({"type": "websocket.accept"})
        while (message := await receive())["type"] != "websocket.disconnect":
            await send({"type": "websocket.send", "text": message.get("text") or ""})
    elif scope["type"] == "http":
        await receive()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})
    elif scope["type"] == "lifespan":
        while (message := await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})


def _wait_until_up(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the bare server stopped while starting")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the bare server did not answer within 60 s")


def run(connections: int = CONNECTIONS) -> dict[str, dict]:
    figures: dict[str, dict] = {}
    for suffix, server in SERVERS.items():
        figures[f"backend_kb_per_bare_websocket{suffix}"] = {"value": _per_websocket(server, connections),
                                                            "unit": "KB"}
    return figures


def _per_websocket(server: str, connections: int) -> float:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen([sys.executable, "-c", server, str(port)], cwd=os.getcwd(),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    sockets: list[simple_websocket.Client] = []
    try:
        _wait_until_up(url, process)
        pinning.arrange()
        before = _backend_rss([url])
        for _ in range(connections):
            socket = simple_websocket.Client.connect(f"ws://127.0.0.1:{port}/")
            socket.send(MESSAGE)
            socket.receive(timeout=30)
            sockets.append(socket)
        after = _backend_rss([url])
    finally:
        for socket in sockets:
            try:
                socket.close()
            except Exception:  # noqa: BLE001 (the server may be gone already)
                pass
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    return round((after - before) / 1024 / connections, 1)


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description="the server's memory per open websocket, without the app")
    parser.add_argument("--connections", type=int, default=CONNECTIONS)
    args = parser.parse_args()
    for name, figure in run(args.connections).items():
        print(f"{name}: {figure['value']} {figure['unit']}")


if __name__ == "__main__":
    main()
