"""National identity numbers after their label, in many countries' formats."""

from __future__ import annotations

import pytest

from recognizers.patterns.national_ids.labeled_national_id_recognizer import (
    LabeledNationalIdRecognizer,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Zhang Hao's resident ID is 440304199008175230. He starts", ["440304199008175230"]),
        ("Codice fiscale per contratto: DSNGLI79M52D612L.", ["DSNGLI79M52D612L"]),
        ("viewed record (fields: ssn=19321348072, dob=21/07/1969)", ["19321348072"]),
        ("Kadri Tamm, isikukood 48706120221, elukoht", ["48706120221"]),
        ("mi CURP es GUOF880623MJCTCR08. Me cobraron", ["GUOF880623MJCTCR08"]),
        ("PAN: AKJPI4827L | Aadhaar: 5381 2904 7716", ["AKJPI4827L", "5381 2904 7716"]),
        ("National ID 1084726395, mobile +966", ["1084726395"]),
        ("NIK untuk kontrak: 3174051207830004.", ["3174051207830004"]),
        ("C.C. 1.020.745.318, Carrera 7", ["1.020.745.318"]),
        ("dowód osobisty AYD 482917. Kaucję", ["AYD 482917"]),
        ('{"cccd":"079203004128","sdt":"0903"}', ["079203004128"]),
        ("rut: 18.442.731-1", ["18.442.731-1"]),
        # a label word without an identity number, or a number too short to be one
        ("the pan is 12 inches wide", []),
        ("pan fried for 10 minutes at 180C", []),
        ("DNI 1234", []),
        ("national id card renewal opens in 2025", []),
    ],
)
def test_labeled_national_ids(text: str, expected: list[str]) -> None:
    found = LabeledNationalIdRecognizer().analyze(text, ["NATIONAL_ID"])
    assert sorted(text[r.start : r.end] for r in found) == sorted(expected)
