"""resolve_overlaps: one label per span, by priority level, then score, then length."""

from __future__ import annotations

from recognizers.overlaps import resolve_overlaps
from recognizers.types import Span

TEXT = "John Smith 212-555-0198 at john@example.com"


def test_pattern_beats_ner_and_person_is_cut() -> None:
    spans = [Span(0, 23, "PERSON", 0.85), Span(11, 23, "PHONE_NUMBER", 0.4)]
    assert resolve_overlaps(spans, TEXT) == [
        Span(0, 10, "PERSON", 0.85),
        Span(11, 23, "PHONE_NUMBER", 0.4),
    ]


def test_validated_beats_pattern_and_contained_loser_is_dropped() -> None:
    spans = [Span(27, 43, "EMAIL_ADDRESS", 1.0), Span(32, 43, "URL", 0.5)]
    assert resolve_overlaps(spans, TEXT) == [Span(27, 43, "EMAIL_ADDRESS", 1.0)]


def test_ner_labels_other_than_person_are_dropped_not_cut() -> None:
    spans = [Span(0, 23, "ORGANIZATION", 0.85), Span(11, 23, "PHONE_NUMBER", 0.4)]
    assert resolve_overlaps(spans, TEXT) == [Span(11, 23, "PHONE_NUMBER", 0.4)]


def test_same_level_higher_score_wins_and_order_does_not_matter() -> None:
    a, b = Span(11, 23, "PHONE_NUMBER", 0.75), Span(11, 23, "US_SSN", 0.5)
    assert resolve_overlaps([a, b], TEXT) == resolve_overlaps([b, a], TEXT) == [a]


def test_deny_list_beats_everything() -> None:
    spans = [Span(27, 43, "EMAIL_ADDRESS", 1.0), Span(27, 31, "DENIED_TERM", 1.0)]
    assert resolve_overlaps(spans, TEXT)[0] == Span(27, 31, "DENIED_TERM", 1.0)


def test_custom_levels_override() -> None:
    spans = [Span(11, 23, "PHONE_NUMBER", 0.75), Span(11, 23, "CUSTOMER_NUMBER", 0.6)]
    assert resolve_overlaps(spans, TEXT, {"CUSTOMER_NUMBER": 3}) == [spans[1]]


def test_overlapping_spans_of_one_type_merge_into_their_union() -> None:
    text = "ship to Hauptstr. 5a, 8001 Zürich today"
    pattern = Span(8, 20, "STREET_ADDRESS", 0.6)   # Hauptstr. 5a
    model = Span(14, 33, "STREET_ADDRESS", 0.85)   # 5a, 8001 Zürich

    assert resolve_overlaps([pattern, model], text) == [Span(8, 33, "STREET_ADDRESS", 0.85)]


def test_a_postcode_inside_the_models_address_goes_with_the_address() -> None:
    text = "ship to Hauptstr. 5a, 8001 Zürich today"
    spans = [Span(8, 33, "STREET_ADDRESS", 0.85), Span(22, 26, "POSTCODE", 0.6)]

    assert resolve_overlaps(spans, text) == [Span(8, 33, "STREET_ADDRESS", 0.85)]


def test_a_postcode_inside_an_address_is_left_to_it() -> None:
    text = "RR 2 BOX 148\nHARLAN IA 51537"
    spans = [Span(0, len(text), "STREET_ADDRESS", 0.7), Span(9, 12, "POSTCODE", 0.85)]

    assert resolve_overlaps(spans, text) == [Span(0, len(text), "STREET_ADDRESS", 0.7)]


def test_a_postcode_stays_when_a_validated_span_cuts_the_address_around_it() -> None:
    # The model's run over a table row: the IBAN cuts it, and the longer part after the IBAN
    # is what stays of the address; the postcode before the IBAN must stay covered.
    text = "Jansen;3581 KP;NL71 RABO 0314 2276 58;1979-02-11\n100483;Fatima el Idrissi;1055"
    iban = text.index("NL71")
    spans = [Span(0, len(text), "STREET_ADDRESS", 0.85), Span(7, 14, "POSTCODE", 0.85),
             Span(iban, iban + 22, "IBAN_CODE", 1.0)]

    resolved = resolve_overlaps(spans, text)

    assert any(s.start <= 7 and 14 <= s.end for s in resolved)
