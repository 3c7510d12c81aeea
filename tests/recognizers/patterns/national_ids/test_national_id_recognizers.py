"""Non-US national ID recognizers: UK NINO, DE Steuer-ID, FR NIR, NL BSN, ES DNI/NIE."""

from __future__ import annotations

import pytest
from presidio_analyzer import EntityRecognizer

from recognizers.patterns.national_ids.de_tax_id_recognizer import DeTaxIdRecognizer
from recognizers.patterns.national_ids.es_nif_recognizer import EsNifRecognizer
from recognizers.patterns.national_ids.fr_nir_recognizer import FrNirRecognizer
from recognizers.patterns.national_ids.nl_bsn_recognizer import NlBsnRecognizer
from recognizers.patterns.national_ids.uk_nino_recognizer import UkNinoRecognizer

CASES: list[tuple[type[EntityRecognizer], str, list[str]]] = [
    (UkNinoRecognizer, "NI number AB 12 34 56 C", ["AB 12 34 56 C"]),
    (UkNinoRecognizer, "AB123456C", ["AB123456C"]),
    (UkNinoRecognizer, "ZZ123456C", []),  # prefix never issued
    (UkNinoRecognizer, "DA123456C", []),  # D is not a first letter
    (UkNinoRecognizer, "AB123456E", []),  # suffix A-D only
    # lower case, as typed into a form; the letters must agree in case
    (UkNinoRecognizer, "my ni is jk 30 41 52 b", ["jk 30 41 52 b"]),
    (UkNinoRecognizer, "ce405162a", ["ce405162a"]),
    (UkNinoRecognizer, "Jk 30 41 52 b", []),  # mixed case
    (UkNinoRecognizer, "ce405162A", []),
    (UkNinoRecognizer, "tn405162a", []),  # prefix never issued, in lower case too
    (UkNinoRecognizer, "ce405162e", []),  # suffix a-d only
    (DeTaxIdRecognizer, "Steuer-ID 65929970489", ["65929970489"]),
    (DeTaxIdRecognizer, "Steuer-ID: 65 929 970 489", ["65 929 970 489"]),
    (DeTaxIdRecognizer, "Steuer-ID 65929970488", []),  # check digit
    (DeTaxIdRecognizer, "call 65929970489", []),  # no tax word
    (DeTaxIdRecognizer, "tax id 12345678901", []),  # digit frequency rule
    (FrNirRecognizer, "NIR 2 84 05 73 512 116 48", ["2 84 05 73 512 116 48"]),
    (FrNirRecognizer, "sécu 184127645108946", ["184127645108946"]),
    (FrNirRecognizer, "184127645108947", []),  # key
    (NlBsnRecognizer, "BSN 111222333", ["111222333"]),
    (NlBsnRecognizer, "bsn: 123456782", ["123456782"]),
    (NlBsnRecognizer, "BSN 123456789", []),  # 11-proof fails
    (NlBsnRecognizer, "order 111222333", []),  # no BSN word
    (EsNifRecognizer, "DNI 12345678Z", ["12345678Z"]),
    (EsNifRecognizer, "NIE X1234567L", ["X1234567L"]),
    (EsNifRecognizer, "12345678-Z", ["12345678-Z"]),
    (EsNifRecognizer, "DNI 12345678A", []),  # control letter
    (EsNifRecognizer, "X1234567A", []),
    # a DNI below 10,000,000 without its leading zero, letter checked the same way
    (EsNifRecognizer, "su DNI es 7654321J", ["7654321J"]),
    (EsNifRecognizer, "3141592-E", ["3141592-E"]),
    (EsNifRecognizer, "2718281a", ["2718281a"]),
    (EsNifRecognizer, "07654321J", ["07654321J"]),  # the same number with its zero
    (EsNifRecognizer, "7654321K", []),  # control letter
    (EsNifRecognizer, "order 3141592 E shipped", []),  # a space only in the 8-digit form
    (EsNifRecognizer, "654321J", []),  # six digits
    (EsNifRecognizer, "ref-7654321J", []),  # part of an identifier
]


@pytest.mark.parametrize(("cls", "text", "expected"), CASES)
def test_national_ids(cls: type[EntityRecognizer], text: str, expected: list[str]) -> None:
    recognizer = cls()
    results = recognizer.analyze(text, recognizer.supported_entities)
    assert [text[r.start : r.end] for r in results] == expected
