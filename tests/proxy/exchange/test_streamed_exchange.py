"""The streamed-body mode (proxy.exchange.streaming.streamed) run by ExchangeHandler, unit level.

As in test_exchange_answers.py, the handler runs in an aiohttp TestServer with a fake in place
of UpstreamClient: here one that implements ``open_stream`` / ``read_answer``, records every
chunk the exchange hands it, and answers with a scripted (possibly broken) stream. Free text is
redacted by the regex detector of tests/proxy/exchange/streaming/helpers.py. Covers NDJSON
requests minimized and redacted record by record, streamed responses minimized on the way back,
refusals before anything is sent, and a vendor failing mid-stream in either direction.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import orjson
import pytest
from aiohttp.test_utils import TestClient
from multidict import CIMultiDict, CIMultiDictProxy

from proxy.config.loader import load_config
from proxy.contract.routing import Router
from proxy.errors import UpstreamError
from proxy.exchange.handler import ExchangeHandler
from proxy.observe.audit import MemorySink
from tests.conftest import write_config
from tests.proxy.exchange.fakes import serve
from tests.proxy.exchange.streaming.helpers import CARD, EMAIL, NAME, RegexDetector

SSN = "078-05-1120"
SEEDED = (NAME, EMAIL, CARD, SSN)
NDJSON = {"Content-Type": "application/x-ndjson"}

CONTRACT = """
vendor: bulk
upstream: https://bulk.example
routes:
  - method: POST
    path: /contacts
    request: {stream: {kind: ndjson}, body: {id: keep, note: redact}}
    response: {stream: {kind: ndjson}, body: {id: keep, status: keep, note: redact}}
  - method: POST
    path: /upload
    request: {stream: {kind: ndjson}, body: {id: keep}}
    response: {body: {ok: keep}}
"""
# One record per batch and no batch wait: each record is one chunk to the vendor.
PROXY_YAML = "limits: {stream_batch_records: 1, stream_batch_ms: 0}\n"


class Chunks:
    """A vendor answer body: ``iter_any`` yields the chunks, then raises ``error`` if set."""

    def __init__(self, chunks: Sequence[bytes], error: BaseException | None) -> None:
        self._chunks, self._error = list(chunks), error

    async def iter_any(self) -> AsyncIterator[bytes]:
        for chunk in self._chunks:
            yield chunk
            await asyncio.sleep(0)
        if self._error is not None:
            raise self._error


@dataclass
class FakeResponse:
    """What ``open_stream`` returns: the part of aiohttp.ClientResponse the exchange uses."""

    status: int
    headers: CIMultiDictProxy[str]
    content: Chunks
    closed: bool = False

    def close(self) -> None:
        self.closed = True


@dataclass
class Call:
    headers: dict[str, str]
    chunks: list[bytes] = field(default_factory=list)
    complete: bool = False

    def records(self) -> list[Any]:
        return [orjson.loads(line) for line in b"".join(self.chunks).splitlines()]


class FakeStreamUpstream:
    """Takes the request body chunk by chunk like aiohttp's writer (a chunk is asked for once
    the one before it is written); with ``fail_after`` the write of the next chunk fails."""

    def __init__(self, answer: Sequence[bytes] = (), status: int = 200,
                 content_type: str = "application/x-ndjson",
                 answer_error: BaseException | None = None, fail_after: int | None = None
                 ) -> None:
        self.answer, self.status, self.content_type = answer, status, content_type
        self.answer_error, self.fail_after = answer_error, fail_after
        self.calls: list[Call] = []
        self.responses: list[FakeResponse] = []

    async def open_stream(self, method: str, url: str, query: Any, headers: dict[str, str],
                          body: AsyncIterator[bytes] | bytes | None) -> FakeResponse:
        call = Call(headers=dict(headers))
        self.calls.append(call)
        if isinstance(body, bytes | None):
            call.chunks.append(body or b"")
        else:
            async for chunk in body:
                if self.fail_after is not None and len(call.chunks) >= self.fail_after:
                    raise UpstreamError("the vendor connection failed", reason="upstream_error")
                call.chunks.append(chunk)
        call.complete = True
        response = FakeResponse(self.status, CIMultiDictProxy(CIMultiDict(
            {"Content-Type": self.content_type})), Chunks(self.answer, self.answer_error))
        self.responses.append(response)
        return response

    async def read_answer(self, resp: FakeResponse) -> bytes:
        return b"".join([chunk async for chunk in resp.content.iter_any()])


Make = Callable[[FakeStreamUpstream], Awaitable[tuple[TestClient, MemorySink]]]


@pytest.fixture
async def exchange(tmp_path: Path) -> AsyncIterator[Make]:
    clients: list[TestClient] = []
    config = load_config(write_config(tmp_path, {"bulk": CONTRACT}, PROXY_YAML))

    async def make(upstream: FakeStreamUpstream) -> tuple[TestClient, MemorySink]:
        sink = MemorySink()
        # The detector fails on texts containing "boom", finds the seeded values in others.
        handler = ExchangeHandler(router=Router(config.vendors), limits=config.settings.limits,
                                  detector=RegexDetector(fail_on="boom"),
                                  upstream=upstream,  # type: ignore[arg-type]
                                  audit=sink, pseudonymizer=None, contract_version="v1")
        client = await serve(handler.handle)
        clients.append(client)
        return client, sink

    yield make
    for client in clients:
        await client.close()


def contact(i: int) -> bytes:
    note = f"Call {NAME} about card {CARD}" if i % 2 == 0 else "no pii here"
    return orjson.dumps({"id": i, "email": EMAIL, "ssn": SSN, "note": note}) + b"\n"


def assert_clean(*blobs: bytes) -> None:
    text = b"\n".join(blobs).decode(errors="replace")
    assert not any(v in text for v in SEEDED), "a seeded value got through"


async def settled(sink: MemorySink, bound_s: float = 10.0) -> dict[str, Any]:
    """The exchange's audit record, once written (after the answer reached the caller)."""
    async with asyncio.timeout(bound_s):
        while not sink.records:
            await asyncio.sleep(0.01)
    return sink.records[-1]


