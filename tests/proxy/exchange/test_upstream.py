"""The client to vendors (proxy.exchange.upstream.UpstreamClient) against an in-process vendor.

The vendor is an aiohttp TestServer on 127.0.0.1 whose handlers record what arrived. Covers what
is sent (method, encoded query, only our headers, the body; no redirects followed, no cookies
kept), the answer size limit (declared, chunked, after decompression), timeouts before and during
the answer, a vendor that resets before or during its answer, an unreachable vendor, and the
streamed-body calls ``open_stream`` / ``read_answer``. Every failure is asserted as the
UpstreamError (or UpstreamTimeout) the module documents, with ``vendor_status`` when the head
had arrived.
"""

from __future__ import annotations

import asyncio
import gzip
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from proxy.contract.settings import LimitSettings
from proxy.errors import UpstreamError, UpstreamTimeout
from proxy.exchange.upstream import UpstreamClient

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class Seen:
    method: str
    path_qs: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Vendor:
    server: TestServer
    seen: list[Seen] = field(default_factory=list)

    def url(self, path: str) -> str:
        return str(self.server.make_url(path))


Start = Callable[..., Awaitable[tuple[Vendor, UpstreamClient]]]


@pytest.fixture
async def start() -> AsyncIterator[Start]:
    """``await start(handler, **limits)``: a recording vendor and a started client."""
    opened: list[tuple[TestServer, UpstreamClient]] = []

    async def make(handler: Handler, **limits: Any) -> tuple[Vendor, UpstreamClient]:
        vendor = Vendor(server=None)  # type: ignore[arg-type]

        async def record(request: web.Request) -> web.StreamResponse:
            vendor.seen.append(Seen(request.method, request.rel_url.raw_path_qs,
                                    dict(request.headers), await request.read()))
            return await handler(request)

        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", record)
        vendor.server = TestServer(app, host="127.0.0.1")
        await vendor.server.start_server()
        client = UpstreamClient(LimitSettings(**limits))
        await client.start()
        opened.append((vendor.server, client))
        return vendor, client

    yield make
    for server, client in opened:
        await client.close()
        await server.close()


async def answer_json(_: web.Request) -> web.StreamResponse:
    return web.json_response({"id": 7}, headers={"X-Vendor": "v"})


async def test_sends_what_it_is_given_and_nothing_more(start: Start) -> None:
    vendor, client = await start(answer_json)
    answer = await client.send("POST", vendor.url("/v1/m"), [["q", "a b/c"], ["n", "1"]],
                               {"X-Request-Id": "rid-1", "Content-Type": "application/json"},
                               b'{"a":1}')
    assert (answer.status, answer.body) == (200, b'{"id": 7}')
    assert answer.headers["X-Vendor"] == "v" and answer.elapsed_ms >= 0
    [seen] = vendor.seen
    assert (seen.method, seen.path_qs, seen.body) == ("POST", "/v1/m?q=a%20b%2Fc&n=1", b'{"a":1}')
    # Framing is ours; aiohttp's Accept, Accept-Encoding and User-Agent are not added.
    assert {k.lower() for k in seen.headers} == {"host", "content-length", "content-type",
                                                 "x-request-id"}


async def test_redirects_are_returned_not_followed_and_cookies_not_kept(start: Start) -> None:
    async def redirect(_: web.Request) -> web.StreamResponse:
        resp = web.Response(status=302, headers={"Location": "/elsewhere"})
        resp.set_cookie("session", "vendor-set")
        return resp

    vendor, client = await start(redirect)
    answer = await client.send("GET", vendor.url("/a"), [], {}, None)
    assert answer.status == 302 and answer.headers["Location"] == "/elsewhere"
    await client.send("GET", vendor.url("/b"), [], {}, None)
    assert [s.path_qs for s in vendor.seen] == ["/a", "/b"]
    assert "Cookie" not in vendor.seen[1].headers  # the vendor's cookie went to no one


async def test_an_answer_at_the_limit_passes(start: Start) -> None:
    async def exact(_: web.Request) -> web.StreamResponse:
        return web.Response(body=b"x" * 64)

    vendor, client = await start(exact, max_response_bytes=64)
    assert (await client.send("GET", vendor.url("/"), [], {}, None)).body == b"x" * 64


async def declared_big(_: web.Request) -> web.StreamResponse:
    return web.Response(body=b"x" * 65)


async def chunked_big(request: web.Request) -> web.StreamResponse:
    resp = web.StreamResponse()
    resp.enable_chunked_encoding()
    await resp.prepare(request)
    for _ in range(10):
        await resp.write(b"y" * 10)
        await asyncio.sleep(0.005)
    await resp.write_eof()
    return resp


async def gzip_bomb(_: web.Request) -> web.StreamResponse:
    packed = gzip.compress(b"z" * 10_000)
    assert len(packed) < 64
    return web.Response(body=packed, headers={"Content-Encoding": "gzip"})


@pytest.mark.parametrize("handler", [declared_big, chunked_big, gzip_bomb],
                         ids=["content-length", "chunked", "after-decompression"])
