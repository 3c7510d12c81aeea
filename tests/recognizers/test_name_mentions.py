"""Other mentions of a detected name are names too."""

from __future__ import annotations

import pytest

from recognizers.detector import Detector
from recognizers.name_mentions import add_name_mentions
from recognizers.patterns.common_words import common_words
from recognizers.types import DetectionRequest, Span


def _person(text: str, name: str, start: int = 0) -> Span:
    at = text.index(name, start)
    return Span(at, at + len(name), "PERSON", 0.85)


def test_a_part_of_a_full_name_is_followed_in_any_case() -> None:
    text = "Attendees: Kaito Mori, Ana Ruiz\n- kaito to share the board\n- Mori and ANA agreed"
    spans = [_person(text, "Kaito Mori"), _person(text, "Ana Ruiz")]

    found = {text[s.start:s.end] for s in add_name_mentions(text, spans)}

    assert found == {"Kaito Mori", "Ana Ruiz", "kaito", "Mori", "ANA"}


def test_lone_words_common_words_and_cue_words_are_not_followed() -> None:
    text = "Will Baker called. I will call Water Board. Dear Kak Rizky, kak is fine. Water."
    spans = [_person(text, "Will Baker"), _person(text, "Water"),
             _person(text, "Kak Rizky")]

    added = [text[s.start:s.end] for s in add_name_mentions(text, spans)
             if s not in spans]

    # "will" is a stop word, "Water" was a lone word, "Kak" a title; only "Baker" could be
    # followed, and it is not mentioned again.
    assert added == []
    assert {"will", "van", "kak", "consignee"} <= common_words()


def test_a_span_of_another_type_is_never_overwritten() -> None:
    text = "Jan Kowalski wrote from jan.kowalski@example.com"
    email = Span(text.index("jan."), len(text), "EMAIL_ADDRESS", 1.0)

    spans = add_name_mentions(text, [_person(text, "Jan Kowalski"), email])

    assert [(s.entity_type, text[s.start:s.end]) for s in spans] == [
        ("PERSON", "Jan Kowalski"), ("EMAIL_ADDRESS", "jan.kowalski@example.com")]


@pytest.mark.parametrize("entities", [None, ["PERSON"]])
def test_the_detector_removes_every_mention(detector: Detector,
                                            entities: list[str] | None) -> None:
    text = "Attendees: Priscila Gómez, Élodie Marchand.\n- priscila: vendor contract\n- élodie wants the proxy"

    [spans] = detector.analyze_batch([DetectionRequest(text, entities=entities)])

    covered = "".join(ch if not any(s.start <= i < s.end for s in spans) else "#"
                      for i, ch in enumerate(text))
    for name in ("Priscila", "Gómez", "Élodie", "Marchand", "priscila", "élodie"):
        assert name not in covered


def test_not_asked_for_persons_no_mentions(detector: Detector) -> None:
    text = "Attendees: Priscila Gómez.\n- priscila: vendor contract"

    [spans] = detector.analyze_batch([DetectionRequest(text, entities=["EMAIL_ADDRESS"])])

    assert spans == []


def test_an_allowed_mention_stays() -> None:
    text = "Kaito Mori joined. Mori Building is our office."
    allowed = [(text.index("Mori Building"), text.index("Mori Building") + 13)]

    spans = add_name_mentions(text, [_person(text, "Kaito Mori")], allowed)

    assert [text[s.start:s.end] for s in spans] == ["Kaito Mori"]


def test_stop_words_of_every_language_load_without_their_language_packages() -> None:
    import sys

    from recognizers.patterns.common_words import STOP_WORD_LANGUAGES, stop_words

    words = stop_words()

    assert {"the", "los", "und", "je", "dari", "είμαι"} <= words
    assert len(STOP_WORD_LANGUAGES) >= 20
    assert "spacy.lang.tl" not in sys.modules  # the package (and its tables) stays unloaded


def test_a_part_inside_an_address_or_a_handle_is_no_mention() -> None:
    """The contract decides about e-mail addresses and handles; a mention is a word of its own."""
    text = ("Jolene Brightwater asked, reach jolene.brightwater@example.com or @jolene_b, "
            "see /users/jolene and jolene2; Jolene agreed.")

    spans = add_name_mentions(text, [_person(text, "Jolene Brightwater")])

    assert [text[s.start:s.end] for s in spans] == ["Jolene Brightwater", "Jolene"]


def test_a_lone_name_found_by_a_cue_is_followed() -> None:
    text = "Hi Sarah, your parcel is late. sarah, please confirm. Water is wet, Water."
    spans = [Span(3, 8, "PERSON", 0.9), _person(text, "Water")]

    added = [text[s.start:s.end] for s in add_name_mentions(text, spans) if s not in spans]

    # The cue's "Sarah" (score above the model's) is followed; the model's lone "Water" is not.
    assert added == ["sarah"]
