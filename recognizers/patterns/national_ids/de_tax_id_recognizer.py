"""German tax identification numbers (Steuerliche Identifikationsnummer, "Steuer-ID").

Eleven digits, the first not 0; in the first ten digits exactly one digit occurs two or three
times (three times never in a row) and the rest at most once; the last digit is the ISO 7064
MOD 11,10 check digit. Eleven-digit numbers are common (phone numbers, order numbers), so the
recognizer also needs a tax word nearby.
"""

from __future__ import annotations

from collections import Counter

from recognizers.base import RegexRecognizer, digits_of


def steuer_id_valid(number: str) -> bool:
    """Digit-frequency rule and MOD 11,10 check digit of a Steuer-ID (digits only)."""
    if len(number) != 11 or number[0] == "0":
        return False
    counts = Counter(number[:10])
    repeated = [digit for digit, count in counts.items() if count > 1]
    if len(repeated) != 1 or counts[repeated[0]] > 3:
        return False
    if counts[repeated[0]] == 3 and repeated[0] * 3 in number[:10]:
        return False
    product = 10
    for char in number[:10]:
        total = (int(char) + product) % 10 or 10
        product = (total * 2) % 11
    check = (11 - product) % 10
    return check == int(number[10])


class DeTaxIdRecognizer(RegexRecognizer):
    """German Steuer-IDs with a tax word nearby."""

    ENTITY = "DE_TAX_ID"
    PATTERNS = (("steuer_id", r"(?<![\w.-])[1-9]\d(?: ?\d{3}){3}(?![\w]|[.-]\d)", 0.4),)
    CONTEXT = ("steuer", "steueridentifikationsnummer", "identifikationsnummer", "tax", "tin")
    MIN_DIGITS = 11
    REQUIRED_CONTEXT = r"steuer|\bid-?nr|identifikationsnummer|\btax\b|\btin\b"
    CONTEXT_PATTERNS = frozenset({"steuer_id"})

    def validate(self, value: str) -> bool | None:
        """Steuer-ID checksum."""
        return steuer_id_valid(digits_of(value))
