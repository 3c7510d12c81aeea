"""PostcodeRecognizer: UK and Canadian shapes alone; five-digit codes only with context."""

from __future__ import annotations

import pytest

from recognizers.patterns.postcode_recognizer import PostcodeRecognizer

RECOGNIZER = PostcodeRecognizer()


def found(text: str) -> list[str]:
    return [text[r.start : r.end] for r in RECOGNIZER.analyze(text, ["POSTCODE"])]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("London SW1A 1AA", ["SW1A 1AA"]),
        ("Ottawa K1A 0B1", ["K1A 0B1"]),
        ("Springfield, IL 62704", ["62704"]),
        ("zip code 90210-1234", ["90210-1234"]),
        ("PLZ 10115 Berlin", ["10115"]),
        ("postcode 1012 AB", ["1012 AB"]),
        ("order 12345 shipped", []),
        ("in 62704 cases", []),
        ("room 1012 AB", []),
    ],
)
def test_postcodes(text: str, expected: list[str]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"postal_code": "03925", "email": "x"}', ["03925"]),
        ('{"psc":"602 00","mesto":"Brno"}', ["602 00"]),
        ('{"work_zip":"43201","sso_login":"x"}', ["43201"]),
        ('{"postcode":"2026","template":"eta"}', ["2026"]),
        ('{"recap": "see notes"}', []),
        ('{"caption": "20129 votes"}', []),
    ],
)
def test_postcodes_under_record_keys(text: str, expected: list[str]) -> None:
    assert [text[r.start : r.end] for r in PostcodeRecognizer().analyze(text, ["POSTCODE"])] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Postal code of consignee 9307", ["9307"]),
        ("zip code is 94103.", ["94103"]),
        ("CEP: 01305-100", ["01305-100"]),
        ("Zip 614002, near the market", ["614002"]),  # six-digit codes (RU, CN, IN, RO)
        ("postal code 0150001", ["0150001"]),
        ("the post code SW1A 1AA", ["SW1A 1AA"]),
        ("zip it up", []),
        ("postal code of the area", []),
    ],
)
def test_postcode_after_its_label(text: str, expected: list[str]) -> None:
    found = PostcodeRecognizer().analyze(text, ["POSTCODE"])
    assert sorted(text[r.start : r.end] for r in found) == expected


@pytest.mark.parametrize(("text", "codes"), [
    ("The postcode on the form auto-filled 49614 which is wrong.", ["49614"]),
    ("Postcode also changed to 466357.", ["466357"]),
    ("zip files are 2024 style", []),                 # no connector before the number
])
def test_a_postcode_a_few_words_after_its_label(text: str, codes: list[str]) -> None:
    results = PostcodeRecognizer().analyze(text, ["POSTCODE"])

    assert [text[r.start:r.end] for r in results] == codes
