"""Other mentions of a name the detector found in the same text.

A text names a person in full once, where a cue or the model sees it ("Attendees: Kaito Mori,
Élodie Marchand"), and then again by one part, often where nothing marks it ("- kaito to share
the board", "Mori said ..."). A vendor that gets the second mention learns who the first was.
Writers call people by their first or last name, so every other whole-word occurrence of a
part of a detected name in the same text is a name too.

Only names of two words or more are followed, or a lone name a cue found ("Hi Sarah": a score
above the model's): a lone word of the model's is its likeliest mistake ("Water", "library"),
and following it would spread the mistake. A part is taken when it has at
least three letters and is no common word (``recognizers.patterns.common_words``: stop words of 21
languages, name particles, titles, roles, greetings), so "Will" of "Will Baker" is not followed
into "I will call".
Mentions in another case are followed too: "kaito" in a chat that found "Kaito Mori".
"""

from __future__ import annotations

from collections.abc import Sequence

import regex

from recognizers.patterns.common_words import common_words
from recognizers.types import Span

_PART = regex.compile(r"[\p{L}\p{M}]+(?:['’][\p{L}\p{M}]+)?")
MIN_PART_LETTERS = 3
# A lone name found by a greeting, title, introduction or role cue ("Hi Sarah", "Mrs. Okafor")
# scores above the model's 0.85 and is followed like a full name.
CUED_SCORE = 0.85


def name_parts(text: str, spans: list[Span]) -> set[str]:
    """The casefolded parts of the PERSON spans of ``text`` worth following."""
    parts: set[str] = set()
    for span in spans:
        if span.entity_type != "PERSON":
            continue
        words = [m.group() for m in _PART.finditer(text, span.start, span.end)]
        if len(words) < 2 and span.score <= CUED_SCORE:
            continue  # a lone word is the model's likeliest mistake ("Water", "library")
        common = common_words()
        parts.update(word.casefold() for word in words
                     if len(word) >= MIN_PART_LETTERS and word.casefold() not in common)
    return parts


def _inside_a_token(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is glued to an e-mail address, a handle, a path or a dotted
    name (``@``, ``_``, ``/``, a digit, or a dot between letters) rather than a word of its own."""
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    following = text[end + 1] if end + 1 < len(text) else " "
    return (before in "@_/\\." or after in "@_/\\" or before.isdigit() or after.isdigit()
            or (after == "." and following.isalnum()))


def add_name_mentions(text: str, spans: list[Span],
                      allowed: Sequence[tuple[int, int]] = ()) -> list[Span]:
    """``spans`` plus a PERSON span for every other mention of a detected name part that no span
    covers yet and no ``allowed`` region (the request's allow list) holds, sorted by
    ``(start, -end)``."""
    parts = name_parts(text, spans)
    if not parts:
        return spans
    score = min((s.score for s in spans if s.entity_type == "PERSON"), default=0.5)
    taken = sorted((s.start, s.end) for s in spans)
    added: list[Span] = []
    for match in _PART.finditer(text):
        word = match.group()
        if word.casefold() not in parts:
            continue
        start, end = match.span()
        if _inside_a_token(text, start, end):
            continue  # "jolene" of jolene.brightwater@example.com: an address, not a mention
        if any(a < end and start < b for a, b in taken) or any(
                a <= start and end <= b for a, b in allowed):
            continue
        added.append(Span(start, end, "PERSON", score))
    if not added:
        return spans
    return sorted([*spans, *added], key=lambda s: (s.start, -s.end))
