"""Cheap necessary conditions checked on a text before a recognizer's full patterns run.

Each recognizer scans every text of every request, and most texts cannot hold most types: a
subject line without digits holds no card number, a sentence without ``@`` no e-mail address.
A *gate* is a condition that every match of a recognizer implies, so a text that fails it
would give no result anyway, and the recognizer returns at once:

- ``digits_gate(n)``: at least ``n`` digits (``\\d``, as the patterns count them) in the text;
- a gate regex: a piece every match must contain (``@`` for an e-mail address, a key prefix
  for an API key, a context word for a context-gated recognizer);
- a ``WordGate``: one of a list of words, case-insensitively. The ``regex`` module tries a
  case-insensitive alternation of hundreds of words at every position of a text; the standard
  library's ``re`` searching the lowercased text for the same words (as a trie) is about ten
  times cheaper. A recognizer may also gate single patterns (``PATTERN_GATES``): a greeting
  pattern is skipped on a text without a greeting word.

Gates only skip work; they never add or change a result. ``tests/recognizers/test_prefilter.py``
checks each gate against the recognizer's own results on the accuracy and benchmark corpora.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache, lru_cache
from typing import Any, TypeAlias

import regex
from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.predefined_recognizers import CryptoRecognizer, EmailRecognizer

from recognizers.word_alternation import alternation

# Presidio compiles its patterns with these flags; a gate for a Presidio pattern uses the same
# engine and flags so its character classes mean the same thing.
PRESIDIO_FLAGS = regex.DOTALL | regex.MULTILINE | regex.IGNORECASE


_DIGIT = regex.compile(r"\d")


@lru_cache(maxsize=8)
def digit_count(text: str) -> int:
    """How many digits (``\\d``, as the patterns count them) ``text`` holds; counted once per
    text however many recognizers ask (the detector hands each the same string)."""
    return len(_DIGIT.findall(text))


@lru_cache(maxsize=8)
def lowered(text: str) -> str:
    """``text.lower()``, computed once per text however many word gates ask."""
    return text.lower()


class DigitsGate:
    """A text passes when it holds at least ``count`` digits."""

    def __init__(self, count: int) -> None:
        self.count = count

    def search(self, text: str) -> bool | None:
        """True (a pass) or None, like a pattern's search."""
        return True if digit_count(text) >= self.count else None


@cache
def digits_gate(count: int) -> DigitsGate | None:
    """A gate passed by a text with at least ``count`` digits (None for 0)."""
    if count <= 0:
        return None
    return DigitsGate(count)


def passes(gate: Gate | None, text: str) -> bool:
    """Whether ``text`` satisfies ``gate`` (no gate: always)."""
    return gate is None or gate.search(text) is not None


@cache
def _cased_bmp() -> tuple[str, ...]:
    """Every character of the Basic Multilingual Plane that has another case. (Case pairs
    outside it stay outside it, and no cue word of ours is written there.)"""
    return tuple(c for c in map(chr, range(0x10000))
                 if c.lower() != c or c.upper() != c or c.casefold() != c)


def _fold_strangers(alphabet: frozenset[str]) -> re.Pattern[str] | None:
    """The characters that ``regex``'s case-insensitive matching takes for a letter of
    ``alphabet`` although their ``lower()`` is not that letter (the Kelvin sign for ``k``, long
    s for ``s``, dotted capital I). A text holding one skips the gate, so lowering the text can
    never hide a match from it."""
    letters = regex.compile("(?i)[" + "".join(regex.escape(c) for c in sorted(alphabet)) + "]")
    odd = [c for c in _cased_bmp() if c.lower() not in alphabet and letters.fullmatch(c)]
    return re.compile("[" + "".join(re.escape(c) for c in odd) + "]") if odd else None


class WordGate:
    """A text passes when it holds one of ``words`` case-insensitively; with ``at_word_start``,
    only where no ASCII letter, digit or underscore comes before the word (implied by a
    pattern's ``(?<![\\w])`` before the word, since those are all ``\\w``); with
    ``whole_word``, also where none comes after it (for a pattern that has whitespace or
    punctuation after the word).

    Words are written in lowercase; spaces inside a word match any run of whitespace."""

    def __init__(self, words: Iterable[str], at_word_start: bool = False,
                 whole_word: bool = False) -> None:
        lowered = sorted({word.lower() for word in words if word.strip()})
        if not lowered or any(len(ch.lower()) != 1 for word in lowered for ch in word):
            raise ValueError("a word gate needs words whose letters lowercase to one letter")
        start = "(?<![a-z0-9_])" if at_word_start or whole_word else ""
        end = "(?![a-z0-9_])" if whole_word else ""
        self._words = re.compile(start + alternation(lowered) + end)
        self._strangers = _fold_strangers(frozenset("".join(lowered)) - {" "})

    def search(self, text: str) -> object | None:
        """A match (truthy) when ``text`` may hold one of the words, else None."""
        found = self._words.search(lowered(text))
        if found is None and self._strangers is not None:
            return self._strangers.search(text)
        return found


