"""UK National Insurance numbers: two prefix letters, six digits, a suffix A-D.

No checksum exists; HMRC's allocation rules do the filtering: the first letter is not D, F, I, Q,
U or V, the second not D, F, I, O, Q, U or V, and the prefixes BG, GB, KN, NK, NT, TN and ZZ are
never issued. Spaces between the pairs are allowed (``QQ 12 34 56 C`` is the usual print form).

Lower case (``qq123456c``, as typed into a form) is a NINO too, as Presidio's recognizer has it;
the letters must then all be lower case: a mixed ``Ab 12 34 56 c`` is far more likely words and
numbers side by side than a NINO someone typed.
"""

from __future__ import annotations

from recognizers.base import RegexRecognizer

_UNISSUED = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})


class UkNinoRecognizer(RegexRecognizer):
    """UK National Insurance numbers, upper or lower case."""

    ENTITY = "UK_NINO"
    PATTERNS = (
        (
            "nino",
            r"(?<![\w])[A-CEGHJ-PR-TW-Za-ceghj-pr-tw-z][A-CEGHJ-NPR-TW-Za-ceghj-npr-tw-z]"
            r" ?\d{2} ?\d{2} ?\d{2} ?[A-Da-d](?![\w])",
            0.7,
        ),
    )
    CONTEXT = ("national", "insurance", "nino", "ni")
    MIN_DIGITS = 6

    def validate(self, value: str) -> bool | None:
        """Reject prefixes HMRC never issues and mixed-case letters."""
        letters = value[:2] + value[-1]
        if not (letters.isupper() or letters.islower()):
            return False
        return False if value[:2].upper() in _UNISSUED else None
