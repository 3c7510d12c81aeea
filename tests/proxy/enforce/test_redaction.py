"""Spans to replacements: overlaps merged, every character of an entity replaced."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from proxy.contract.models import FieldRule
from proxy.enforce.minimize import PendingRedaction
from proxy.enforce.redaction import apply_redactions, detection_requests, merge_spans, redact_text
from proxy.enforce.report import MessageReport
from recognizers.custom import DetectionConfig
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


def _pending(rule: FieldRule) -> list[PendingRedaction]:
    return [PendingRedaction({"a": None}, "a", "text", rule, "body:a")]


def test_a_rule_without_entities_gets_the_personal_types_by_default() -> None:
    [request] = detection_requests(_pending(FieldRule(action="redact")))  # type: ignore[arg-type]

    assert request.entities is not None
    assert {"PERSON", "STREET_ADDRESS", "POSTCODE", "USERNAME", "EMAIL_ADDRESS"} <= set(
        request.entities)
    # Not personal on their own: left to the vendor under the standard sensitivity.
    assert not {"DATE_TIME", "ORGANIZATION", "NRP", "LOCATION"} & set(request.entities)


def test_strict_sensitivity_asks_for_every_type() -> None:
    options = DetectionConfig(sensitivity="strict")
    [request] = detection_requests(_pending(FieldRule(action="redact")),  # type: ignore[arg-type]
                                   options=options)

    assert request.entities is None


def test_a_rules_own_entities_win_over_the_sensitivity() -> None:
    rule = FieldRule(action="redact", entities=("LOCATION",))  # type: ignore[arg-type]
    [request] = detection_requests(_pending(rule), options=DetectionConfig())

    assert request.entities == ("LOCATION",)


def test_custom_recognizers_are_part_of_the_standard_set() -> None:
    options = DetectionConfig.model_validate({"recognizers": [
        {"name": "cust", "entity": "CUSTOMER_NUMBER", "patterns": [{"regex": "CUST-\\d+"}]}]})
    [request] = detection_requests(_pending(FieldRule(action="redact")),  # type: ignore[arg-type]
                                   options=options, vendor="crm")

    assert request.entities is not None and "CUSTOMER_NUMBER" in request.entities


def test_an_unknown_sensitivity_is_refused() -> None:
    with pytest.raises(ValidationError, match="sensitivity"):
        DetectionConfig.model_validate({"sensitivity": "paranoid"})


def test_entity_types_are_recorded_per_path_for_the_data_map() -> None:
    rule = FieldRule.model_validate("redact")
    pending = [PendingRedaction({"a": None}, "a", "Jane at 555", rule, "body:a"),
               PendingRedaction({"b": None}, "b", "nothing", rule, "body:b"),
               PendingRedaction({"a": None}, "a", "Joe", rule, "body:a")]
    report = MessageReport()
    apply_redactions(pending, [[Span(0, 4, "PERSON", 0.9), Span(8, 11, "PHONE_NUMBER", 0.9)],
                               [], [Span(0, 3, "PERSON", 0.9)]], report)
    assert report.found == {"body:a": {"PERSON": 2, "PHONE_NUMBER": 1}}  # nothing found at b
    assert "found" not in report.to_dict()  # the audit line is unchanged
