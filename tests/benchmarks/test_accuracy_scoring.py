"""The accuracy harness: how detected spans are scored, and how templates become labeled texts."""

from __future__ import annotations

import random

from benchmarks.accuracy.scoring import Scores
from benchmarks.accuracy.synthetic import Template, ValueMaker, fill, load_templates
from recognizers.types import Span

TEXT = "Hi Ana Lima, ship to Rua Augusta 1503, 01305-100 São Paulo near Lisbon today."
RECORD = {
    "full_text": TEXT, "locale": "pt_BR",
    "spans": [
        {"entity_type": "PERSON", "entity_value": "Ana Lima", "start_position": 3,
         "end_position": 11},
        {"entity_type": "STREET_ADDRESS", "entity_value": "Rua Augusta 1503, 01305-100 São Paulo",
         "start_position": 21, "end_position": 58},
        {"entity_type": "LOCATION", "entity_value": "Lisbon", "start_position": 64,
         "end_position": 70},
    ],
}


def test_tokens_count_as_removed_by_any_type_and_spans_need_every_token() -> None:
    scores = Scores()
    # The name read as an organization still leaves the vendor's copy; half the address is found.
    scores.add(RECORD, [Span(3, 11, "ORGANIZATION", 0.8), Span(21, 37, "STREET_ADDRESS", 0.8)])

    assert scores.by_type["PERSON"].recall == 1.0 and scores.by_type["PERSON"].span_recall == 1.0
    address = scores.by_type["STREET_ADDRESS"]
    assert (address.removed, address.tokens) == (3, 7)  # Rua Augusta 1503 of 7 tokens
    assert address.span_recall == 0.0
    assert scores.precision() == 1.0
    assert scores.locale_tally("pt_BR", {"PERSON"}).recall == 1.0


def test_bare_cities_are_left_out_by_default_and_counted_when_strict() -> None:
    spans = [Span(64, 70, "LOCATION", 0.8), Span(71, 76, "DATE_TIME", 0.8)]
    standard, strict = Scores(), Scores(strict=True)
    standard.add(RECORD, spans)
    strict.add(RECORD, spans)

    assert "LOCATION" not in standard.by_type
    assert standard.precision() == 0.0  # "today" removed, nothing labeled
    assert strict.by_type["LOCATION"].recall == 1.0 and strict.precision() == 0.5


def test_templates_fill_with_exact_offsets_and_join_adjacent_names() -> None:
    template = Template("t-1", "sms", "Hi {FIRST_NAME} {LAST_NAME}, zip {POSTCODE} in {CITY}.")
    record = fill(template, ValueMaker("de_DE", random.Random(3)), "x-1")

    kinds = [span["entity_type"] for span in record["spans"]]
    assert kinds == ["PERSON", "ZIP_CODE", "LOCATION"]  # first and last name: one span
    for span in record["spans"]:
        assert record["full_text"][span["start_position"]:span["end_position"]] == span[
            "entity_value"]


def test_splits_go_by_template_and_every_split_has_templates() -> None:
    templates = load_templates()
    splits = {t.split for t in templates}

    assert splits == {"train", "dev", "test"}
    assert Template("same-id", "a", "x").split == Template("same-id", "b", "y").split
