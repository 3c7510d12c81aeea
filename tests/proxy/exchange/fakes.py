"""What the exchange unit tests put in place of the network and the detection engine."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from multidict import CIMultiDict, CIMultiDictProxy

from proxy.exchange.upstream import UpstreamResponse


class NoDetection:
    """A detector that finds nothing (the tests here are about the exchange, not detection)."""

    async def detect(self, requests: Any) -> list[list[Any]]:
        return [[] for _ in requests]


def json_answer(status: int = 200, body: bytes = b"{}") -> UpstreamResponse:
    """A vendor's JSON answer as the upstream client returns it."""
    return UpstreamResponse(status=status, body=body, elapsed_ms=1.0, headers=CIMultiDictProxy(
        CIMultiDict({"Content-Type": "application/json"})))


async def serve(handle: Any) -> TestClient:
    """An in-process server that hands every request to ``handle``, and a client for it."""
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    client = TestClient(TestServer(app))
    await client.start_server()
    return client
