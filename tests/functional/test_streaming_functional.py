"""Streaming routes end to end: client -> proxy -> recording vendor -> back, through sockets.

Each content type in both directions, with the real detection pool; the vendor records every
chunk, and a client that holds the rest of its body back until the vendor has the first record
shows the vendor starts receiving before the client is done (an order, not a time).
Failures: records over the limit, a vendor that breaks off, a detector that fails.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

import aiohttp
import orjson
import pytest
from aiohttp import web

from tests.conftest import ProxyFactory
from tests.proxy.exchange.streaming.helpers import RegexDetector

pytestmark = pytest.mark.functional

NAME = "Jolene Brightwater"
EMAIL = "jolene.brightwater@example.com"
CARD = "4111 1111 1111 1111"
SSN = "078-05-1120"
SEEDED = [NAME, "Brightwater", EMAIL, CARD, SSN]

CONTRACT = """
vendor: bulk
upstream: https://bulk.example
routes:
  - method: POST
    path: /contacts.ndjson
    request:
      stream: {kind: ndjson}
      body: {id: keep, email: pseudonymize, note: redact}
    response:
      stream: {kind: ndjson}
      body: {id: keep, status: keep, note: redact}
  - method: POST
    path: /contacts.json
    request:
      stream: {kind: json_array, records: "contacts[*]"}
      body: {id: keep, note: redact}
    response:
      stream: {kind: json_array}
      body: {id: keep, note: redact}
  - method: POST
    path: /events
    request:
      stream: {kind: sse, sse_data: text}
      body: {$text: redact}
    response:
      stream: {kind: sse, sse_fields: [event]}
      body: {delta: redact, index: keep}
  - method: POST
    path: /notes
    request:
      stream: {kind: text, window: 64}
      body: {$text: redact}
    response:
      stream: {kind: text}
      body: {$text: redact}
  - method: GET
    path: /export
    response:
      stream: {kind: ndjson}
      body: {id: keep, note: redact}
  - method: POST
    path: /strict
    request:
      stream: {kind: ndjson, max_record_bytes: 256}
      body: {id: keep, note: redact}
  - method: POST
    path: /lenient
    request:
      stream: {kind: ndjson, on_record_error: drop}
      body: {id: keep, note: redact}
"""


@dataclass
class StreamedRequest:
    path: str
    content_type: str
    chunks: list[bytes] = field(default_factory=list)
    complete: bool = False
    finished: bool = False  # the vendor is done with this request (complete or broken off)

    @property
    def body(self) -> bytes:
        return b"".join(self.chunks)


Answer = Callable[[web.Request, StreamedRequest], Awaitable[web.StreamResponse]]


async def _ok(_: web.Request, received: StreamedRequest) -> web.StreamResponse:
    return web.json_response({"ok": True, "bytes": len(received.body)})


class ChunkRecordingVendor:
    """Records each chunk of each request body; ``answer`` replies."""

    def __init__(self, answer: Answer = _ok, break_after: int | None = None) -> None:
        self.answer = answer
        self.break_after = break_after  # close the connection after this many body bytes
        self.received: list[StreamedRequest] = []
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        got = StreamedRequest(request.rel_url.raw_path, request.headers.get("Content-Type", ""))
        self.received.append(got)
        try:
            # A body cut off by the proxy raises here: ``complete`` stays False.
            async for chunk in request.content.iter_any():
                got.chunks.append(chunk)
                if self.break_after is not None and len(got.body) >= self.break_after:
                    assert request.transport is not None
                    request.transport.abort()
                    raise ConnectionResetError
            got.complete = True
        finally:
            got.finished = True
        return await self.answer(request, got)

    async def start(self) -> ChunkRecordingVendor:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def all_bytes(self) -> bytes:
        return b"\n".join(r.body for r in self.received)


def streamed(*chunks: bytes, content_type: str) -> Answer:
    """An answer streamed in these chunks, flushed one by one."""

    async def answer(request: web.Request, _: StreamedRequest) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Type": content_type})
        await resp.prepare(request)
        for chunk in chunks:
            await resp.write(chunk)
            await asyncio.sleep(0.01)
        await resp.write_eof()
        return resp

    return answer


@pytest.fixture
async def vendor_factory() -> AsyncIterator[Callable[..., Awaitable[ChunkRecordingVendor]]]:
    vendors: list[ChunkRecordingVendor] = []

    async def make(*args: object, **kwargs: object) -> ChunkRecordingVendor:
        vendors.append(await ChunkRecordingVendor(*args, **kwargs).start())  # type: ignore[arg-type]
        return vendors[-1]

    yield make
    for v in vendors:
        await v.stop()


def assert_no_seeded_values(*blobs: object) -> None:
    for blob in blobs:
        text = blob.decode(errors="replace") if isinstance(blob, bytes) else str(blob)
        for value in SEEDED:
            assert value not in text, f"a seeded value leaked: {value[:3]}..."


async def slowly(chunks: list[bytes], pause: float) -> AsyncIterator[bytes]:
    for chunk in chunks:
        yield chunk
        await asyncio.sleep(pause)


async def wait_until(condition: Callable[[], bool], bound_s: float = 30.0) -> bool:
    """Poll ``condition``; ``bound_s`` only ends a wait for something that never happens."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + bound_s
    while not condition():
        if loop.time() > deadline:
            return False
        await asyncio.sleep(0.01)
    return True


