"""Postcodes: UK and Canadian formats on their own; US ZIP and five-digit codes with context.

UK (``SW1A 1AA``) and Canadian (``K1A 0B1``) postcodes have a shape few other strings share. A
five-digit number (US ZIP, German PLZ, French code postal) or a Dutch ``1234 AB`` is only a
postcode when a postcode word (``zip``, ``postcode``, ``PLZ``, ...) is near or a US state code
stands right before it (``Springfield, IL 62704``).
"""

from __future__ import annotations

import regex

from recognizers.base import RegexRecognizer
from recognizers.prefilter import WordGate

US_STATES = frozenset(
    ["AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "PR"]
)
_STATE_BEFORE = regex.compile(r"\b([A-Z]{2})\.?,?\s*$")
# Letters, not word characters, around the word: a record key "postal_code" or "work_zip" holds it.
_POSTCODE_WORDS = regex.compile(
    r"(?<![a-z])(?:zip|zipcode|postal|post\s?code|postleitzahl|plz|code postal|cp)(?![a-z])",
    regex.IGNORECASE,
)
# Keys of a record whose value is a postcode of any country ("postal_code": "03925",
# "psc": "602 00", "work_zip": "43201", "postcode": "2026").
_POSTCODE_KEY = (
    r"(?i:zip|zipcode|zip_code|postal|postal_?code|post_?code|postcode|postleitzahl|plz|cep|cap|"
    r"psc|pincode|pin_code|codigo_?postal|c[oó]digo postal|code_?postal|postnummer|postinumero|"
    r"irsz|kod_?pocztowy|indeks|почтовый_?индекс|indice|eircode)"
)


class PostcodeRecognizer(RegexRecognizer):
    """UK, Canadian, US, German/French and Dutch postcodes (the last three with context)."""

    ENTITY = "POSTCODE"
    PATTERNS = (
        ("uk", r"(?<![\w-])(?:[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?) ?\d[ABD-HJLNP-UW-Z]{2}(?![\w-])", 0.6),
        ("ca", r"(?<![\w-])[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] ?\d[ABCEGHJ-NPRSTV-Z]\d(?![\w-])", 0.6),
        ("five_digit", r"(?<![\w.,/-])\d{5}(?:-\d{4})?(?![\w]|[.,/-]\d)", 0.5),
        ("nl", r"(?<![\w-])[1-9]\d{3} ?[A-Z]{2}(?![\w-])", 0.5),
        # The key as a lookbehind behind the value's first character: cheap where none is.
        # "Postal code of consignee 9307", "zip code is 94103", "CEP: 01305-100",
        # "Postcode also changed to E0910RP".
        ("labeled", (r"(?<![\w])(?i:postal[ \t]?code|post[ \t]?code|zip(?:[ \t]?code)?|postleitzahl|"
                     r"c[oó]digo[ \t]postal|code[ \t]postal|cep|plz)"
                     # a few lower-case words between: "of consignee", "also changed to",
                     # "on the form auto-filled"
                     r"(?:[ \t]+(?i:of|for|is|de|do|da|der|des)(?:[ \t]+\p{Ll}+){0,2}"
                     r"|(?:[ \t]+\p{Ll}[\p{Ll}'-]*){0,4}?[ \t]+(?i:is|was|to|as|now|filled|auto-filled|"
                     r"est|ist|es|é))?[ \t]*[:#=]?[ \t]*"
                     r"(?P<value>(?=[A-Z0-9 -]*\d)(?:[A-Z0-9]{2,5}(?:[ -][A-Z0-9]{2,4})?|\d{6,8}))(?![\w-])"), 0.6),
        ("keyed", (rf"(?=[A-Za-z0-9])(?<={_POSTCODE_KEY}[\"']?\s*[:=]\s*[\"']?)"
                   r"[A-Za-z0-9](?:[A-Za-z0-9 -]{1,8}[A-Za-z0-9])?(?=[\"',;}\]\n]|\s*$)"), 0.6),
    )
    CONTEXT = ("zip", "postcode", "postal", "plz")
    # A keyed postcode follows one of its keys (substrings of every key above).
    PATTERN_GATES = {"labeled": WordGate(["postal", "post", "zip", "postleitzahl", "postal",
                                          "código", "codigo", "code", "cep", "plz"]),
                     "keyed": WordGate([
        "zip", "postal", "post", "plz", "cep", "cap", "psc", "pin", "codigo", "código", "code",
        "irsz", "kod", "indeks", "почтовый", "indice"])}
    MIN_DIGITS = 2  # a UK postcode has two digits, the other formats more
    CONTEXT_PATTERNS = frozenset({"five_digit", "nl"})
    CONTEXT_WINDOW = 30

    def validate(self, value: str) -> bool | None:
        """Every postcode format holds two digits or more (a keyed value may be any word)."""
        return None if sum(ch.isdigit() for ch in value) >= 2 else False

    def has_context(self, text: str, start: int, end: int) -> bool:
        """A postcode word near, or a US state code right before."""
        before = text[max(0, start - self.CONTEXT_WINDOW) : start]
        state = _STATE_BEFORE.search(before)
        if state and state.group(1) in US_STATES:
            return True
        return bool(_POSTCODE_WORDS.search(before))
