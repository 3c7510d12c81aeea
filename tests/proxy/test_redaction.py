"""Spans to replacements: overlaps merged, every character of an entity replaced."""

from __future__ import annotations

from proxy.contract import FieldRule
from proxy.minimize import PendingRedaction
from proxy.redaction import apply_redactions, detection_requests, merge_spans, redact_text
from proxy.report import MessageReport
from recognizers.types import Span


def test_replaces_each_entity() -> None:
    text = "Call Jane Doe at 212-555-0198."
    spans = [Span(5, 13, "PERSON", 0.85), Span(17, 29, "PHONE_NUMBER", 0.75)]
    assert redact_text(text, spans) == ("Call <PERSON> at <PHONE_NUMBER>.",
                                        ["PERSON", "PHONE_NUMBER"])


def test_overlaps_merge_into_one_label_of_highest_score() -> None:
    spans = [Span(0, 10, "URL", 0.5), Span(0, 22, "EMAIL_ADDRESS", 1.0), Span(5, 22, "ORG", 0.8)]
    assert merge_spans(spans) == [Span(0, 22, "EMAIL_ADDRESS", 1.0)]
    assert redact_text("jane.doe@example.com!!", spans)[0] == "<EMAIL_ADDRESS>"


def test_no_spans_leaves_text() -> None:
    assert redact_text("nothing here", []) == ("nothing here", [])


def test_apply_fills_slots_and_counts() -> None:
    doc: dict = {"a": None}
    rule = FieldRule(action="redact", entities=("PERSON",))  # type: ignore[arg-type]
    pending = [PendingRedaction(doc, "a", "hi Jane", rule, "body:a")]
    assert detection_requests(pending)[0].entities == ("PERSON",)
    report = MessageReport()
    apply_redactions(pending, [[Span(3, 7, "PERSON", 0.9)]], report)
    assert doc == {"a": "hi <PERSON>"}
    assert report.entities == {"PERSON": 1} and report.transformed == {"body:a": "redact"}
