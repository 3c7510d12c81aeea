"""Detector: batched analysis on the real engine, per-text results in order."""

from __future__ import annotations

import itertools
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
    text = "Mail jane.doe@example.com or call 212-555-0198 from 203.0.113.7."
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


class _CountingDetector(Detector):
    """The real detector, recording the texts it runs the recognizers on."""

    analyzed: list[str]

    def _analyze_one(self, key: Any, norm: Any, nlp_artifacts: Any) -> Any:
        self.analyzed.append(key[0])
        return super()._analyze_one(key, norm, nlp_artifacts)


def test_duplicates_and_blanks_are_analyzed_once(detector: Detector) -> None:
    unit = _CountingDetector(detector.settings, analyzer=detector.analyzer)
    unit.analyzed = []
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

    assert sorted(unit.analyzed) == sorted([EMAIL_TEXT, PHONE_TEXT, EMAIL_TEXT])
    assert results[0] == results[2] == results[4]
    assert results[0] is not results[2]  # callers get independent lists
    assert results[1] == results[5] == []
    assert {span.entity_type for span in results[6]} == {"EMAIL_ADDRESS"}


def test_warm_runs(detector: Detector) -> None:
    detector.warm()


# -- our engine: normalization, one label per span, allow and deny lists, custom recognizers ----


def _labels(detector: Detector, text: str, **options: Any) -> list[tuple[str, str]]:
    [spans] = detector.analyze_batch([DetectionRequest(text, **options)])
    return [(span.entity_type, text[span.start : span.end]) for span in spans]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # fullwidth digits and a zero-width space: the span covers the original characters
        ("Ｃａｌｌ ２１２\u200b-５５５-０１９８ please", ("PHONE_NUMBER", "２１２\u200b-５５５-０１９８")),
        ("mail jo\u200bhn.doe@example.com", ("EMAIL_ADDRESS", "jo\u200bhn.doe@example.com")),
        ("SSN 078-05-1120", ("US_SSN", "078-05-1120")),
        ("card 4111\u00a01111\u00a01111\u00a01111", ("CREDIT_CARD", "4111\u00a01111\u00a01111\u00a01111")),
    ],
)
def test_spans_land_on_the_original_text(
    detector: Detector, text: str, expected: tuple[str, str]
) -> None:
    assert expected in _labels(detector, text)


def test_spans_do_not_overlap(detector: Detector) -> None:
    text = ("Mail john.smith@example.com, call 212-555-0198, card 4111 1111 1111 1111, "
            "ship to 1600 Pennsylvania Avenue NW, Washington, DC 20500. Thanks, Barack Obama")
    [spans] = detector.analyze_batch([DetectionRequest(text)])
    for left, right in itertools.pairwise(spans):
        assert left.end <= right.start


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("Call 212-555-0198 today", "UK_NHS"),  # passes the NHS mod-11 check
        ("Write to jane.doe@example.com", "URL"),
        ("Write to jane.doe@example.com", "ORGANIZATION"),
        ("Order 2024031512345 shipped", "DATE_TIME"),
        ("user_id=48213 svc.billing status=200", "PERSON"),
        ("user_id=48213 svc.billing status=200", "URL"),
    ],
)
def test_default_misfires_are_gone(detector: Detector, text: str, absent: str) -> None:
    assert absent not in {label for label, _ in _labels(detector, text)}


def test_allow_list_keeps_terms_and_what_they_contain(detector: Detector) -> None:
    text = "Write to support@shop.example or to jane.doe@example.com"
    labels = _labels(detector, text, allow_list=("SUPPORT@shop.example",))
    assert labels == [("EMAIL_ADDRESS", "jane.doe@example.com")]


def test_deny_list_is_always_reported(detector: Detector) -> None:
    text = "Project Bluebird launches with jane.doe@example.com"
    labels = _labels(detector, text, entities=("EMAIL_ADDRESS",), deny_list=("project bluebird",))
    assert labels == [("DENIED_TERM", "Project Bluebird"), ("EMAIL_ADDRESS", "jane.doe@example.com")]


def test_custom_recognizers_run_when_a_request_names_them(detector: Detector) -> None:
    from recognizers.settings import AnalyzerSettings

    settings = AnalyzerSettings.model_validate(
        {"custom_recognizers": [{"name": "shop/customer_number", "entity": "CUSTOMER_NUMBER",
                                 "patterns": [{"regex": r"\bCUST-\d{8}\b", "score": 0.9}]}]}
    )
    shared = Detector(settings, analyzer=detector.analyzer)
    text = "customer CUST-12345678 called"
    with_custom = _labels(shared, text, recognizers=("shop/customer_number",))
    assert ("CUSTOMER_NUMBER", "CUST-12345678") in with_custom
    assert "CUSTOMER_NUMBER" not in {label for label, _ in _labels(shared, text)}
    with pytest.raises(KeyError):
        shared.analyze_batch([DetectionRequest(text, recognizers=("other/unknown",))])



def test_phone_regions_of_a_request_replace_the_settings(detector: Detector) -> None:
    national_gb = "Ring our London desk on 020 7946 0958 today."
    international = "Ring our London desk on +44 20 7946 0958 today."
    default, us_only, us_only_plus = detector.analyze_batch([
        DetectionRequest(national_gb),
        DetectionRequest(national_gb, phone_regions=("US",)),
        DetectionRequest(international, phone_regions=("US",)),
    ])
    assert [national_gb[s.start : s.end] for s in default if s.entity_type == "PHONE_NUMBER"] == [
        "020 7946 0958"
    ]
    assert not [s for s in us_only if s.entity_type == "PHONE_NUMBER"]
    # A number written with its country code is found whatever the regions.
    assert [s.entity_type for s in us_only_plus if s.entity_type == "PHONE_NUMBER"] == [
        "PHONE_NUMBER"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a company's URL is left under the standard set, but what its query string carries is not
        ("Unsubscribe: https://mail.shop.example/unsub?email=jane.doe@example.com&list=7",
         ("EMAIL_ADDRESS", "jane.doe@example.com")),
        ("Reset via https://app.trailmate.app/reset?token=q8Jx2LmZ7vTn4RkP9sWd",
         ("SECRET", "q8Jx2LmZ7vTn4RkP9sWd")),
        ("Profile: https://www.linkedin.com/in/jane-doe-42",
         ("URL_PERSONAL", "https://www.linkedin.com/in/jane-doe-42")),
    ],
)
def test_standard_set_leaves_company_urls_but_not_what_they_carry(
    detector: Detector, text: str, expected: tuple[str, str]
) -> None:
    from recognizers.entities import STANDARD_ENTITIES

    labels = _labels(detector, text, entities=STANDARD_ENTITIES)
    assert expected in labels
    assert "URL" not in {label for label, _ in labels}
