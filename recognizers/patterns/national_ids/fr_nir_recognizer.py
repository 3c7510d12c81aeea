"""French social security numbers (NIR, "numéro de sécurité sociale").

Fifteen characters: sex (1 or 2), year, month (01-12, or 20-99 for unknown), department (two
digits, or 2A / 2B for Corsica), commune, order, and a two-digit key equal to
``97 - (first thirteen digits mod 97)`` (Corsica: 2A counts as 19, 2B as 18). Spaces between the
parts are allowed, as printed on the carte Vitale.
"""

from __future__ import annotations

from recognizers.base import RegexRecognizer


def nir_valid(value: str) -> bool:
    """The NIR key check; ``value`` may contain spaces."""
    compact = value.replace(" ", "").upper()
    if len(compact) != 15:
        return False
    body = compact[:13]
    if body[5:7] == "2A":
        body = body[:5] + "19" + body[7:]
    elif body[5:7] == "2B":
        body = body[:5] + "18" + body[7:]
    if not body.isdigit() or not compact[13:].isdigit():
        return False
    return 97 - int(body) % 97 == int(compact[13:])


class FrNirRecognizer(RegexRecognizer):
    """French NIR numbers with a valid key."""

    ENTITY = "FR_NIR"
    PATTERNS = (
        (
            "nir",
            r"(?<![\w.-])[12] ?\d{2} ?(?:0[1-9]|1[0-2]|[2-9]\d) ?(?:\d{2}|2[ABab]) ?\d{3} ?\d{3}"
            r" ?\d{2}(?![\w]|[.-]\d)",
            0.3,
        ),
    )
    CONTEXT = ("sécurité", "securite", "sociale", "nir", "insee", "vitale", "social")
    MIN_DIGITS = 14  # 15 digits, or 14 with a Corsican 2A/2B department

    def validate(self, value: str) -> bool | None:
        """NIR key."""
        return nir_valid(value)
