"""Helpers shipped with the code for tests, the demo and benchmarks: a recording vendor.

``RecordingVendor`` is a real aiohttp server on 127.0.0.1 that keeps exactly what it received
(method, path, raw query, headers, body bytes) and answers with a programmable response.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import orjson
from aiohttp import web


@dataclass(frozen=True)
class ReceivedRequest:
    """One request as the vendor saw it."""

    method: str
    path: str
    query_string: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return orjson.loads(self.body)


Responder = Callable[[web.Request, ReceivedRequest], Awaitable[web.StreamResponse]]


async def _default_responder(_: web.Request, received: ReceivedRequest) -> web.StreamResponse:
    return web.json_response({"id": "msg_0001", "status": "accepted",
                              "received_bytes": len(received.body)})


@dataclass
class RecordingVendor:
    """A vendor stand-in that records every request; ``responder`` decides the answer."""

    responder: Responder = _default_responder
    received: list[ReceivedRequest] = field(default_factory=list)
    on_request: Callable[[ReceivedRequest], None] | None = None
    _runner: web.AppRunner | None = None
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def app(self) -> web.Application:
        async def handle(request: web.Request) -> web.StreamResponse:
            body = await request.read()
            received = ReceivedRequest(
                method=request.method,
                path=request.rel_url.raw_path,
                query_string=request.rel_url.raw_query_string,
                headers={k.lower(): v for k, v in request.headers.items()},
                body=body,
            )
            self.received.append(received)
            if self.on_request is not None:
                self.on_request(received)
            return await self.responder(request, received)

        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", handle)
        return app

    async def start(self, port: int = 0) -> RecordingVendor:
        self._runner = web.AppRunner(self.app(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def all_bytes(self) -> bytes:
        """Everything received (paths, queries, headers, bodies), for leak checks."""
        parts = []
        for r in self.received:
            parts.append(r.path.encode() + b"?" + r.query_string.encode())
            parts.extend(f"{k}: {v}".encode() for k, v in r.headers.items())
            parts.append(r.body)
        return b"\n".join(parts)
