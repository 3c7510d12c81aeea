"""Postcodes: UK and Canadian formats on their own; US ZIP and five-digit codes with context.

UK (``SW1A 1AA``) and Canadian (``K1A 0B1``) postcodes have a shape few other strings share. A
five-digit number (US ZIP, German PLZ, French code postal) or a Dutch ``1234 AB`` is only a
postcode when a postcode word (``zip``, ``postcode``, ``PLZ``, ...) is near or a US state code
stands right before it (``Springfield, IL 62704``).
"""

from __future__ import annotations

import regex

from recognizers.base import RegexRecognizer

US_STATES = frozenset(
    ["AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "PR"]
)
_STATE_BEFORE = regex.compile(r"\b([A-Z]{2})\.?,?\s*$")
_POSTCODE_WORDS = regex.compile(
    r"\b(?:zip|zipcode|postal|post\s?code|postleitzahl|plz|code postal|cp)\b", regex.IGNORECASE
)


class PostcodeRecognizer(RegexRecognizer):
    """UK, Canadian, US, German/French and Dutch postcodes (the last three with context)."""

    ENTITY = "POSTCODE"
    PATTERNS = (
        ("uk", r"(?<![\w-])(?:[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?) ?\d[ABD-HJLNP-UW-Z]{2}(?![\w-])", 0.6),
        ("ca", r"(?<![\w-])[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] ?\d[ABCEGHJ-NPRSTV-Z]\d(?![\w-])", 0.6),
        ("five_digit", r"(?<![\w.,/-])\d{5}(?:-\d{4})?(?![\w]|[.,/-]\d)", 0.5),
        ("nl", r"(?<![\w-])[1-9]\d{3} ?[A-Z]{2}(?![\w-])", 0.5),
    )
    CONTEXT = ("zip", "postcode", "postal", "plz")
    MIN_DIGITS = 2  # a UK postcode has two digits, the other formats more
    CONTEXT_PATTERNS = frozenset({"five_digit", "nl"})
    CONTEXT_WINDOW = 30

    def has_context(self, text: str, start: int, end: int) -> bool:
        """A postcode word near, or a US state code right before."""
        before = text[max(0, start - self.CONTEXT_WINDOW) : start]
        state = _STATE_BEFORE.search(before)
        if state and state.group(1) in US_STATES:
            return True
        return bool(_POSTCODE_WORDS.search(before))
