"""AnswerWindows with a detector stand-in: the text comes out the same however it was cut,
placeholders are restored and never redacted, forbidden values are."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence

import orjson

from proxy.contract.models import FieldRule
from proxy.enforce.placeholders import PlaceholderBook, PlaceholderFormat, PlaceholderNamer
from proxy.enforce.report import MessageReport
from proxy.exchange.llm.answer_windows import AnswerWindows, outside_stand_ins
from recognizers.types import DetectionRequest, Span

KEY = b"k" * 32
PHONE = re.compile(r"\+1 \d{3} \d{3} \d{4}")
NAMEISH = re.compile(r"<PERSON_[0-9a-f]+>")  # a detector that calls a placeholder a name
RULE = FieldRule(action="redact", entities=("PHONE_NUMBER", "PERSON"))


async def detect(requests: Sequence[DetectionRequest]) -> list[list[Span]]:
    return [[Span(m.start(), m.end(), "PHONE_NUMBER", 0.9) for m in PHONE.finditer(r.text)]
            + [Span(m.start(), m.end(), "PERSON", 0.9) for m in NAMEISH.finditer(r.text)]
            for r in requests]


def book() -> tuple[PlaceholderBook, str]:
    b = PlaceholderBook(PlaceholderNamer(KEY, PlaceholderFormat.TYPED), "scope")
    return b, b.placeholder_for("PERSON", "Dora Keene")


def run(pieces: list[str], window: int = 16) -> tuple[str, MessageReport]:
    """Stream ``pieces`` as one block; each batch is one piece, as events would carry it."""
    b, _ = book()
    report = MessageReport()
    windows = AnswerWindows(b, RULE, detect, report, window)
    out = []
    for index, piece in enumerate(pieces):
        markers = [windows.feed("block", piece)]
        if index == len(pieces) - 1:
            markers.append(windows.flush("block"))
        batch = windows.take()
        asyncio.run(windows.resolve(batch))
        windows.fill(batch)
        for marker in markers:
            out.append(orjson.loads(windows.substitute(orjson.dumps(marker))))
    return "".join(out), report


def text() -> str:
    _, placeholder = book()
    return (f"Dear {placeholder}, call +1 212 555 0199 today. "
            + "Filler words go here. " * 5 + f"Bye {placeholder}.")


def test_the_answer_is_the_same_however_it_was_cut() -> None:
    whole, _ = run([text()])
    assert whole == ("Dear Dora Keene, call <PHONE_NUMBER> today. " + "Filler words go here. " * 5
                     + "Bye Dora Keene.")
    t = text()
    for cut in range(1, len(t)):
        assert run([t[:cut], t[cut:]])[0] == whole, cut
    assert run(list(t))[0] == whole


def test_the_report_counts_types_and_never_holds_a_value() -> None:
    _, report = run([text()])
    assert report.entities["PHONE_NUMBER"] == 1 and "PERSON" not in report.entities
    assert "555" not in repr(report) and "Dora" not in repr(report)


def test_spans_are_cut_around_placeholders_not_dropped() -> None:
    b, placeholder = book()
    t = f"Dear {placeholder}"
    spans = outside_stand_ins(b, t, [Span(0, len(t), "PERSON", 0.9)])
    assert [(s.start, s.end) for s in spans] == [(0, 4)]  # what is left of it stays redacted


def test_a_vendor_cannot_forge_a_marker() -> None:
    b, _ = book()
    windows = AnswerWindows(b, RULE, detect, MessageReport(), 16)
    marker = windows.feed("block", "hello there")
    forged = "\ue000" + "0" * 12 + "1\ue001"
    assert marker != forged
    windows.fill(windows.take())
    assert windows.substitute(orjson.dumps(forged)) == orjson.dumps(forged)
