"""MAC addresses: six hex pairs with ``:`` or ``-`` (one kind), or Cisco's ``aabb.ccdd.eeff``."""

from __future__ import annotations

from recognizers.base import RegexRecognizer


class MacAddressRecognizer(RegexRecognizer):
    """MAC (EUI-48) addresses."""

    ENTITY = "MAC_ADDRESS"
    PATTERNS = (
        ("colon", r"(?<![\w:-])[0-9A-Fa-f]{2}(?:([:-])[0-9A-Fa-f]{2})(?:\1[0-9A-Fa-f]{2}){4}(?![\w:-])", 0.7),
        ("cisco", r"(?<![\w.])[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}(?![\w.])", 0.6),
    )
    CONTEXT = ("mac", "hardware", "ethernet", "device", "wifi", "adapter")
    GATE = r"[0-9A-Fa-f]{2}[:-][0-9A-Fa-f]{2}|[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}"

    def validate(self, value: str) -> bool | None:
        """Not all one digit (``00:00:00:00:00:00``) and at least one letter or mixed digits."""
        hexdigits = [ch for ch in value.lower() if ch not in ":-."]
        return False if len(set(hexdigits)) == 1 else None
