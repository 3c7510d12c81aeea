"""Keep-alive pools shrink back after a burst: connections are retired after a number of
requests, on the caller's side and on the vendor's.

aiohttp (and most clients) reuse the connection that has been idle the longest, so every pooled
connection stays warm and a pool that grew during a slow spell never shrinks (the soak saw the
proxy's descriptors double after a slow-vendor fault). Retiring connections lets it shrink to
what the traffic uses.
"""

from __future__ import annotations

import aiohttp
import pytest
from aiohttp import web

from proxy.testing import ReceivedRequest, RecordingVendor
from tests.conftest import ProxyFactory

pytestmark = pytest.mark.functional

CONTRACT = """
vendor: acme
upstream: https://api.acme.example
routes:
  - method: POST
    path: /v1/m
    request:
      body:
        a: keep
"""


async def test_a_callers_connection_is_closed_after_its_last_allowed_request(
        start_proxy: ProxyFactory, vendor: RecordingVendor) -> None:
    proxy = await start_proxy({"acme": CONTRACT}, upstream=vendor.url,
                              proxy_yaml="limits: {keepalive_max_requests: 2}\n")
    opened: list[int] = []  # connections opened, counted before each request
    trace = aiohttp.TraceConfig()

    async def created(*_: object) -> None:
        opened.append(1)

    trace.on_connection_create_end.append(created)
    closing, before = [], []
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=1),
                                     trace_configs=[trace]) as session:
        for _ in range(3):
            async with session.post(proxy.url + "/acme/v1/m", json={"a": 1}) as response:
                assert response.status == 200
                before.append(len(opened))
                closing.append(response.headers.get("Connection", "").lower() == "close")
                await response.read()

    assert closing == [False, True, False]
    assert before == [1, 1, 2]  # the third came on a new connection
    assert len(vendor.received) == 3


async def test_every_nth_upstream_request_retires_its_connection(
        start_proxy: ProxyFactory, vendor: RecordingVendor) -> None:
    peers: list[int] = []

    async def answer(request: web.Request, _: ReceivedRequest) -> web.StreamResponse:
        peers.append(request.transport.get_extra_info("peername")[1])
        return web.json_response({"ok": True})

    vendor.responder = answer
    proxy = await start_proxy({"acme": CONTRACT}, upstream=vendor.url,
                              proxy_yaml="limits: {upstream_retire_every: 2}\n")
    for _ in range(4):
        async with proxy.session.post(proxy.url + "/acme/v1/m", json={"a": 1}) as response:
            assert response.status == 200

    assert [r.getall("connection") for r in vendor.received] == [[], ["close"], [], ["close"]]
    assert peers[0] == peers[1] != peers[2] == peers[3]
    assert [r.json() for r in vendor.received] == [{"a": 1}] * 4  # nothing else changed