async def test_an_ndjson_request_is_minimized_and_redacted_per_record(exchange: Make) -> None:
    upstream = FakeStreamUpstream(answer=[b'{"id": 0, "status": "ok"}\n'])
    client, sink = await exchange(upstream)
    resp = await client.post("/bulk/contacts", data=b"".join(contact(i) for i in range(4)),
                             headers={**NDJSON, "X-Caller-Secret": SSN})
    assert resp.status == 200 and await resp.read() == b'{"id":0,"status":"ok"}\n'
    [call] = upstream.calls
    assert call.complete and len(call.chunks) == 4  # one chunk per record: they streamed
    redacted = "Call <PERSON> about card <CREDIT_CARD>"
    assert call.records() == [{"id": i, "note": redacted if i % 2 == 0 else "no pii here"}
                              for i in range(4)]  # no email, no ssn: not in the contract
    assert call.headers["Content-Type"] == "application/x-ndjson"
    assert "X-Caller-Secret" not in call.headers and "x-caller-secret" not in call.headers
    record = await settled(sink)
    assert record["outcome"] == "forwarded" and record["status"] == 200
    stream = record["stream"]["request"]
    assert (stream["records_in"], stream["records_forwarded"], stream["complete"]) == (4, 4, True)
    assert {"body:email", "body:ssn"} <= set(record["request"]["dropped"])
    assert record["request"]["entities"] == {"CREDIT_CARD": 2, "PERSON": 2}
    assert_clean(*call.chunks, orjson.dumps(sink.lines))


async def test_a_streamed_response_is_minimized_on_the_way_back(exchange: Make) -> None:
    answer = (b'{"id": 1, "status": "ok", "note": "Thanks ' + NAME.encode()[:8],
              NAME.encode()[8:] + b'", "email": "' + EMAIL.encode() + b'"}\n{"id": 2, "ssn"',
              b': "' + SSN.encode() + b'", "status": "done"}\n')
    upstream = FakeStreamUpstream(answer=answer)
    client, sink = await exchange(upstream)
    resp = await client.post("/bulk/contacts", data=contact(1), headers=NDJSON)
    assert resp.status == 200 and resp.headers["Content-Type"] == "application/x-ndjson"
    body = await resp.read()
    assert [orjson.loads(x) for x in body.splitlines()] == [
        {"id": 1, "status": "ok", "note": "Thanks <PERSON>"}, {"id": 2, "status": "done"}]
    record = await settled(sink)
    assert record["stream"]["response"]["records_forwarded"] == 2
    assert {"body:email", "body:ssn"} <= set(record["response"]["dropped"])
    assert upstream.responses[0].closed
    assert_clean(body, orjson.dumps(sink.lines))


async def test_a_request_stream_with_a_whole_answer(exchange: Make) -> None:
    upstream = FakeStreamUpstream(answer=[b'{"ok": true, "echo": "', SSN.encode(), b'"}'],
                                  content_type="application/json")
    client, sink = await exchange(upstream)
    resp = await client.post("/bulk/upload", data=contact(0) + contact(1), headers=NDJSON)
    assert resp.status == 200 and await resp.json() == {"ok": True}
    assert upstream.calls[0].records() == [{"id": 0}, {"id": 1}]
    assert (await settled(sink))["stream"]["request"]["records_forwarded"] == 2


