"""Normalization before detection, with a map back to the original offsets.

People (and attackers) write ``４１１１ １１１１…`` with fullwidth digits, put zero-width spaces
inside an e-mail address, or separate card digits with non-breaking spaces and en dashes. The
recognizers see a normalized copy of the text:

- zero-width and other invisible format characters (category ``Cf``: ZWSP, ZWNJ, ZWJ, word
  joiner, BOM, soft hyphen, bidi marks) are removed;
- every Unicode decimal digit (fullwidth, Arabic-Indic, Devanagari, ...) becomes its ASCII digit;
- fullwidth ASCII forms (U+FF01..U+FF5E) become ASCII, so ``ｊｏｈｎ＠ｅｘａｍｐｌｅ．ｃｏｍ``
  reads as an address;
- unusual spaces (no-break, thin, ideographic, ...) become a plain space and dash-like
  characters (hyphen, en/em dash, minus, ...) a plain ``-``, so separators inside numbers match
  the ordinary patterns;
- percent-escapes and HTML character references of printable ASCII (``jane%40example.com``,
  ``jane&#64;example.com``, ``&commat;``) are decoded, so an escaped ``@`` or ``.`` does not hide
  an address.

Each character of the normalized text remembers the original index it came from, so a span found
on the normalized text maps back to exactly the characters to replace in the original. A text that
needs no change is returned as is (the common case costs one scan).
"""

from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import dataclass
from functools import cache

import regex

# %XX, &#NN; / &#xNN; and a few named references, when they stand for printable ASCII.
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})|&#(\d{2,3});|&#[xX]([0-9A-Fa-f]{2});|&(commat|period|"
                     r"plus|lowbar|hyphen|colon);")
_NAMED = {"commat": "@", "period": ".", "plus": "+", "lowbar": "_", "hyphen": "-", "colon": ":"}

_DASHES = frozenset("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d\u2043")


def _replacement(char: str) -> str | None:
    """The normalized form of one character; ``None``: keep it."""
    code = ord(char)
    if code < 0x80:
        return None
    if char in _DASHES:
        return "-"
    category = unicodedata.category(char)
    if category == "Cf":
        return ""
    if category == "Zs":
        return " "
    if category == "Nd":
        return str(unicodedata.digit(char))
    if 0xFF01 <= code <= 0xFF5E:
        return chr(code - 0xFEE0)
    return None


@cache
def _special() -> re.Pattern[str]:
    """One character class of every character ``_replacement`` changes, so a text without any
    (most non-ASCII text: names with accents, other scripts) is passed over at C speed.

    The ``regex`` module lists the candidates fast and ``_replacement`` decides; a test checks
    the class against ``_replacement`` over every code point (the two Unicode tables may be a
    version apart)."""
    everything = "".join(map(chr, range(0x80, sys.maxunicode + 1)))
    candidates = regex.findall(r"[\p{Cf}\p{Zs}\p{Nd}\uFF01-\uFF5E" + "".join(_DASHES) + "]",
                               everything)
    codes = [ord(char) for char in candidates if _replacement(char) is not None]
    ranges: list[str] = []
    start = previous = codes[0]
    for code in codes[1:]:
        if code != previous + 1:
            ranges.append(_range(start, previous))
            start = code
        previous = code
    ranges.append(_range(start, previous))
    return re.compile("[" + "".join(ranges) + "]")


def _range(first: int, last: int) -> str:
    return re.escape(chr(first)) + ("-" + re.escape(chr(last)) if last > first else "")


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """A normalized text and, when it differs from the original, the origin of each character.

    ``origins[i]`` is the index in the original text of normalized character ``i`` and
    ``ends[i]`` the end of what produced it (more than one character for a decoded escape); one
    extra entry in ``origins`` holds the original length so an empty span at the end maps too.
    """

    original: str
    text: str
    origins: tuple[int, ...] | None = None
    ends: tuple[int, ...] | None = None

    @property
    def changed(self) -> bool:
        """Whether the normalized text differs from the original."""
        return self.origins is not None

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a span ``[start, end)`` of the normalized text onto the original text.

        The span covers every original character that produced a normalized character inside
        it; removed invisible characters between them fall inside the span too.
        """
        if self.origins is None or self.ends is None:
            return start, end
        if end <= start:
            position = self.origins[start]
            return position, position
        return self.origins[start], self.ends[end - 1]


def _decoded_escape(match: re.Match[str]) -> str | None:
    hex_pct, dec, hex_ref, name = match.groups()
    if name is not None:
        return _NAMED[name]
    code = int(hex_pct or hex_ref, 16) if (hex_pct or hex_ref) else int(dec)
    return chr(code) if 0x20 <= code <= 0x7E else None


def normalize(text: str) -> NormalizedText:
    """Return the normalized form of ``text`` with its offset map (see the module docstring)."""
    has_escape = ("%" in text or "&" in text) and _ESCAPE.search(text) is not None
    if not has_escape and (text.isascii() or _special().search(text) is None):
        return NormalizedText(text, text)
    escapes: dict[int, tuple[int, str]] = {}
    if has_escape:
        for match in _ESCAPE.finditer(text):
            decoded = _decoded_escape(match)
            if decoded is not None:
                escapes[match.start()] = (match.end(), decoded)
    parts: list[str] = []
    origins: list[int] = []
    ends: list[int] = []
    changed = False
    index = 0
    while index < len(text):
        escape = escapes.get(index)
        if escape is not None:
            end, decoded = escape
            changed = True
            parts.append(decoded)
            origins.append(index)
            ends.append(end)
            index = end
            continue
        char = text[index]
        replacement = _replacement(char)
        if replacement is None:
            parts.append(char)
            origins.append(index)
            ends.append(index + 1)
        else:
            changed = True
            parts.append(replacement)
            origins.extend([index] * len(replacement))
            ends.extend([index + 1] * len(replacement))
        index += 1
    if not changed:
        return NormalizedText(text, text)
    origins.append(len(text))
    return NormalizedText(text, "".join(parts), tuple(origins), tuple(ends))
