"""extend_addresses: the town after a street address joins it; the next sentence does not."""

from __future__ import annotations

import pytest

from recognizers.address_extent import extend_addresses
from recognizers.types import Span


@pytest.mark.parametrize(
    ("text", "address", "expected"),
    [
        ("a Calle Sierpes 48, 3º B, 41004 Sevilla y por correo", "Calle Sierpes 48, 3º B, 41004",
         "Calle Sierpes 48, 3º B, 41004 Sevilla"),
        ("Address 14B Ogunlana Drive, Surulere, Lagos. My phone", "14B Ogunlana Drive, Surulere",
         "14B Ogunlana Drive, Surulere, Lagos"),
        ("de Guatemala 4870, 2° A, Palermo, CABA se puede", "Guatemala 4870, 2° A, Palermo",
         "Guatemala 4870, 2° A, Palermo, CABA"),
        ("al Av. Chapultepec 480, 44160 Guadalajara, Jal. y nadie",
         "Av. Chapultepec 480, 44160 Guadalajara", "Av. Chapultepec 480, 44160 Guadalajara, Jal."),
        ("Εγνατίας 128, 546 30 Θεσσαλονίκη.", "Εγνατίας 128, 546 30", "Εγνατίας 128, 546 30 Θεσσαλονίκη"),
        # Not a town: the next field, or a capitalized word that goes on into a sentence.
        ("at Main St 5, Phone: 555 0100", "Main St 5", "Main St 5"),
        ("at Main St 5 Springfield Mall 12 is closed", "Main St 5", "Main St 5"),
    ],
)
def test_the_town_after_an_address_joins_it(text: str, address: str, expected: str) -> None:
    start = text.index(address)
    (span,) = extend_addresses(text, [Span(start, start + len(address), "STREET_ADDRESS", 0.8)])
    assert text[span.start : span.end] == expected


def test_an_extension_stops_at_the_next_span_and_leaves_other_types_alone() -> None:
    text = "Calle Sierpes 48, 41004 Ana Ruiz. Tel 1"
    spans = [Span(0, 23, "STREET_ADDRESS", 0.8), Span(24, 32, "PERSON", 0.9)]
    assert extend_addresses(text, spans) == spans


def test_a_bracketed_postcode_after_an_address_joins_it() -> None:
    text = "delivered to House No. 9, OsmaniChar Square (7953) but he was out"
    start = text.index("House")
    end = text.index(" (7953)")
    [span] = extend_addresses(text, [Span(start, end, "STREET_ADDRESS", 0.8)])
    assert text[span.start:span.end] == "House No. 9, OsmaniChar Square (7953)"
    # brackets holding words are no postcode
    other = "at 12 Main Street (back door) today"
    [kept] = extend_addresses(other, [Span(3, 17, "STREET_ADDRESS", 0.8)])
    assert other[kept.start:kept.end] == "12 Main Street"


def test_postcode_town_and_region_after_a_street_join_it() -> None:
    text = "Envíelo a Cl. 63 # 1-89 Este, 057551, Ituango, Antioquia antes del viernes."
    start = text.index("Cl.")
    end = text.index(", 057551")
    [span] = extend_addresses(text, [Span(start, end, "STREET_ADDRESS", 0.8)])
    assert text[span.start:span.end] == "Cl. 63 # 1-89 Este, 057551, Ituango, Antioquia"