@dataclass
class Gate:
    """A request body that holds its rest back until ``ready()``: then ``opened`` is true.

    If ``ready()`` never comes true (the proxy buffers the whole body), the rest goes after the
    bound anyway, so the exchange ends and the test fails on ``opened``, not on a hang.
    """

    ready: Callable[[], bool]
    opened: bool = False

    async def body(self, first: list[bytes], rest: list[bytes],
                   pause: float = 0.0) -> AsyncIterator[bytes]:
        for chunk in first:
            yield chunk
        self.opened = await wait_until(self.ready)
        async for chunk in slowly(rest, pause):
            yield chunk


def first_request(vendor: ChunkRecordingVendor) -> StreamedRequest | None:
    return vendor.received[0] if vendor.received else None


def contact(i: int) -> bytes:
    return orjson.dumps({"id": i, "email": EMAIL, "ssn": SSN,
                         "note": f"Call {NAME} about card {CARD}" if i % 2 == 0 else "no pii"})


async def test_ndjson_both_ways_records_flow_before_the_client_is_done(
    start_proxy: ProxyFactory, vendor_factory: Callable[..., Awaitable[ChunkRecordingVendor]]
) -> None:
    answer = streamed(b'{"id": 1, "status": "ok", "note": "Thanks ' + NAME.encode()[:7],
                      NAME.encode()[7:] + b'", "secret": "' + SSN.encode() + b'"}\n{"id": 2',
                      b', "status": "ok"}\n', content_type="application/x-ndjson")
    vendor = await vendor_factory(answer)
    proxy = await start_proxy({"bulk": CONTRACT}, upstream=vendor.url)
    lines = [contact(i) + b"\n" for i in range(4)]
    # The client sends the rest only once the vendor holds a whole first record.
    gate = Gate(lambda: b"\n" in getattr(first_request(vendor), "body", b""))
    async with proxy.session.post(f"{proxy.url}/bulk/contacts.ndjson",
                                  data=gate.body(lines[:1], lines[1:], pause=0.05),
                                  headers={"Content-Type": "application/x-ndjson"}) as resp:
        assert resp.status == 200
        assert resp.headers["Content-Type"] == "application/x-ndjson"
        body = await resp.read()
    got = [orjson.loads(x) for x in body.splitlines()]
    assert got == [{"id": 1, "status": "ok", "note": "Thanks <PERSON>"}, {"id": 2, "status": "ok"}]

    received = vendor.received[0]
    records = [orjson.loads(x) for x in received.body.splitlines()]
    assert [r["id"] for r in records] == [0, 1, 2, 3]
    assert records[0]["note"] == "Call <PERSON> about card <CREDIT_CARD>"
    assert set(records[1]) == {"id", "email", "note"} and records[1]["email"].startswith("psn_")
    # streaming: the vendor had the first record (checked above) before the client sent more
    assert gate.opened, "the vendor got no whole record before the client's body was complete"
    audit = proxy.audit_lines()[-1]
    assert audit["outcome"] == "forwarded"
    stream = audit["stream"]["request"]
    assert stream["records_in"] == stream["records_forwarded"] == 4 and stream["complete"]
    assert audit["stream"]["response"]["records_forwarded"] == 2
    assert audit["request"]["entities"] == {"CREDIT_CARD": 2, "PERSON": 2}
    assert_no_seeded_values(vendor.all_bytes(), body, orjson.dumps(proxy.audit_lines()))


