"""Spanish personal tax numbers: DNI (``12345678Z``) and NIE (``X1234567L``), letter checked.

The control letter is ``TRWAGMYFPDXBNJZSQVHLCKE[n % 23]`` where ``n`` is the DNI number, or the
NIE number with its first letter X, Y, Z read as 0, 1, 2. The check is strong (one in 23), so no
context is needed. A dash or space before the letter is allowed.

A DNI below 10,000,000 is often written without its leading zero (``1234567L`` for
``01234567L``), as Presidio's recognizer accepts; the letter is computed the same way, so the
seven-digit form is checked as strictly as the eight-digit one. Only a dash may separate its
letter, as in Presidio.
"""

from __future__ import annotations

from recognizers.base import RegexRecognizer

_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"


def nif_valid(value: str) -> bool:
    """The control letter of a DNI or NIE (separators allowed)."""
    compact = value.replace("-", "").replace(" ", "").upper()
    if len(compact) == 8 and compact[0].isdigit():
        compact = "0" + compact  # a DNI written without its leading zero
    if len(compact) != 9:
        return False
    head = compact[:8]
    if head[0] in "XYZ":
        head = str("XYZ".index(head[0])) + head[1:]
    if not head.isdigit():
        return False
    return _LETTERS[int(head) % 23] == compact[8]


class EsNifRecognizer(RegexRecognizer):
    """Spanish DNI and NIE numbers with a valid control letter."""

    ENTITY = "ES_NIF"
    PATTERNS = (
        ("dni", r"(?<![\w-])\d{8}[- ]?[A-Za-z](?![\w])", 0.3),
        # No space before the letter here: "order 1234567 a week ago" is English.
        ("dni_short", r"(?<![\w-])\d{7}-?[A-Za-z](?![\w])", 0.3),
        ("nie", r"(?<![\w-])[XYZxyz][- ]?\d{7}[- ]?[A-Za-z](?![\w])", 0.3),
    )
    CONTEXT = ("dni", "nie", "nif", "documento", "identidad")
    MIN_DIGITS = 7  # NIE: letter, 7 digits, letter; DNI: 7 or 8 digits

    def validate(self, value: str) -> bool | None:
        """Control letter."""
        return nif_valid(value)
