"""Untrusted upstreams: a vendor that resets, stalls, speaks garbage or never answers.

The caller gets 502 or 504 with a value-free JSON body when the vendor did not answer; when its
answer's head came (a status) and then its body broke, the vendor accepted the request, so the
caller gets that status with the answer withheld (never a 5xx that invites a retry). The request
is never retried (the vendor sees one attempt), and nothing of the vendor's garbage reaches the
caller.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from tests.conftest import MINIMAL_CONTRACT, ProxyFactory

pytestmark = pytest.mark.functional

CONTRACT = MINIMAL_CONTRACT + """\
    response:
      body:
        id: keep
"""

Behaviour = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


class RawVendor:
    """A TCP server that reads one request head and then does what the test says."""

    def __init__(self, behaviour: Behaviour) -> None:
        self.behaviour = behaviour
        self.attempts = 0
        self.server: asyncio.Server | None = None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.attempts += 1
        try:
            await reader.readuntil(b"\r\n\r\n")
            await self.behaviour(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    async def start(self) -> str:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return f"http://127.0.0.1:{self.server.sockets[0].getsockname()[1]}"

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()


@pytest.fixture
async def raw_vendor() -> AsyncIterator[Callable[[Behaviour], Awaitable[tuple[RawVendor, str]]]]:
    vendors: list[RawVendor] = []

    async def make(behaviour: Behaviour) -> tuple[RawVendor, str]:
        vendor = RawVendor(behaviour)
        vendors.append(vendor)
        return vendor, await vendor.start()

    yield make
    for vendor in vendors:
        await vendor.stop()


async def close_at_once(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.transport.abort()  # RST, no answer


async def garbage(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.write(b"SSH-2.0-OpenSSH_9.6 jolene.brightwater@example.com\r\n\r\n")
    await writer.drain()


async def reset_mid_body(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n"
                 b"\r\n{\"id\": \"jolene")
    await writer.drain()
    writer.transport.abort()


async def stall_body(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n"
                 b"\r\n{")
    await writer.drain()
    await asyncio.sleep(3)


async def bad_framing(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 50\r\n\r\n{\"id\":1}")
    await writer.drain()


@pytest.mark.parametrize(
    ("behaviour", "status", "reason"),
    [
        (close_at_once, 502, "upstream_error"),
        (garbage, 502, "upstream_error"),
        (reset_mid_body, 200, "upstream_error"),  # withheld: the vendor answered 200
        (stall_body, 200, "upstream_timeout"),
        (bad_framing, 502, "upstream_error"),
    ],
    ids=["reset-before-answer", "garbage", "reset-mid-body", "stalled-body", "bad-framing"],
)
async def test_broken_vendor(
    start_proxy: ProxyFactory, raw_vendor: Callable[[Behaviour], Awaitable[tuple[RawVendor, str]]],
    behaviour: Behaviour, status: int, reason: str,
) -> None:
    vendor, url = await raw_vendor(behaviour)
    proxy = await start_proxy({"acme": CONTRACT}, upstream=url,
                              proxy_yaml="limits:\n  upstream_timeout_s: 1.0\n")
    resp = await proxy.session.post(f"{proxy.url}/acme/v1/m", json={"a": 1},
                                    headers={"Idempotency-Key": "k-1"})
    assert resp.status == status
    body = await resp.json()
    assert body["reason"] == reason and body["vendor"] == "acme"
    assert b"jolene" not in await resp.read()
    assert vendor.attempts == 1  # never retried
    [record] = proxy.audit_lines()
    assert record["status"] == status and record["reason"] == reason
    assert record["outcome"] == ("withheld" if status < 500 else "rejected")
    assert ("Proxy-Status" in resp.headers) is (status < 500)
