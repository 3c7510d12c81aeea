"""The base of recognizers for numbers that only their label identifies: ``passport no. C01X00T47``,
``DL# D123-4567-8901``, ``member #88301927``.

Passport, driving-licence and account numbers have dozens of national and company formats and
look like order, ticket and phone numbers; what marks them is the word before them. A subclass
gives its label words (``LABEL``, a regex, case-insensitive) and the shape of its values
(``VALUE``, case-sensitive); this class builds the two ways people write them:

- label first: ``passport number: 512345678``, ``Reisepass C4F9KJ7L2``, ``DL# D123-4567-8901``;
- number word first: ``numéro de passeport 09AA12345``, ``número de cliente 00418837``.

Only the value is reported. A value needs ``MIN_VALUE_DIGITS`` digits, and a date is never one
(``passport issued 2019-04-02``): the label is then followed by something else.
"""

from __future__ import annotations

from typing import ClassVar

import regex

from recognizers.base import RegexRecognizer, digits_of

# Words for "number" after a label: ``no.``, ``#``, ``n°``, ``Nr.``, ``ID`` ...
NUMBER_WORD = (
    r"(?i:numbers?|no\.?|nos?\.|nr\.?|num\.?|n[°ºo]\.?|#|id|numéro|número|numero|nummer|numer|"
    r"details)"
)
# Between a label (and number word) and its value: ``:``, ``#``, ``is`` (``es``, ``ist`` ...),
# ``(UK)``, and the quotes of a JSON key and value (``"cccd":"0792..."``).
_JOIN = (
    # a short bracket may stand between the label and its value: "Passport details (for the
    # tour booking): 056840449", "DL (CA) D1234567"
    r"(?:[ \t]*\([^()\n]{1,30}\))?"
    r"(?:[\"']?[ \t]*(?:[:#=]|-(?=[ \t])|(?i:is|was|es|est|ist|é|è|er|är|jest)\b)?[ \t]*"
    r"(?:\([A-Za-z]{2,3}\)[ \t]*)?[\"']?)"
)
# ``numéro de passeport``, ``number of the account`` (singular only: ``number of accounts: 3``).
_OF = r"(?:[ \t]+(?i:de|del|di|du|des|der|of|of[ \t]+the|your|my|his|her|their))?"
_DATE = regex.compile(r"\d{1,4}([-/. ])\d{1,2}\1\d{1,4}")


def value_groups(first: str, other: str, max_groups: int = 7) -> str:
    """A value of one to ``max_groups`` groups split by one space or dash (``D123-4567-8901``,
    ``4410 2281 773``); groups after the first must match ``other`` (so ``D1234567 CA`` stops
    before the state)."""
    return rf"{first}(?:[ -]{other}){{0,{max_groups - 1}}}"


class LabeledNumberRecognizer(RegexRecognizer):
    """Values right after their label words (see the module docstring); subclassed per type."""

    LABEL: ClassVar[str] = ""
    VALUE: ClassVar[str] = ""
    # Words that, right before the label, make it something else (``software licence no.``).
    NOT_AFTER: ClassVar[str | None] = None
    MIN_VALUE_DIGITS: ClassVar[int] = 2
    SCORE: ClassVar[float] = 0.8

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        # Every match holds its label and that many digits: the gates (``recognizers.prefilter``).
        # A subclass whose label alternation is slow to scan gives ``GATE_WORDS`` too: words one of
        # which every label holds at a word start (both patterns have the label there).
        cls.GATE = cls.LABEL
        cls.MIN_DIGITS = cls.MIN_VALUE_DIGITS
        guard = rf"(?<!(?i:{cls.NOT_AFTER})[ \t]+)" if cls.NOT_AFTER else ""
        value = rf"(?P<value>{cls.VALUE})(?![\w]|-\w|\.\d)"
        cls.PATTERNS = (
            ("label_first",
             rf"{guard}(?<![\w/-])(?:{cls.LABEL})(?:[ \t_-]*\(?{NUMBER_WORD})?{_JOIN}{value}",
             cls.SCORE),
            ("number_first",
             rf"(?<![\w/-]){NUMBER_WORD}{_OF}[ \t]+(?:{cls.LABEL}){_JOIN}{value}",
             cls.SCORE),
        )

    def validate(self, value: str) -> bool | None:
        """Enough digits, and not a date."""
        if len(digits_of(value)) < self.MIN_VALUE_DIGITS or _DATE.fullmatch(value):
            return False
        return None
