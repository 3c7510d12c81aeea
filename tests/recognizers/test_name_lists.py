"""add_listed_names: the names listed beside a detected name."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from recognizers.name_lists import add_listed_names
from recognizers.types import Span


def _names(text: str, seed: str, others: Sequence[str] = ()) -> list[str]:
    start = text.index(seed)
    regions = [(text.index(o), text.index(o) + len(o)) for o in others]
    spans = add_listed_names(text, [Span(start, start + len(seed), "PERSON", 0.9)], regions)
    return [text[s.start:s.end] for s in spans if s.entity_type == "PERSON"]


@pytest.mark.parametrize(("text", "seed", "names"), [
    ("Attendees: Priya, Tomasz, Keanu, Grace (notes), Hollis\n- next", "Priya",
     ["Priya", "Tomasz", "Keanu", "Grace", "Hollis"]),
    ("Somos Santiago y Valentina, trabajamos", "Santiago", ["Santiago", "Valentina"]),
    ("missing for Aiden R., Skye, Mackenzie P. and Rowan. Please", "Skye",
     ["Aiden R.", "Skye", "Mackenzie P.", "Rowan"]),
    ("R$ 32 cada. Bruno e Léo tão devendo", "Léo", ["Bruno", "Léo"]),
    ("sent to Anders Ljung instead of Laila Jonsson. Recall", "Anders Ljung",
     ["Anders Ljung", "Laila Jonsson"]),
])
def test_the_other_items_of_a_list_of_names(text: str, seed: str, names: list[str]) -> None:
    assert _names(text, seed) == names


@pytest.mark.parametrize(("text", "seed", "others", "names"), [
    ("Thanks Anna, Best Regards", "Anna", [], ["Anna"]),            # a common word
    ("I met Anna in Paris, Berlin and Rome.", "Anna", [], ["Anna"]),  # not joined to her
    ("Anna, Berlin and Rome", "Anna", ["Berlin", "Rome"], ["Anna"]),  # the model's places
    ("Anna and the team", "Anna", [], ["Anna"]),                      # lower case
])
def test_what_is_no_listed_name(text: str, seed: str, others: list[str],
                                names: list[str]) -> None:
    assert _names(text, seed, others) == names
