"""Detector: batched analysis on the real engine, per-text results in order."""

from __future__ import annotations

from typing import Any

import pytest

from recognizers.detector import Detector
from recognizers.types import DetectionRequest, Span

EMAIL_TEXT = "Please send the invoice to jane.doe@example.com today."
PHONE_TEXT = "You can reach me at 212-555-0198 after lunch."


def _found(text: str, spans: list[Span]) -> set[tuple[str, str]]:
    return {(span.entity_type, text[span.start : span.end]) for span in spans}


def test_batch_results_are_per_text_in_order(
    detector: Detector, sample_requests: list[DetectionRequest]
) -> None:
    texts = [request.text for request in sample_requests]
    email, phone, person, card = detector.analyze_batch(sample_requests)

    assert ("EMAIL_ADDRESS", "jane.doe@example.com") in _found(texts[0], email)
    assert ("PHONE_NUMBER", "212-555-0198") in _found(texts[1], phone)
    assert ("PERSON", "Barack Obama") in _found(texts[2], person)
    assert ("CREDIT_CARD", "4111 1111 1111 1111") in _found(texts[3], card)
    # No bleed between texts.
    assert "EMAIL_ADDRESS" not in {s.entity_type for s in phone + person + card}
    assert "CREDIT_CARD" not in {s.entity_type for s in email + phone + person}


def test_batch_equals_one_by_one(
    detector: Detector, sample_requests: list[DetectionRequest]
) -> None:
    batched = detector.analyze_batch(sample_requests)
    single = [detector.analyze_batch([request])[0] for request in sample_requests]

    assert batched == single


def test_spans_are_sorted_by_start_then_longest(detector: Detector) -> None:
    text = "Mail jane.doe@example.com or call 212-555-0198, Barack Obama."
    [spans] = detector.analyze_batch([DetectionRequest(text)])

    assert len(spans) >= 3
    keys = [(span.start, -span.end) for span in spans]
    assert keys == sorted(keys)


def test_entities_filter_is_honoured(detector: Detector) -> None:
    text = "Barack Obama: jane.doe@example.com, 212-555-0198."
    [only_phone, all_types] = detector.analyze_batch(
        [DetectionRequest(text, entities=("PHONE_NUMBER",)), DetectionRequest(text)]
    )

    assert {span.entity_type for span in only_phone} == {"PHONE_NUMBER"}
    assert {"PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER"} <= {s.entity_type for s in all_types}


def test_score_threshold_override(detector: Detector) -> None:
    # The phone recognizer scores 212-555-0198 at 0.4 without context words.
    [default, strict] = detector.analyze_batch(
        [DetectionRequest(PHONE_TEXT), DetectionRequest(PHONE_TEXT, score_threshold=0.9)]
    )

    assert "PHONE_NUMBER" in {span.entity_type for span in default}
    assert "PHONE_NUMBER" not in {span.entity_type for span in strict}


@pytest.mark.parametrize("text", ["", " ", "\n\t  "])
def test_blank_text_gives_no_spans(detector: Detector, text: str) -> None:
    assert detector.analyze_batch([DetectionRequest(text), DetectionRequest(EMAIL_TEXT)])[0] == []


def test_empty_batch(detector: Detector) -> None:
    assert detector.analyze_batch([]) == []


class _CountingAnalyzer:
    """Wraps the real analyzer and records the texts passed to ``analyze``."""

    def __init__(self, analyzer: Any) -> None:
        self._analyzer = analyzer
        self.nlp_engine = analyzer.nlp_engine
        self.analyzed: list[str] = []

    def analyze(self, **kwargs: Any) -> Any:
        self.analyzed.append(kwargs["text"])
        return self._analyzer.analyze(**kwargs)


def test_duplicates_and_blanks_are_analyzed_once(detector: Detector) -> None:
    counting = _CountingAnalyzer(detector.analyzer)
    unit = Detector(detector.settings, analyzer=counting)  # type: ignore[arg-type]
    requests = [
        DetectionRequest(EMAIL_TEXT),
        DetectionRequest(""),
        DetectionRequest(EMAIL_TEXT),
        DetectionRequest(PHONE_TEXT),
        DetectionRequest(EMAIL_TEXT),
        DetectionRequest("   "),
        # Same text with other options is a different analysis.
        DetectionRequest(EMAIL_TEXT, entities=("EMAIL_ADDRESS",)),
    ]

    results = unit.analyze_batch(requests)

    assert sorted(counting.analyzed) == sorted([EMAIL_TEXT, PHONE_TEXT, EMAIL_TEXT])
    assert results[0] == results[2] == results[4]
    assert results[0] is not results[2]  # callers get independent lists
    assert results[1] == results[5] == []
    assert {span.entity_type for span in results[6]} == {"EMAIL_ADDRESS"}


def test_warm_runs(detector: Detector) -> None:
    detector.warm()
