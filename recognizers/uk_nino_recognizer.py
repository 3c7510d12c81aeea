"""UK National Insurance numbers: two prefix letters, six digits, a suffix A-D.

No checksum exists; HMRC's allocation rules do the filtering: the first letter is not D, F, I, Q,
U or V, the second not D, F, I, O, Q, U or V, and the prefixes BG, GB, KN, NK, NT, TN and ZZ are
never issued. Spaces between the pairs are allowed (``QQ 12 34 56 C`` is the usual print form).
"""

from __future__ import annotations

from recognizers.base import RegexRecognizer

_UNISSUED = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})


class UkNinoRecognizer(RegexRecognizer):
    """UK National Insurance numbers."""

    ENTITY = "UK_NINO"
    PATTERNS = (
        (
            "nino",
            r"(?<![\w])[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D](?![\w])",
            0.7,
        ),
    )
    CONTEXT = ("national", "insurance", "nino", "ni")
    MIN_DIGITS = 6

    def validate(self, value: str) -> bool | None:
        """Reject prefixes HMRC never issues."""
        return False if value[:2].upper() in _UNISSUED else None
