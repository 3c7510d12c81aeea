"""UsSsnRecognizer: formats people write, SSA structure rules, context for bare digits."""

from __future__ import annotations

import pytest

from recognizers.patterns.national_ids.us_ssn_recognizer import UsSsnRecognizer

RECOGNIZER = UsSsnRecognizer()


def found(text: str) -> list[str]:
    return [text[r.start : r.end] for r in RECOGNIZER.analyze(text, ["US_SSN"])]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SSN 078-05-1120", ["078-05-1120"]),  # Presidio rejects this sample number
        ("my ssn is 219-09-9999", ["219-09-9999"]),
        ("078 05 1120", ["078 05 1120"]),
        ("078.05.1120", ["078.05.1120"]),
        ("social security number 078051120", ["078051120"]),
        # near misses
        ("order 078051120 shipped", []),  # bare nine digits without an SSN word
        ("000-12-3456", []),
        ("666-12-3456", []),
        ("912-12-3456", []),
        ("123-00-4567", []),
        ("123-45-0000", []),
        ("111-11-1111", []),
        ("ref 078-05-1120-7", []),
    ],
)
def test_ssn(text: str, expected: list[str]) -> None:
    assert found(text) == expected
