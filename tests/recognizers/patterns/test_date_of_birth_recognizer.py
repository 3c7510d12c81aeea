"""DateOfBirthRecognizer and AgeRecognizer: with their words, and dates or numbers without them."""

from __future__ import annotations

import pytest
from presidio_analyzer import EntityRecognizer

from recognizers.patterns.age_recognizer import AgeRecognizer
from recognizers.patterns.date_of_birth_recognizer import DateOfBirthRecognizer

CASES: list[tuple[type[EntityRecognizer], str, list[str]]] = [
    (DateOfBirthRecognizer, "DOB: 1983-04-02", ["1983-04-02"]),
    (DateOfBirthRecognizer, "born on April 2, 1983", ["April 2, 1983"]),
    (DateOfBirthRecognizer, "date of birth 02.04.1983", ["02.04.1983"]),
    (DateOfBirthRecognizer, "my bday is 2 April 1983", ["2 April 1983"]),
    (DateOfBirthRecognizer, "birthday: 4/2/1983", ["4/2/1983"]),
    (DateOfBirthRecognizer, "order placed on 2024-03-15", []),
    (DateOfBirthRecognizer, "DOB: 1983-13-02", []),
    (DateOfBirthRecognizer, "born 45/45/1983", []),
    (AgeRecognizer, "she is 42 years old", ["42"]),
    (AgeRecognizer, "a 35-year-old man", ["35"]),
    (AgeRecognizer, "aged 67", ["67"]),
    (AgeRecognizer, "age: 30", ["30"]),
    (AgeRecognizer, "im 45 yrs old", ["45"]),
    (AgeRecognizer, "Mentioned she is 73 and retiring", ["73"]),
    (AgeRecognizer, "a 3-year warranty", []),
    (AgeRecognizer, "2 years ago", []),
    (AgeRecognizer, "he is 30 minutes late", []),
    (AgeRecognizer, "aged 250", []),
]


@pytest.mark.parametrize(("cls", "text", "expected"), CASES)
def test_dates_and_ages(cls: type[EntityRecognizer], text: str, expected: list[str]) -> None:
    recognizer = cls()
    results = recognizer.analyze(text, recognizer.supported_entities)
    assert [text[r.start : r.end] for r in results] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("PESEL 88120703517, data urodzenia 07.12.1988. Adres", ["07.12.1988"]),
        ('{"ngay_sinh":"2003-09-18"}', ["2003-09-18"]),
        ('{"date_of_birth":"1989-02-17","ni_number":"SK 71"}', ["1989-02-17"]),
        ("Geburtsdatum: 12.04.1990", ["12.04.1990"]),
        ('{"order_date":"2024-03-01"}', []),
    ],
)
def test_birth_words_of_other_languages_and_record_keys(text: str, expected: list[str]) -> None:
    found = DateOfBirthRecognizer().analyze(text, ["DATE_OF_BIRTH"])
    assert [text[r.start : r.end] for r in found] == expected
