"""PersonCueRecognizer: names after greetings, introductions, titles, roles; not after others."""

from __future__ import annotations

import pytest

from recognizers.person_cue_recognizer import PersonCueRecognizer

RECOGNIZER = PersonCueRecognizer()


def found(text: str) -> list[str]:
    return [text[r.start : r.end] for r in RECOGNIZER.analyze(text, ["PERSON"])]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hi Sarah, thanks", ["Sarah"]),
        ("Thanks, Tom Lee", ["Tom Lee"]),
        ("my name is Ana Ruiz and", ["Ana Ruiz"]),
        ("Mrs. Okafor called", ["Okafor"]),
        ("Customer Philippine Boyer (x@example.com) reports", ["Philippine Boyer"]),
        ("Bradley Clark here, my order", ["Bradley Clark"]),
        ('signup name="Édouard-Paul Morvan" email=x', ["Édouard-Paul Morvan"]),
        ("Hi team", []),
        ("Thanks again", []),
        ("Shipped with UPS Ground", []),
        ("Customer service is closed", []),
    ],
)
def test_cues(text: str, expected: list[str]) -> None:
    assert found(text) == expected
