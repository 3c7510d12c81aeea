"""The soak's vendor: answers every route of the soak contracts and logs each request it got.

    python -m benchmarks.soak.vendor --log FILE [--port 0] [--max-seconds S]

Prints ``PORT <n>`` once listening on 127.0.0.1. One JSON line per request in ``FILE``:
``rid`` (its X-Request-Id, which the proxy passes on), ``path``, ``t_recv`` (body fully read,
epoch seconds), ``t_done`` (answer handed to the socket, or the reset), ``mode``, ``action``
(``answer``, ``reset`` or ``client_gone`` when the body never completed) and ``status``. That is
"what the vendor saw", joined with the caller's results and the audit file after the run.

Fault modes, set by ``POST /_soak/mode`` with ``{"mode": M, "fraction": F, ...}`` (a share
``F`` of requests is affected, the rest answered normally):

- ``normal``;
- ``reset``: read the request, then abort the connection with an RST, no answer;
- ``slow``: answer ``delay_s`` late;
- ``error``: answer ``status`` (default 503) with a JSON error body, as a vendor would.

Bounded: it exits by itself after ``--max-seconds`` even if the harness never stops it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import random
import socket
import struct
import time
from typing import IO, Any

import orjson
from aiohttp import web

from proxy.server.loop import run as run_loop

_ids = itertools.count(1)


class Vendor:
    """The vendor's state: the fault mode in force and the request log."""

    def __init__(self, log: IO[bytes], seed: int = 7) -> None:
        self.log = log
        self.mode: dict[str, Any] = {"mode": "normal"}
        self.counts: dict[str, int] = {}
        self._rng = random.Random(seed)

    def _affected(self) -> bool:
        return self.mode["mode"] != "normal" and \
            self._rng.random() < float(self.mode.get("fraction", 1.0))

    def _write(self, entry: dict[str, Any]) -> None:
        self.log.write(orjson.dumps(entry, option=orjson.OPT_APPEND_NEWLINE))
        key = f"{entry['action']}:{entry.get('status')}"
        self.counts[key] = self.counts.get(key, 0) + 1

    async def handle(self, request: web.Request) -> web.StreamResponse:
        rid = request.headers.get("X-Request-Id", "")
        mode = self.mode["mode"]
        entry: dict[str, Any] = {"rid": rid, "path": request.path, "mode": mode}
        try:
            body = await request.read()
        except (ConnectionError, asyncio.IncompleteReadError, web.HTTPException) as exc:
            entry.update(t_recv=time.time(), t_done=time.time(), action="client_gone",
                         status=None, error=type(exc).__name__)
            self._write(entry)
            raise
        entry["t_recv"] = time.time()
        entry["bytes"] = len(body)
        affected = self._affected()
        if affected and mode == "reset":
            _reset(request)
            entry.update(t_done=time.time(), action="reset", status=None)
            self._write(entry)
            return web.Response(status=500)  # never sent: the transport is gone
        if affected and mode == "slow":
            await asyncio.sleep(float(self.mode.get("delay_s", 1.0)))
        if affected and mode == "error":
            status = int(self.mode.get("status", 503))
            response = web.json_response(
                {"errors": [{"message": "the service is temporarily overloaded", "field": None}]},
                status=status, headers={"Retry-After": "1"})
        else:
            response = _answer(request.path, body)
        entry.update(t_done=time.time(), action="answer", status=response.status,
                     slow=affected and mode == "slow")
        self._write(entry)
        return response

    async def control(self, request: web.Request) -> web.Response:
        if request.method == "POST":
            wanted = orjson.loads(await request.read())
            if wanted.get("mode") not in ("normal", "reset", "slow", "error"):
                return web.json_response({"error": "unknown mode"}, status=400)
            self.mode = wanted
        return web.json_response({"mode": self.mode, "counts": self.counts})


def _reset(request: web.Request) -> None:
    """Abort the connection with an RST (SO_LINGER 0), as a crashing vendor's kernel would."""
    transport = request.transport
    if transport is None:
        return
    sock = transport.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()


def _answer(path: str, body: bytes) -> web.Response:
    if path.endswith("/mail/send"):
        message_id = f"msg_{next(_ids):010d}"
        return web.json_response({"message_id": message_id}, status=202,
                                 headers={"X-Message-Id": message_id})
    if path.endswith("/contacts/import"):
        return web.json_response({"records": body.count(b"\n")})
    return web.json_response({"id": f"resp_{next(_ids):010d}", "status": "accepted"})


def build_app(vendor: Vendor) -> web.Application:
    app = web.Application(client_max_size=16 * 1024 * 1024)
    app.router.add_route("*", "/_soak/mode", vendor.control)
    app.router.add_route("*", "/{tail:.*}", vendor.handle)
    return app


async def _serve(port: int, log: IO[bytes], max_seconds: float) -> None:
    runner = web.AppRunner(build_app(Vendor(log)), access_log=None, handle_signals=True)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    bound = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    print(f"PORT {bound}", flush=True)
    try:
        await asyncio.sleep(max_seconds)
    finally:
        await runner.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--log", required=True)
    parser.add_argument("--max-seconds", type=float, default=3600.0)
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt), open(args.log, "ab", buffering=0) as log:
        run_loop(_serve(args.port, log, args.max_seconds))


if __name__ == "__main__":
    main()
