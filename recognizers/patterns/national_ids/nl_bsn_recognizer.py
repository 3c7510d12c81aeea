"""Dutch citizen service numbers (BSN, burgerservicenummer), 11-proof checked.

Nine digits (older ones eight, written with a leading zero) whose weighted sum
``9*d1 + 8*d2 + ... + 2*d8 - 1*d9`` is divisible by 11. One random nine-digit number in eleven
passes, so a BSN word must be near.
"""

from __future__ import annotations

from recognizers.base import RegexRecognizer, digits_of


def bsn_valid(number: str) -> bool:
    """The 11-proof of a BSN (digits only, eight or nine)."""
    if len(number) == 8:
        number = "0" + number
    if len(number) != 9 or number == "000000000":
        return False
    total = sum(int(d) * w for d, w in zip(number[:8], range(9, 1, -1), strict=True))
    total -= int(number[8])
    return total % 11 == 0


class NlBsnRecognizer(RegexRecognizer):
    """Dutch BSNs with a BSN word nearby."""

    ENTITY = "NL_BSN"
    PATTERNS = (("bsn", r"(?<![\w.-])\d{4}[ .]?\d{2}[ .]?\d{3}(?![\w]|[.-]\d)", 0.4),)
    CONTEXT = ("bsn", "burgerservicenummer", "sofinummer", "citizen", "service")
    MIN_DIGITS = 9
    REQUIRED_CONTEXT = r"\bbsn\b|burgerservice|sofi|citizen service"
    CONTEXT_PATTERNS = frozenset({"bsn"})

    def validate(self, value: str) -> bool | None:
        """11-proof."""
        return bsn_valid(digits_of(value))