async def test_json_array_both_ways(
    start_proxy: ProxyFactory, vendor_factory: Callable[..., Awaitable[ChunkRecordingVendor]]
) -> None:
    answer = streamed(b'[{"id": 7, "note": "from ' + NAME.encode()[:4], NAME.encode()[4:]
                      + b'", "ssn": "' + SSN.encode() + b'"}, {"id": 8}]',
                      content_type="application/json")
    vendor = await vendor_factory(answer)
    proxy = await start_proxy({"bulk": CONTRACT}, upstream=vendor.url)
    doc = orjson.dumps({"list": "spring", "owner": EMAIL, EMAIL: "data-shaped key",
                        "contacts": [orjson.loads(contact(i)) for i in range(3)]})
    async with proxy.session.post(f"{proxy.url}/bulk/contacts.json",
                                  data=slowly([doc[:50], doc[50:120], doc[120:]], 0.05),
                                  headers={"Content-Type": "application/json"}) as resp:
        assert resp.status == 200
        body = await resp.read()
    assert orjson.loads(body) == [{"id": 7, "note": "from <PERSON>"}, {"id": 8}]
    forwarded = orjson.loads(vendor.received[0].body)
    assert list(forwarded) == ["contacts"]  # the envelope is not forwarded
    assert [c["id"] for c in forwarded["contacts"]] == [0, 1, 2]
    assert forwarded["contacts"][2]["note"] == "Call <PERSON> about card <CREDIT_CARD>"
    # What was left out is on record, by key path, never by value.
    request_audit = proxy.audit_lines()[-1]["request"]
    assert {"envelope:list", "envelope:owner", "envelope:<key>"} <= set(request_audit["unlisted"])
    assert {"envelope:list", "envelope:owner"} <= set(request_audit["dropped"])
    assert_no_seeded_values(vendor.all_bytes(), body, orjson.dumps(proxy.audit_lines()))


async def test_sse_both_ways(
    start_proxy: ProxyFactory, vendor_factory: Callable[..., Awaitable[ChunkRecordingVendor]]
) -> None:
    events = (b"event: delta\nid: 42\ndata: {\"index\": 0, \"delta\": \"Hello " + NAME.encode()[:9],
              NAME.encode()[9:] + b"\", \"user\": \"" + EMAIL.encode() + b"\"}\n\n: ping\n\n",
              b"event: delta\ndata: {\"index\": 1, \"delta\": \"done\"}\n\n")
    vendor = await vendor_factory(streamed(*events, content_type="text/event-stream"))
    proxy = await start_proxy({"bulk": CONTRACT}, upstream=vendor.url)
    upload = f"data: note from {NAME}\ndata: card {CARD}\n\ndata: second\n\n".encode()
    async with proxy.session.post(f"{proxy.url}/bulk/events", data=upload,
                                  headers={"Content-Type": "text/event-stream"}) as resp:
        assert resp.status == 200
        assert resp.headers["Content-Type"] == "text/event-stream"
        body = await resp.read()
    assert body == (b'event: delta\ndata: {"index":0,"delta":"Hello <PERSON>"}\n\n'
                    b'event: delta\ndata: {"index":1,"delta":"done"}\n\n')
    assert vendor.received[0].body == (b"data: note from <PERSON>\ndata: card <CREDIT_CARD>\n\n"
                                       b"data: second\n\n")
    assert vendor.received[0].content_type == "text/event-stream"
    assert_no_seeded_values(vendor.all_bytes(), body, orjson.dumps(proxy.audit_lines()))


async def test_text_stream_finds_entities_split_across_chunks(
    start_proxy: ProxyFactory, vendor_factory: Callable[..., Awaitable[ChunkRecordingVendor]]
) -> None:
    reply = f"Dear {NAME}, your card {CARD} is blocked. Grüße ✓".encode()
    cut = reply.index(b"1111")
    vendor = await vendor_factory(streamed(reply[:cut + 2], reply[cut + 2:],
                                           content_type="text/plain; charset=utf-8"))
    proxy = await start_proxy({"bulk": CONTRACT}, upstream=vendor.url)
    text = f"Customer {NAME} paid with {CARD}, Grüße ✓ and thanks.".encode()
    split = text.index(b"Bright") + 3
    card_split = text.index(b"1111 1111") + 6
    async with proxy.session.post(
            f"{proxy.url}/bulk/notes",
            data=slowly([text[:split], text[split:card_split], text[card_split:]], 0.05),
            headers={"Content-Type": "text/plain; charset=utf-8"}) as resp:
        assert resp.status == 200
        body = await resp.read()
    assert body.decode() == "Dear <PERSON>, your card <CREDIT_CARD> is blocked. Grüße ✓"
    sent_text = vendor.received[0].body.decode()
    # The name and the card were both cut across chunks; what the model makes of "Grüße" (a
    # sign-off it may take for a name) is not this test's question.
    assert sent_text.startswith("Customer <PERSON> paid with <CREDIT_CARD>, ")
    assert sent_text.endswith(" and thanks.")
    assert_no_seeded_values(vendor.all_bytes(), body, orjson.dumps(proxy.audit_lines()))


