"""A redacted text stream gives the same output however its bytes are split."""

from __future__ import annotations

import asyncio

from hypothesis import given, settings
from hypothesis import strategies as st

from proxy.contract.models import FieldRule
from proxy.enforce.report import MessageReport
from proxy.exchange.streaming.text_window import TextProcessor
from tests.proxy.exchange.streaming.helpers import (
    CARD,
    EMAIL,
    NAME,
    RegexDetector,
    run_chunks,
    split_at,
)

REDACT = FieldRule(action="redact")


def redact(chunks: list[bytes], window: int = 24, segment: int = 64) -> tuple[str, MessageReport]:
    report = MessageReport()
    processor = TextProcessor(REDACT, RegexDetector().detect, report, window, segment)
    out, _ = asyncio.run(run_chunks(processor, chunks))
    return out.decode("utf-8"), report


TEXT = (f"Grüße from {NAME} ✓, pay with {CARD} or write to {EMAIL} — "
        "日本語のテキスト 😀 " * 2 + f"again {CARD}, and {NAME} signs.").encode()


def test_every_byte_offset_gives_the_whole_body_output() -> None:
    whole, report = redact([TEXT])
    for value in (CARD, NAME, EMAIL):
        assert value not in whole
    assert "<CREDIT_CARD>" in whole and "日本語のテキスト 😀" in whole
    assert report.entities["CREDIT_CARD"] == 3
    for i in range(len(TEXT) + 1):
        assert redact([TEXT[:i], TEXT[i:]])[0] == whole, i


def test_segmented_output_matches_one_shot_redaction() -> None:
    # With a context-free detector, cutting into segments changes nothing at all.
    one_shot, _ = redact([TEXT], window=24, segment=100_000)
    assert redact([TEXT], window=24, segment=64)[0] == one_shot


PIECES = st.sampled_from([CARD, NAME, EMAIL, "héllo", "日本", "😀", "a", "word", "\n", "  ",
                          "12", "€"])


@settings(max_examples=60, deadline=None)
@given(st.lists(PIECES, min_size=1, max_size=60), st.lists(st.integers(0, 5000), max_size=8))
def test_chunk_split_property(pieces: list[str], offsets: list[int]) -> None:
    data = " ".join(pieces).encode()
    whole, _ = redact([data])
    assert redact(split_at(data, offsets))[0] == whole
    for value in (CARD, NAME, EMAIL):
        assert value not in whole


def test_invalid_utf8_fails_closed() -> None:
    from proxy.exchange.streaming.framing import StreamFault

    try:
        redact([b"abc \xff def"])
    except StreamFault as exc:
        assert exc.reason == "invalid_text"
    else:
        raise AssertionError("invalid UTF-8 passed")


def test_memory_is_bounded_by_segment_and_window() -> None:
    report = MessageReport()
    processor = TextProcessor(REDACT, RegexDetector().detect, report, 32, 128)
    for _ in range(200):
        batch = processor.prepare([b"lorem ipsum dolor sit amet " * 10], final=False)
        assert len(processor._text) <= 128 + 2 * 32 + 270
        asyncio.run(processor.resolve(batch))
        processor.encode(batch)


def test_keep_passes_text_unchanged_and_no_rule_drops_it() -> None:
    keep = TextProcessor(FieldRule(action="keep"), RegexDetector().detect, MessageReport(), 32)
    assert asyncio.run(run_chunks(keep, [TEXT[:7], TEXT[7:]]))[0] == TEXT
    report = MessageReport()
    dropped = TextProcessor(None, RegexDetector().detect, report, 32)
    assert asyncio.run(run_chunks(dropped, [TEXT]))[0] == b""
    assert report.body_dropped
