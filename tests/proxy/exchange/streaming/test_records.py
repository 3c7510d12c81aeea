"""Record streams: minimized per record, redacted in batches, the same whatever the chunking."""

from __future__ import annotations

import asyncio

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from proxy.contract.models import StreamSpec
from proxy.enforce.report import MessageReport
from proxy.errors import DetectionUnavailable
from proxy.exchange.streaming.framing import RecordTooLarge, StreamFault
from proxy.exchange.streaming.pipeline import PipelineLimits
from proxy.exchange.streaming.records import RecordProcessor, codec_for
from tests.proxy.exchange.streaming.helpers import (
    CARD,
    EMAIL,
    NAME,
    RegexDetector,
    resolver,
    run_chunks,
    split_at,
    trie,
)

RULES = {"id": "keep", "email": "pseudonymize", "note": "redact", "tags[*]": "keep"}


def processor(kind: str = "ndjson", detector: RegexDetector | None = None,
              on_error: str = "fail", report: MessageReport | None = None,
              rules: dict | None = None, **spec: object) -> RecordProcessor:
    from proxy.enforce.transforms import Pseudonymizer

    return RecordProcessor(
        codec_for(StreamSpec(kind=kind, **spec)), trie(rules or RULES), "acme",
        Pseudonymizer(b"k" * 32), report or MessageReport(),
        resolver(detector or RegexDetector()), on_error, 4096, 64)


def records(n: int) -> list[dict]:
    return [{"id": i, "email": EMAIL, "note": f"{NAME} paid with {CARD} ✓" if i % 3 == 0
             else "plain", "ssn": "078-05-1120", "tags": ["a"]} for i in range(n)]


NDJSON = b"".join(orjson.dumps(r) + b"\n" for r in records(12))


def run(proc: RecordProcessor, chunks: list[bytes], **limits: object) -> bytes:
    return asyncio.run(run_chunks(proc, chunks, PipelineLimits(batch_s=0.0, **limits)))[0]


def test_each_record_is_minimized_and_redacted() -> None:
    report = MessageReport()
    out = run(processor(report=report), [NDJSON])
    lines = [orjson.loads(x) for x in out.splitlines()]
    assert len(lines) == 12
    assert lines[0]["note"] == "<PERSON> paid with <CREDIT_CARD> ✓"
    assert lines[1] == {"id": 1, "email": lines[1]["email"], "note": "plain", "tags": ["a"]}
    assert lines[0]["email"].startswith("psn_")
    for value in (NAME, CARD, EMAIL, "078-05-1120"):
        assert value.encode() not in out
    assert report.entities == {"PERSON": 4, "CREDIT_CARD": 4}
    assert "body:ssn" in report.dropped


def test_every_byte_offset_gives_the_same_ndjson() -> None:
    whole = run(processor(), [NDJSON])
    for i in range(0, len(NDJSON) + 1, 7):
        assert run(processor(), [NDJSON[:i], NDJSON[i:]]) == whole, i


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 10_000), max_size=10), st.integers(1, 8))
def test_ndjson_chunk_split_property(offsets: list[int], batch: int) -> None:
    whole = run(processor(), [NDJSON])
    assert run(processor(), split_at(NDJSON, offsets), batch_records=batch) == whole


def test_free_text_of_consecutive_records_is_batched() -> None:
    detector = RegexDetector()
    run(processor(detector=detector), [NDJSON], batch_records=64)
    # a small first batch (time to first byte), then the rest in one call, not one per record
    assert detector.calls == [8, 4]


def test_json_array_with_a_records_path() -> None:
    body = orjson.dumps({"list_id": "L1", "contacts": records(3)})
    out = run(processor("json_array", records="contacts[*]"), split_at(body, [5, 40, 77]))
    doc = orjson.loads(out)
    assert list(doc) == ["contacts"] and len(doc["contacts"]) == 3
    assert doc["contacts"][0]["note"] == "<PERSON> paid with <CREDIT_CARD> ✓"


def test_sse_json_and_text_data() -> None:
    body = (b"event: msg\nid: 1\ndata: " + orjson.dumps(records(1)[0]) + b"\n\n"
            b": ping\n\n")
    out = run(processor("sse", sse_fields=("event",)), [body])
    assert out.startswith(b"event: msg\ndata: {") and b"id: 1" not in out
    assert out.endswith(b"\n\n") and CARD.encode() not in out
    text = run(processor("sse", sse_data="text", rules={"$text": "redact"}),
               [f"data: hi {NAME}\ndata: card {CARD}\n\n".encode()])
    assert text == b"data: hi <PERSON>\ndata: card <CREDIT_CARD>\n\n"


def test_bad_record_fails_or_is_dropped() -> None:
    body = b'{"id": 1}\nnot json\n3\n"scalar"\n{"id": 2}\n'
    with pytest.raises(StreamFault):
        run(processor(), [body])
    proc = processor(on_error="drop")
    out = run(proc, [body])
    assert [orjson.loads(x)["id"] for x in out.splitlines()] == [1, 2]
    assert proc.dropped == {"invalid_json": 1, "unexpected_record_shape": 2}
    assert proc.records_in == 5


def test_record_over_the_limit_always_fails() -> None:
    big = orjson.dumps({"note": "x" * 5000}) + b"\n"
    with pytest.raises(RecordTooLarge):
        run(processor(on_error="drop"), [b'{"id":1}\n', big])


def test_detection_failure_fails_closed_or_drops_only_that_record() -> None:
    body = b"".join(orjson.dumps({"id": i, "note": "boom" if i == 2 else f"ok {CARD}"}) + b"\n"
                    for i in range(5))
    with pytest.raises(DetectionUnavailable):
        run(processor(detector=RegexDetector(fail_on="boom")), [body])
    proc = processor(detector=RegexDetector(fail_on="boom"), on_error="drop")
    out = run(proc, [body])
    assert [orjson.loads(x)["id"] for x in out.splitlines()] == [0, 1, 3, 4]
    assert b"boom" not in out and CARD.encode() not in out
    assert proc.dropped == {"detection_failed": 1}
