"""Backpressure through real sockets: a slow vendor slows the client down.

The client streams NDJSON as fast as it can; the vendor reads its body slowly. If the proxy
buffered, the client would finish long before the vendor; with backpressure, what the client has
sent stays within a bounded distance of what the vendor has read.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from tests.conftest import ProxyFactory

pytestmark = pytest.mark.functional

CONTRACT = """
vendor: bulk
upstream: https://bulk.example
routes:
  - method: POST
    path: /events.ndjson
    request:
      stream: {kind: ndjson}
      body: {id: keep, kind: keep, padding: keep}
"""
RECORD = b'{"id": 123456, "kind": "page_view", "padding": "' + b"x" * 400 + b'"}\n'
TOTAL = 48 << 20          # 48 MiB offered by the client (~8 s at the vendor's pace)
BOUND = 20 << 20          # two sending buffers (<= 4 MiB each) + the proxy's bounded queues
# Receive buffers autotune up to net.ipv4.tcp_rmem's maximum (32 MiB on some machines), which
# would measure the kernel, not the proxy: both receiving ends get a fixed, small buffer.
SMALL_BUFFER = 256 << 10


def small_buffered_listener() -> socket.socket:
    """A listening socket whose accepted connections inherit a small receive buffer."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, SMALL_BUFFER)
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    sock.setblocking(False)
    return sock


def small_send_buffer_socket(addr_info: Any) -> socket.socket:
    """The client's socket, with a small send buffer (aiohttp's ``socket_factory``)."""
    family, type_, proto, _, _ = addr_info
    sock = socket.socket(family=family, type=type_, proto=proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SMALL_BUFFER)
    return sock


async def test_slow_vendor_slows_the_client(start_proxy: ProxyFactory) -> None:
    read_by_vendor = 0
    sent_by_client = 0
    max_lead = 0

    async def slow_vendor(request: web.Request) -> web.Response:
        nonlocal read_by_vendor
        while True:
            chunk = await request.content.read(64 * 1024)
            if not chunk:
                break
            read_by_vendor += len(chunk)
            await asyncio.sleep(0.01)  # at most ~6 MB/s
        return web.json_response({"ok": True})

    app = web.Application(client_max_size=1 << 30)
    app.router.add_post("/events.ndjson", slow_vendor)
    runner = web.AppRunner(app)
    await runner.setup()
    vendor_socket = small_buffered_listener()
    site = web.SockSite(runner, vendor_socket)
    await site.start()
    port = vendor_socket.getsockname()[1]
    client = aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(socket_factory=small_send_buffer_socket))
    try:
        proxy = await start_proxy({"bulk": CONTRACT}, upstream=f"http://127.0.0.1:{port}",
                                  listen_socket=small_buffered_listener())

        async def body() -> AsyncIterator[bytes]:
            nonlocal sent_by_client, max_lead
            chunk = RECORD * 100
            while sent_by_client < TOTAL:
                yield chunk
                sent_by_client += len(chunk)
                # Records are forwarded whole (re-serialized compactly, a few bytes shorter).
                max_lead = max(max_lead, sent_by_client - read_by_vendor)

        resp = await client.post(f"{proxy.url}/bulk/events.ndjson", data=body(),
                                 headers={"Content-Type": "application/x-ndjson"})
        assert resp.status == 200
    finally:
        await client.close()
        await runner.cleanup()
    assert sent_by_client >= TOTAL
    print(f"client ran at most {max_lead / 2**20:.1f} MiB ahead of the vendor")
    assert max_lead < BOUND, f"the client ran {max_lead >> 20} MiB ahead of the vendor"
