"""Dates of birth: a date written right after a birth word (``DOB:``, ``born on``, ``birthday``).

A date alone is not a date of birth (order dates, timestamps), so the birth word is required
within a short window before the date. Formats: ISO ``1983-04-02``, ``04/02/1983``, ``2.4.1983``,
``April 2, 1983``, ``2 April 1983``, ``2nd of April 1983``, ``Apr 2nd 1983``. The year must be
between 1900 and 2029 and the day and month plausible.
"""

from __future__ import annotations

import regex

from recognizers.base import RegexRecognizer
from recognizers.prefilter import WordGate

_MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:19\d{2}|20[0-2]\d)"
_NUMERIC = regex.compile(r"(\d{1,4})[-/.](\d{1,2})[-/.](\d{2,4})")


class DateOfBirthRecognizer(RegexRecognizer):
    """Dates of birth (a date with a birth word before it)."""

    ENTITY = "DATE_OF_BIRTH"
    PATTERNS = (
        ("iso", r"(?<![\w-])" + _YEAR + r"-(?:0?[1-9]|1[0-2])-(?:[12]\d|3[01]|0?[1-9])(?![\w]|-\d)", 0.8),
        ("numeric", r"(?<![\w./-])\d{1,2}[/.-]\d{1,2}[/.-](?:\d{2}|" + _YEAR + r")(?![\w]|[./-]\d)", 0.8),
        ("month_first", r"(?<![\w])" + _MONTHS + r"\s+" + _DAY + r",?\s+" + _YEAR + r"(?![\w])", 0.8),
        ("day_first", r"(?<![\w])" + _DAY + r"(?:\s+of)?\s+" + _MONTHS + r",?\s+" + _YEAR + r"(?![\w])", 0.8),
    )
    FLAGS = regex.IGNORECASE
    CONTEXT = ("born", "birth", "dob", "birthday", "birthdate")
    MIN_DIGITS = 4  # every format holds a four-digit year or d/m/yy
    REQUIRED_CONTEXT = (
        r"\b(?:born|birth|d\.?o\.?b|birthday|birthdate|bday|geb(?:oren|\.)?|né|née|"
        r"urodzenia|urodzin|nacimiento|nascimento|naissance|geburtsdatum|nascita|ngày sinh|"
        r"doğum tarihi|syntymäaika|fødselsdato|födelsedatum|narození|születési)\b"
        # record keys: "date_of_birth", "birth_date", "ngay_sinh", "fecha_nacimiento"
        r"|_birth|birth_|_dob\b|\bdob_|ngay_sinh|_nacimiento|_nascimento|_naissance"
    )
    CONTEXT_PATTERNS = frozenset({"iso", "numeric", "month_first", "day_first"})
    # A piece of every context word above, as plain words: scanning the text for them is much
    # cheaper than the context regex, which then runs only on the texts that hold one.
    GATE_WORDS = WordGate([
        "born", "birth", "dob", "d.ob", "do.b", "d.o.b", "bday", "geb", "né", "urodz", "nacimiento",
        "nascimento", "naissance", "nascita", "ngày sinh", "ngay_sinh", "doğum tarihi",
        "syntymäaika", "fødselsdato", "födelsedatum", "narození", "születési",
    ])
    CONTEXT_WINDOW = 30

    def validate(self, value: str) -> bool | None:
        """Plausible day and month for numeric forms."""
        match = _NUMERIC.fullmatch(value)
        if match is None:
            return None
        first, second, third = (int(part) for part in match.groups())
        if len(match.group(1)) == 4:
            month, day = second, third
            return None if 1 <= month <= 12 and 1 <= day <= 31 else False
        # d/m/y or m/d/y: one of the two readings must be a valid date.
        if (1 <= first <= 12 and 1 <= second <= 31) or (1 <= second <= 12 and 1 <= first <= 31):
            return None
        return False
