"""Helpers shipped with the code for tests, the demo and benchmarks: a recording vendor.

``RecordingVendor`` is a real aiohttp server on 127.0.0.1 that keeps exactly what it received
(method, path, raw query, every header line, body bytes) and answers with a programmable response.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import orjson
from aiohttp import web


@dataclass(frozen=True)
class ReceivedRequest:
    """One request as the vendor saw it.

    ``header_lines`` holds every header line in the order received, repeats included, names
    lowercased: a leak in any copy of a repeated header is there to be seen.
    """

    method: str
    path: str
    query_string: str
    header_lines: tuple[tuple[str, str], ...]
    body: bytes

    @property
    def headers(self) -> dict[str, str]:
        """One entry per name; the values of a repeated name are joined with ``", "``.

        Joined as RFC 9110 (5.3) combines field lines, rather than keeping one copy: a test that
        compares a value then also fails when a second copy arrived. ``getall`` gives the copies.
        """
        combined: dict[str, str] = {}
        for name, value in self.header_lines:
            combined[name] = f"{combined[name]}, {value}" if name in combined else value
        return combined

    def getall(self, name: str) -> list[str]:
        """Every value received for ``name`` (any case), in order."""
        lowered = name.lower()
        return [value for line_name, value in self.header_lines if line_name == lowered]

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
                header_lines=tuple((k.lower(), v) for k, v in request.headers.items()),
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
            # Each line on its own; surrogateescape gives back bytes that were not UTF-8.
            parts.extend(f"{k}: {v}".encode("utf-8", "surrogateescape")
                         for k, v in r.header_lines)
            parts.append(r.body)
        return b"\n".join(parts)
