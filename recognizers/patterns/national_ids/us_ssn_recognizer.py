"""US Social Security numbers as people write them.

Presidio rejects a list of "sample" numbers such as 078-05-1120 (the Woolworth wallet card), yet
people do write them, and a sample number in a support ticket is still a number shaped like a
person's identifier. We only apply the structural rules of the SSA: area not 000, 666 or 9xx,
group not 00, serial not 0000, not one repeated digit.

Formats: ``078-05-1120``, ``078 05 1120``, ``078.05.1120``; a bare ``078051120`` only next to an
SSN word (nine-digit numbers are everywhere).
"""

from __future__ import annotations

from recognizers.base import RegexRecognizer, digits_of

_B = r"(?<![\w.-])"
_E = r"(?![\w]|[.-]\d)"


class UsSsnRecognizer(RegexRecognizer):
    """US SSNs with dash, space or dot separators; bare nine digits with context."""

    ENTITY = "US_SSN"
    PATTERNS = (
        ("dashed", _B + r"\d{3}-\d{2}-\d{4}" + _E, 0.6),
        ("spaced", _B + r"\d{3}[ .]\d{2}[ .]\d{4}" + _E, 0.5),
        ("bare", _B + r"\d{9}" + _E, 0.6),
    )
    CONTEXT = ("ssn", "social", "security", "ss#", "taxpayer")
    MIN_DIGITS = 9
    REQUIRED_CONTEXT = r"\b(?:ssn|ss#|ss no|social(?:\s+security)?|soc\.? ?sec)"
    CONTEXT_PATTERNS = frozenset({"bare"})

    def validate(self, value: str) -> bool | None:
        """SSA structure rules; ``None`` (keep the pattern score) when they hold."""
        number = digits_of(value)
        if len(number) != 9:
            return False  # \d also matched non-ASCII digits (the detector normalizes them first)
        area, group, serial = number[:3], number[3:5], number[5:]
        if area in ("000", "666") or area[0] == "9" or group == "00" or serial == "0000":
            return False
        if len(set(number)) == 1:
            return False
        return None