class AnyGate:
    """A text passes when it passes one of ``gates`` (words under different boundary rules,
    a literal character and a word list...)."""

    def __init__(self, *gates: regex.Pattern[str] | re.Pattern[str] | WordGate) -> None:
        self.gates = gates

    def search(self, text: str) -> object | None:
        """The first gate's match (truthy), or None when no gate passes."""
        for gate in self.gates:
            found = gate.search(text)
            if found is not None:
                return found
        return None


# A gate is anything with a ``search(text)`` that returns None when the text cannot match.
Gate: TypeAlias = "regex.Pattern[str] | re.Pattern[str] | WordGate | AnyGate | DigitsGate"


def context_words_gate(words: list[str]) -> regex.Pattern[str] | None:
    """A gate for a recognizer that needs one of ``words`` near its match: any word of them,
    anywhere, as a plain case-insensitive substring (looser than the window check, so it is
    implied by it even at window edges and across the before/after join)."""
    parts = sorted({part for word in words for part in word.split() if part}, key=len, reverse=True)
    if not parts:
        return None
    return regex.compile("|".join(regex.escape(part) for part in parts), regex.IGNORECASE)


# Word-boundary assertions that `loosened_context_gate` may drop: without them a regex matches
# in more places, never fewer.
_BOUNDARIES = (r"\b", r"(?<!\w)", r"(?!\w)")
# What it cannot loosen safely: other assertions and anchors (they depend on text outside the
# window the context is checked in) and character classes (``[\b]`` is a backspace).
_UNSAFE = ("(?<", "(?=", "(?!", "^", "$", "\\A", "\\Z", "\\B", "[")


def loosened_context_gate(required_context: str) -> regex.Pattern[str] | None:
    """A gate for a recognizer whose every match needs ``required_context`` (a regex searched,
    case-insensitively, in a window of the text): the same regex without its word boundaries,
    searched in the whole text. A window match is a text match of the loosened regex, so the
    gate is implied. None when the regex holds something this cannot loosen."""
    if "\\\\" in required_context:
        return None  # an escaped backslash before a ``b`` would read as a boundary
    loosened = required_context
    for boundary in _BOUNDARIES:
        loosened = loosened.replace(boundary, "")
    if any(piece in loosened for piece in _UNSAFE):
        return None
    try:
        return regex.compile(loosened, regex.IGNORECASE)
    except regex.error:
        return None


# Query-string delimiters: legal in an address's local part but, in practice, the ``?email=`` and
# ``&to=`` before one in a URL; Presidio's match then starts at the path and its domain check
# fails, losing the address. Blanked (same length, so spans stay put) before matching.
_QUERY_DELIMITERS = str.maketrans("?=&", "   ")


class PrefilteredEmailRecognizer(EmailRecognizer):
    """Presidio's e-mail recognizer, skipped on texts without ``@`` (its pattern needs one), and
    finding the addresses in URL query strings (``/unsub?email=jane@example.com``)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("name", "EmailRecognizer")
        super().__init__(**kwargs)

    def analyze(  # type: ignore[override]
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        """Presidio's results; none without ``@``."""
        if "@" not in text:
            return []
        text = text.translate(_QUERY_DELIMITERS)
        return super().analyze(text, entities, nlp_artifacts, regex_flags)  # type: ignore[no-any-return]


_CRYPTO_GATE = regex.compile(r"[13][a-zA-HJ-NP-Z0-9]{25}", PRESIDIO_FLAGS)


class PrefilteredCryptoRecognizer(CryptoRecognizer):
    """Presidio's Bitcoin address recognizer, skipped on texts without a ``1`` or ``3`` followed
    by 25 address characters (``(bc1|[13])[...]{25,59}`` implies it)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("name", "CryptoRecognizer")
        super().__init__(**kwargs)

    def analyze(  # type: ignore[override]
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        """Presidio's results; none without the address shape."""
        if not _CRYPTO_GATE.search(text):
            return []
        return super().analyze(text, entities, nlp_artifacts, regex_flags)  # type: ignore[no-any-return]
