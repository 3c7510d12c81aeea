"""Framers cut the same records whatever the chunking, and bound what they hold."""

from __future__ import annotations

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from proxy.exchange.streaming.framing import (
    JsonArrayFramer,
    NdjsonFramer,
    RecordTooLarge,
    SseFramer,
    StreamFault,
)
from tests.proxy.exchange.streaming.helpers import split_at

ENVELOPE = (b'{"meta": {"a": [1, {"x": "]}\\\\\\""}]}, "contacts": [ {"n": "a,b]"}, [1,2],'
            b' 3 , "s\\"x" ,{"e":{}}], "z": "tail"}')


def frame(framer, chunks):
    out = []
    for chunk in chunks:
        out += framer.feed(chunk)
    return out + framer.finish()


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(0, 10_000), max_size=12))
def test_json_array_records_do_not_depend_on_chunking(offsets: list[int]) -> None:
    whole = frame(JsonArrayFramer(("contacts",), 1000), [ENVELOPE])
    assert whole == [b'{"n": "a,b]"}', b"[1,2]", b"3", b'"s\\"x"', b'{"e":{}}']
    assert frame(JsonArrayFramer(("contacts",), 1000), split_at(ENVELOPE, offsets)) == whole


def test_json_array_every_byte_offset() -> None:
    whole = frame(JsonArrayFramer(("contacts",), 1000), [ENVELOPE])
    for i in range(len(ENVELOPE) + 1):
        assert frame(JsonArrayFramer(("contacts",), 1000), [ENVELOPE[:i], ENVELOPE[i:]]) == whole


@pytest.mark.parametrize(("path", "body", "records"), [
    ((), b' [ {"a":1} , 2 ] ', [b'{"a":1}', b"2"]),
    ((), b"[]", []),
    (("data", "items"), b'{"x":1,"data":{"k":[1],"items":[{"a":1}]}}', [b'{"a":1}']),
    (("contacts",), b'{"other": []}', []),
])
def test_json_array_paths(path, body, records) -> None:
    assert frame(JsonArrayFramer(path, 1000), [body]) == records


@pytest.mark.parametrize(("path", "body", "reason"), [
    ((), b"[1,]", "invalid_json"),
    ((), b"[1", "invalid_json"),
    ((), b"[1] x", "invalid_json"),
    (("contacts",), b'{"contacts":[1],"contacts":[2]}', "duplicate_key"),
    (("contacts",), b'{"a" 1}', "invalid_json"),
    (("contacts",), b"[1]", "invalid_json"),
])
def test_json_array_refusals(path, body, reason) -> None:
    with pytest.raises(StreamFault) as info:
        frame(JsonArrayFramer(path, 1000), [body])
    assert info.value.reason == reason


def test_json_array_record_limit_and_skipped_envelope_is_not_kept() -> None:
    framer = JsonArrayFramer(("contacts",), 64)
    framer.feed(b'{"blob": "' + b"x" * 10_000)  # a long envelope value is skipped, not held
    assert len(framer._buf) < 64
    framer.feed(b'", "contacts": [')
    with pytest.raises(RecordTooLarge):
        framer.feed(b'{"a": "' + b"y" * 100)


def test_json_array_names_the_envelope_values_it_skips() -> None:
    framer = JsonArrayFramer(("data", "contacts"), 1000)
    doc = (b'{"meta": {"n": 1}, "data": {"page": 2, "contacts": [{"id": 1}], "next": null},'
           b' "jane@example.com": true}')

    records = frame(framer, [doc[:30], doc[30:]])

    assert records == [b'{"id": 1}']
    assert framer.envelope_dropped == [
        ("meta",), ("data", "page"), ("data", "next"), ("jane@example.com",)]


NDJSON = b'{"a":1}\n\n{"b":"\xc3\xa9"}\r\n  \n{"c":[1,2]}'


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 1000), max_size=10))
def test_ndjson_lines_do_not_depend_on_chunking(offsets: list[int]) -> None:
    whole = frame(NdjsonFramer(100), [NDJSON])
    assert [orjson.loads(x) for x in whole] == [{"a": 1}, {"b": "é"}, {"c": [1, 2]}]
    assert frame(NdjsonFramer(100), split_at(NDJSON, offsets)) == whole


def test_ndjson_record_limit_holds_even_without_newline() -> None:
    framer = NdjsonFramer(16)
    with pytest.raises(RecordTooLarge):
        framer.feed(b"x" * 17)


SSE = (b": comment\r\nevent: update\r\nid: 7\r\ndata: {\"a\":1}\r\n\r\n"
       b"data: line one\rdata: line two\r\rretry: 10\n\ndata: cut off")


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 1000), max_size=10))
def test_sse_events_do_not_depend_on_chunking(offsets: list[int]) -> None:
    whole = frame(SseFramer(1000), [SSE])
    assert [(e.data, e.fields) for e in whole] == [
        ('{"a":1}', [("event", "update"), ("id", "7")]),
        ("line one\nline two", []),
        (None, [("retry", "10")]),
    ]
    got = frame(SseFramer(1000), split_at(SSE, offsets))
    assert [(e.data, e.fields) for e in got] == [(e.data, e.fields) for e in whole]


def test_sse_event_limit() -> None:
    framer = SseFramer(32)
    with pytest.raises(RecordTooLarge):
        framer.feed(b"data: " + b"x" * 20 + b"\ndata: " + b"y" * 20 + b"\n")