async def test_an_answer_over_the_limit_is_refused(start: Start, handler: Handler) -> None:
    vendor, client = await start(handler, max_response_bytes=64)
    with pytest.raises(UpstreamError) as info:
        await client.send("POST", vendor.url("/"), [], {}, b"{}")
    assert (info.value.status, info.value.reason) == (502, "upstream_response_too_large")
    assert info.value.vendor_status == 200  # the vendor answered: its status is known
    assert len(vendor.seen) == 1


async def test_a_vendor_slower_than_the_timeout(start: Start) -> None:
    async def slow(_: web.Request) -> web.StreamResponse:
        await asyncio.sleep(2)
        return web.Response(body=b"late")

    vendor, client = await start(slow, upstream_timeout_s=0.2)
    with pytest.raises(UpstreamTimeout) as info:
        await client.send("POST", vendor.url("/"), [], {}, b"{}")
    assert (info.value.status, info.value.reason) == (504, "upstream_timeout")
    assert info.value.vendor_status is None


async def test_a_body_that_stalls_after_the_head(start: Start) -> None:
    async def stall(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse(status=201)
        resp.enable_chunked_encoding()
        await resp.prepare(request)
        await resp.write(b'{"id"')
        await asyncio.sleep(2)
        return resp

    vendor, client = await start(stall, upstream_timeout_s=0.3)
    with pytest.raises(UpstreamTimeout) as info:
        await client.send("POST", vendor.url("/"), [], {}, b"{}")
    assert info.value.reason == "upstream_timeout" and info.value.vendor_status == 201


async def test_a_vendor_that_resets_before_answering(start: Start) -> None:
    async def reset(request: web.Request) -> web.StreamResponse:
        assert request.transport is not None
        request.transport.abort()
        raise ConnectionResetError

    vendor, client = await start(reset)
    with pytest.raises(UpstreamError) as info:
        await client.send("POST", vendor.url("/"), [], {}, b"{}")
    assert type(info.value) is UpstreamError
    assert (info.value.status, info.value.reason) == (502, "upstream_error")
    assert info.value.vendor_status is None and len(vendor.seen) == 1


async def test_a_vendor_that_resets_during_its_answer(start: Start) -> None:
    async def cut(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse(status=202, headers={"Content-Length": "1000"})
        await resp.prepare(request)
        await resp.write(b"x" * 100)
        await asyncio.sleep(0.05)
        assert request.transport is not None
        request.transport.abort()
        return resp

    vendor, client = await start(cut)
    with pytest.raises(UpstreamError) as info:
        await client.send("POST", vendor.url("/"), [], {}, b"{}")
    assert type(info.value) is UpstreamError and info.value.reason == "upstream_error"
    assert info.value.vendor_status == 202  # the head came: the vendor acted on the request


async def test_an_unreachable_vendor_and_a_client_not_started(start: Start) -> None:
    vendor, client = await start(answer_json)
    url = vendor.url("/")
    await vendor.server.close()  # nothing listens on that port any more
    with pytest.raises(UpstreamError) as info:
        await client.send("POST", url, [], {}, b"{}")
    assert (info.value.status, info.value.reason) == (502, "upstream_unreachable")
    with pytest.raises(UpstreamError) as info:
        await UpstreamClient(LimitSettings()).send("GET", url, [], {}, None)
    assert info.value.reason == "upstream_error"


async def test_open_stream_sends_chunks_and_read_answer_is_bounded(start: Start) -> None:
    async def echo_size(request: web.Request) -> web.StreamResponse:
        return web.Response(body=b"n" * len(vendor.seen[-1].body))

    vendor, client = await start(echo_size, max_response_bytes=8)

    async def body(parts: list[bytes]) -> AsyncIterator[bytes]:
        for part in parts:
            yield part

    resp = await client.open_stream("POST", vendor.url("/s"), [["k", "v w"]],
                                    {"Content-Type": "application/x-ndjson"},
                                    body([b'{"a":1}\n', b'{"a":2}\n']))
    try:
        assert resp.status == 200
        with pytest.raises(UpstreamError) as info:
            await client.read_answer(resp)  # 16 bytes answered, 8 allowed
        assert info.value.reason == "upstream_response_too_large"
    finally:
        resp.close()
    seen = vendor.seen[0]
    assert seen.path_qs == "/s?k=v%20w" and seen.body == b'{"a":1}\n{"a":2}\n'
    assert seen.headers.get("Transfer-Encoding") == "chunked"

    resp = await client.open_stream("POST", vendor.url("/s"), [], {}, b"1234")
    try:
        assert await client.read_answer(resp) == b"nnnn"
    finally:
        resp.close()


async def test_open_stream_times_out_waiting_for_the_head(start: Start) -> None:
    async def slow(_: web.Request) -> web.StreamResponse:
        await asyncio.sleep(2)
        return web.Response()

    vendor, client = await start(slow, upstream_timeout_s=0.2)
    with pytest.raises(UpstreamTimeout) as info:
        await client.open_stream("POST", vendor.url("/s"), [], {}, b"x")
    assert info.value.status == 504 and info.value.reason == "upstream_timeout"
