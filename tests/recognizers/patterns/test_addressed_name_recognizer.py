"""AddressedNameRecognizer: a bare name opening a message or signing it."""

from __future__ import annotations

import pytest

from recognizers.detector import Detector
from recognizers.patterns.addressed_name_recognizer import AddressedNameRecognizer
from recognizers.types import DetectionRequest


def _names(text: str) -> list[str]:
    return [text[r.start:r.end] for r in AddressedNameRecognizer().analyze(text, ["PERSON"])]


@pytest.mark.parametrize(("text", "names"), [
    ("Rita, o estafeta passou às 15h e não tocou.", ["Rita"]),
    ("Emily, can you check order 4471?", ["Emily"]),
    ("The delivery was due on the 2nd, your system says the 9th. Terry", ["Terry"]),
    ('{"note": "Call me back after six. Sabrina"}', ["Sabrina"]),
    ("Thanks for the quick fix.\n\nKind regards,\nSofia", ["Sofia"]),
    ("Merci d'avance,\nA. Rousseau-Nguyen", ["A. Rousseau-Nguyen"]),
    ("Viele Grüße\nJana Kowalczyk-Brandt", ["Jana Kowalczyk-Brandt"]),
    ("С поштовањем,\nДрагана Милосављевић", ["Драгана Милосављевић"]),
    ("Segue a ficha.\nAtt.,\nJéssica - Secretaria Escolar", ["Jéssica"]),
])
def test_names_that_open_or_sign_a_message(text: str, names: list[str]) -> None:
    assert _names(text) == names


@pytest.mark.parametrize("text", [
    "Unfortunately, the parcel is lost.",                 # an adverb by its ending
    "Yesterday, I called twice.",                         # an opener of NOT_NAMES
    "However, nobody answered.",                          # a stop word
    "Ticket closed. Resolved",                            # a status
    "Please reset it.\nThanks",                           # a closing word
    "We fixed the sync. Avoid Acme Tools.",               # two words after a sentence
    "Yours sincerely,\nDaniel Kiprotich\nRegistrar",      # a title under the signed name
    "Cheers,\nAmaral Rewards",                            # a programme, not a person
    "L'équipe vous remercie.\nL'équipe Produit",          # a French article
    "Hope, they say, is what keeps hope alive.",          # the text uses it as a word
])
def test_what_is_no_addressed_name(text: str) -> None:
    assert _names(text) == []


def test_a_place_the_model_reads_as_one_is_left_to_it(detector: Detector) -> None:
    text = "Paris, le 3 juin 2024. Objet : votre commande"

    spans = detector.analyze_batch([DetectionRequest(text, entities=["PERSON"])])[0]

    assert [text[s.start:s.end] for s in spans] == []