async def test_record_over_the_limit_first_is_413_and_nothing_is_sent(
    start_proxy: ProxyFactory, vendor_factory: Callable[..., Awaitable[ChunkRecordingVendor]]
) -> None:
    vendor = await vendor_factory()
    proxy = await start_proxy({"bulk": CONTRACT}, upstream=vendor.url)
    big = orjson.dumps({"id": 1, "note": "x" * 300}) + b"\n"
    resp = await proxy.session.post(f"{proxy.url}/bulk/strict", data=big,
                                    headers={"Content-Type": "application/x-ndjson"})
    assert resp.status == 413
    assert (await resp.json())["reason"] == "record_too_large"
    assert vendor.received == []
    audit = proxy.audit_lines()[-1]
    assert audit["outcome"] == "rejected" and audit["reason"] == "record_too_large"


async def test_record_over_the_limit_later_aborts_the_upstream_request(
    start_proxy: ProxyFactory, vendor_factory: Callable[..., Awaitable[ChunkRecordingVendor]]
) -> None:
    vendor = await vendor_factory()
    proxy = await start_proxy({"bulk": CONTRACT}, upstream=vendor.url)
    good = [orjson.dumps({"id": i, "note": "fine"}) + b"\n" for i in range(3)]
    big = orjson.dumps({"id": 9, "note": f"{CARD} " + "x" * 300}) + b"\n"
    # The big record goes only once the vendor holds the three good ones.
    gate = Gate(lambda: getattr(first_request(vendor), "body", b"").count(b"\n") == 3)
    resp = await proxy.session.post(f"{proxy.url}/bulk/strict", data=gate.body(good, [big]),
                                    headers={"Content-Type": "application/x-ndjson"})
    assert resp.status == 413
    assert gate.opened
    assert await wait_until(lambda: vendor.received[0].finished and bool(proxy.audit_lines()))
    received = vendor.received[0]
    assert not received.complete  # the vendor never saw a complete body
    assert [orjson.loads(x)["id"] for x in received.body.splitlines()] == [0, 1, 2]
    audit = proxy.audit_lines()[-1]
    assert audit["outcome"] == "aborted" and audit["reason"] == "record_too_large"
    assert audit["stream"]["request"]["records_forwarded"] == 3
    assert audit["stream"]["request"]["complete"] is False
    assert_no_seeded_values(vendor.all_bytes())


async def test_vendor_failing_mid_stream_gives_the_client_an_error(
    start_proxy: ProxyFactory, vendor_factory: Callable[..., Awaitable[ChunkRecordingVendor]]
) -> None:
    vendor = await vendor_factory(break_after=1)
    proxy = await start_proxy({"bulk": CONTRACT}, upstream=vendor.url)
    lines = [orjson.dumps({"id": i, "note": "fine"}) + b"\n" for i in range(20)]
    # The rest goes only once the vendor has broken off, one record at a time (the proxy may
    # well answer 502 before that: then the rest is never sent).
    gate = Gate(lambda: getattr(first_request(vendor), "finished", False))
    resp = await proxy.session.post(f"{proxy.url}/bulk/strict",
                                    data=gate.body(lines[:1], lines[1:], pause=0.01),
                                    headers={"Content-Type": "application/x-ndjson"})
    assert resp.status == 502
    assert await wait_until(lambda: bool(proxy.audit_lines()))
    audit = proxy.audit_lines()[-1]
    assert audit["outcome"] == "aborted" and audit["reason"].startswith("upstream")
    assert 1 <= audit["stream"]["request"]["records_forwarded"] < 20


