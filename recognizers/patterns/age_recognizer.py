"""A person's age: ``42 years old``, ``42-year-old``, ``aged 42``, ``age: 42``, ``42 y/o``.

Only the number is reported (``<AGE> years old`` still reads well). ``3 years ago`` or a
``2-year warranty`` are durations, not ages, so ``old`` or an age word is part of every pattern;
ages above 120 are rejected.
"""

from __future__ import annotations

import regex

from recognizers.base import RegexRecognizer


class AgeRecognizer(RegexRecognizer):
    """Ages of people written with an age word."""

    ENTITY = "AGE"
    PATTERNS = (
        ("years_old", r"(?<![\w.])(?P<value>\d{1,3})(?:\s*-\s*|\s+)(?:years?|yrs?)(?:\s*-\s*|\s+)old\b", 0.75),
        ("aged", r"\b(?:aged?|age\s*:|age\s+is)\s*(?P<value>\d{1,3})(?![\w.])", 0.7),
        ("yo", r"(?<![\w.])(?P<value>\d{1,3})\s*(?:y/o|y\.o\.|yo)(?![\w])", 0.65),
        (
            "is_n",
            r"\b(?:she|he|i|they|who)\s+(?:is|was|am|'s|’s|'m|’m|turned|turns)\s+(?P<value>\d{2})"
            r"(?=\s*(?:,|\.|;|!|and\b|now\b|this\b|next\b|today\b|$))",
            0.6,
        ),
        ("turned", r"\bturn(?:ed|s|ing)\s+(?P<value>\d{1,3})(?![\w.%])(?!\s*(?:percent|%|min|h|hours?|days?))", 0.5),
    )
    FLAGS = regex.IGNORECASE
    CONTEXT = ("age", "aged", "old", "years")
    MIN_DIGITS = 1

    def validate(self, value: str) -> bool | None:
        """0 < age <= 120."""
        return None if 0 < int(value) <= 120 else False