@pytest.mark.parametrize(("data", "headers", "status", "reason"), [
    (b'{"id": 1, "note": "' + SSN.encode() + b'"\n', NDJSON, 400, "invalid_json"),
    (contact(0), {"Content-Type": "application/json"}, 415, "unsupported_media_type"),
    (contact(0), {**NDJSON, "Content-Encoding": "gzip"}, 415, "unsupported_content_encoding"),
    (orjson.dumps({"id": 0, "note": "boom " + NAME}) + b"\n", NDJSON, 503, "detection_failed"),
], ids=["bad-first-record", "content-type", "compressed", "detector-fails"])
async def test_a_bad_request_stream_is_refused_before_anything_is_sent(
    exchange: Make, data: bytes, headers: dict[str, str], status: int, reason: str
) -> None:
    upstream = FakeStreamUpstream()
    client, sink = await exchange(upstream)
    resp = await client.post("/bulk/contacts", data=data, headers=headers)
    assert resp.status == status
    answer = await resp.json()
    assert answer["reason"] == reason
    assert upstream.calls == []  # the vendor was never contacted
    record = await settled(sink)
    assert record["outcome"] == "rejected" and record["reason"] == answer["reason"]
    assert sink.intents == []  # no intent: nothing was about to be disclosed
    assert_clean(await resp.read(), orjson.dumps(sink.lines))


@pytest.mark.parametrize("fail_after", [0, 2])
async def test_a_vendor_failing_while_the_request_streams_gets_the_caller_a_502(
    exchange: Make, fail_after: int
) -> None:
    upstream = FakeStreamUpstream(answer=[b'{"id": 9}\n'], fail_after=fail_after)
    client, sink = await exchange(upstream)
    resp = await client.post("/bulk/contacts", data=b"".join(contact(i) for i in range(6)),
                             headers=NDJSON)
    assert resp.status == 502
    assert (await resp.json())["reason"] == "upstream_error"
    [call] = upstream.calls
    assert not call.complete and [r["id"] for r in call.records()] == list(range(fail_after))
    record = await settled(sink)
    assert (record["outcome"], record["reason"], record["status"]) == (
        "aborted", "upstream_error", 502)
    stream = record["stream"]["request"]
    assert stream["records_forwarded"] == fail_after and stream["complete"] is False
    assert record.get("vendor_status") is None and upstream.responses == []
    assert_clean(*call.chunks, orjson.dumps(sink.lines))


async def test_a_vendor_stream_breaking_off_aborts_the_caller_response(exchange: Make) -> None:
    answer = [b'{"id": 1, "status": "ok", "note": "Call ' + NAME.encode() + b'"}\n',
              b'{"id": 2, "note": "' + CARD.encode()[:9]]
    upstream = FakeStreamUpstream(answer=answer,
                                  answer_error=aiohttp.ClientPayloadError("reset by vendor"))
    client, sink = await exchange(upstream)
    resp = await client.post("/bulk/contacts", data=contact(1), headers=NDJSON)
    assert resp.status == 200  # the head was out when the vendor broke off ...
    first = await resp.content.readline()
    assert orjson.loads(first) == {"id": 1, "status": "ok", "note": "Call <PERSON>"}
    with pytest.raises(aiohttp.ClientPayloadError):  # ... so the body is cut, never clean
        await resp.read()
    record = await settled(sink)
    assert (record["outcome"], record["reason"]) == ("aborted", "upstream_stream_broken")
    assert record["stream"]["response"]["records_forwarded"] == 1
    assert record["stream"]["response"]["complete"] is False
    assert upstream.responses[0].closed
    assert_clean(first, orjson.dumps(sink.lines))


async def test_a_bad_first_answer_record_is_withheld_with_the_vendor_status(
    exchange: Make
) -> None:
    upstream = FakeStreamUpstream(answer=[b'{"id": 1, "note": "' + SSN.encode() + b'",\n'],
                                  status=201)
    client, sink = await exchange(upstream)
    resp = await client.post("/bulk/contacts", data=contact(1), headers=NDJSON)
    assert resp.status == 201  # the vendor acted: its status, never a proxy 5xx
    answer = await resp.json()
    assert answer["reason"] == "upstream_invalid_json"
    assert resp.headers["Proxy-Status"] == (
        'privacy-proxy; details="answer withheld: upstream_invalid_json"')
    record = await settled(sink)
    assert (record["outcome"], record["vendor_status"]) == ("withheld", 201)
    assert_clean(orjson.dumps(answer), orjson.dumps(sink.lines))