async def test_vendor_stream_breaking_off_aborts_the_client_response(
    start_proxy: ProxyFactory, vendor_factory: Callable[..., Awaitable[ChunkRecordingVendor]]
) -> None:
    async def broken(request: web.Request, _: StreamedRequest) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Type": "application/x-ndjson"})
        await resp.prepare(request)
        await resp.write(b'{"id": 1, "status": "ok"}\n{"id": 2, "note": "' + CARD.encode()[:9])
        await asyncio.sleep(0.05)
        assert request.transport is not None
        request.transport.abort()
        return resp

    vendor = await vendor_factory(broken)
    proxy = await start_proxy({"bulk": CONTRACT}, upstream=vendor.url)
    resp = await proxy.session.post(f"{proxy.url}/bulk/contacts.ndjson", data=contact(1),
                                    headers={"Content-Type": "application/x-ndjson"})
    assert resp.status == 200  # the head was out when the vendor broke off ...
    with pytest.raises(aiohttp.ClientPayloadError):  # ... so the body is cut, never clean
        await resp.read()
    assert await wait_until(lambda: bool(proxy.audit_lines()))
    audit = proxy.audit_lines()[-1]
    assert audit["outcome"] == "aborted" and audit["reason"] == "upstream_stream_broken"
    assert audit["stream"]["response"]["records_forwarded"] == 1


async def test_detection_failure_fails_closed_or_drops_the_record(
    start_proxy: ProxyFactory, vendor_factory: Callable[..., Awaitable[ChunkRecordingVendor]]
) -> None:
    vendor = await vendor_factory()
    proxy = await start_proxy({"bulk": CONTRACT}, upstream=vendor.url,
                              detector=RegexDetector(fail_on="boom"))
    lines = b"".join(orjson.dumps({"id": i, "note": "boom" if i == 1 else f"ok {CARD}"}) + b"\n"
                     for i in range(3))
    resp = await proxy.session.post(f"{proxy.url}/bulk/strict", data=lines,
                                    headers={"Content-Type": "application/x-ndjson"})
    assert resp.status == 503 and resp.headers["Retry-After"]
    assert vendor.received == []
    resp = await proxy.session.post(f"{proxy.url}/bulk/lenient", data=lines,
                                    headers={"Content-Type": "application/x-ndjson"})
    assert resp.status == 200
    forwarded = [orjson.loads(x) for x in vendor.received[0].body.splitlines()]
    assert forwarded == [{"id": 0, "note": "ok <CREDIT_CARD>"}, {"id": 2, "note": "ok <CREDIT_CARD>"}]
    audit = proxy.audit_lines()[-1]
    assert audit["stream"]["request"]["records_dropped"] == {"detection_failed": 1}
    assert_no_seeded_values(vendor.all_bytes())


async def test_wrong_content_type_or_encoding_is_refused(
    start_proxy: ProxyFactory, vendor_factory: Callable[..., Awaitable[ChunkRecordingVendor]]
) -> None:
    vendor = await vendor_factory()
    proxy = await start_proxy({"bulk": CONTRACT}, upstream=vendor.url)
    resp = await proxy.session.post(f"{proxy.url}/bulk/strict", data=b"{}\n",
                                    headers={"Content-Type": "application/json"})
    assert resp.status == 415
    resp = await proxy.session.post(f"{proxy.url}/bulk/strict", data=b"{}\n",
                                    headers={"Content-Type": "application/x-ndjson",
                                             "Content-Encoding": "gzip"})
    assert resp.status == 415
    assert vendor.received == []


async def test_a_response_only_stream_after_a_plain_request(
    start_proxy: ProxyFactory, vendor_factory: Callable[..., Awaitable[ChunkRecordingVendor]]
) -> None:
    rows = [orjson.dumps({"id": i, "note": f"owner {NAME}", "email": EMAIL}) + b"\n"
            for i in range(50)]
    vendor = await vendor_factory(streamed(*rows, content_type="application/x-ndjson"))
    proxy = await start_proxy({"bulk": CONTRACT}, upstream=vendor.url)
    async with proxy.session.get(f"{proxy.url}/bulk/export") as resp:
        assert resp.status == 200
        first = await resp.content.readline()  # arrives while the vendor is still sending
        assert orjson.loads(first) == {"id": 0, "note": "owner <PERSON>"}
        rest = await resp.read()
    assert len(rest.splitlines()) == 49
    assert proxy.audit_lines()[-1]["stream"]["response"]["records_forwarded"] == 50
    assert_no_seeded_values(first + rest, orjson.dumps(proxy.audit_lines()))
