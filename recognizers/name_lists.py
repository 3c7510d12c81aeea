"""Names listed beside a name the detector found: ``Priya, Tomasz, Keanu, Grace (notes),
Hollis``, ``Somos Santiago y Valentina``, ``Bruno e Léo tão devendo``.

People are listed with commas and "and" in every language, and a list of people holds people:
when one item is a detected PERSON, the capitalized words joined to it by a comma, a slash, an
ampersand or a word for "and" are names too, item after item in both directions. An item is one
capitalized word, with an initial after it (``Mackenzie P.``) or a short bracket
(``Grace (notes)``), that ends the list or goes on with it (not the noun of the next clause:
``Sabine Weiß, Betrag 249,00``); a word opening a line before a comma greets rather than lists
(``Labdien, Jānis``). A name put in another's place joins too (``Anders Ljung instead of Laila
Jonsson``). It is not taken when it is a common word of our languages
(``recognizers.patterns.common_words``), when the model read it as another kind of entity (a
place, a firm), when another span holds it, or when the request's allow list does.
"""

from __future__ import annotations

from collections.abc import Sequence

import regex

from recognizers.patterns.common_words import common_words
from recognizers.types import Span

# One capitalized word (no apostrophe: "I've", "Instagram'da"), an initial may follow.
_ITEM = r"\p{Lu}\p{Ll}[\p{Ll}\p{M}-]*(?:[ \t]+\p{Lu}\.)?"
_AND = r"(?:and|und|et|y|e|og|och|en|i|a|ve|dan|và|и|і|și|és|&|\+)"
# What joins two items: a comma, slash or "&" (and an "and" after a comma), or a word for "and";
# a short bracket may close the item before ("Grace (notes), Hollis").
_JOIN = (rf"(?:[ \t]*\([^()\n]{{1,30}}\))?(?:[ \t]*(?P<comma>[,/])[ \t]*(?:{_AND}[ \t]+)?"
         rf"|[ \t]+{_AND}[ \t]+)")
# An item ends the list or goes on with it: not "Betrag 249,00", "Kundennr. KD-77", "Superonline
# faturanız" (a noun of the sentence after the name).
_ITEM_END = (rf"(?=[ \t]*(?:\([^()\n]{{1,30}}\))?[ \t]*(?:[,;:!?)/&\n]|\.[ \t]*(?:$|\n|\p{{Lu}}\p{{Ll}})|$"
             rf"|[ \t]+{_AND}[ \t]))")
_NEXT = regex.compile(rf"{_JOIN}(?P<item>{_ITEM}){_ITEM_END}")
# A name put in another's place: "sent to Anders Ljung instead of Laila Jonsson".
_INSTEAD = regex.compile(
    r"[ \t]+(?i:instead of|rather than|in place of|en lugar de|en vez de|au lieu de|statt|"
    r"anstatt|em vez de|invece di|umjesto|zamiast)[ \t]+"
    r"(?P<item>\p{Lu}\p{Ll}[\p{Ll}\p{M}-]*(?:[ \t]+\p{Lu}\p{Ll}[\p{Ll}\p{M}-]*){0,2})(?![\p{L}\p{M}\d@_])"
)
_PREVIOUS = regex.compile(rf"(?<![\p{{L}}\p{{M}}\d@_.'’])(?P<item>{_ITEM}){_JOIN}\Z")
_MAX_ITEMS = 12


def add_listed_names(text: str, spans: list[Span], others: Sequence[tuple[int, int]] = (),
                     allowed: Sequence[tuple[int, int]] = ()) -> list[Span]:
    """``spans`` plus a PERSON span for every list item joined to a PERSON span (see the module
    docstring); ``others`` are regions the model gave another label, ``allowed`` the allow
    list's. Sorted by ``(start, -end)``."""
    persons = [span for span in spans if span.entity_type == "PERSON"]
    if not persons:
        return spans
    taken = [(span.start, span.end) for span in spans]
    blocked = [*taken, *others, *allowed]
    added: list[Span] = []
    queue = list(persons)
    while queue and len(added) < _MAX_ITEMS * len(persons):
        span = queue.pop()
        for item in _neighbours(text, span):
            if _acceptable(text, item, blocked):
                new = Span(item[0], item[1], "PERSON", span.score)
                added.append(new)
                blocked.append(item)
                queue.append(new)
    if not added:
        return spans
    return sorted([*spans, *added], key=lambda s: (s.start, -s.end))


def _neighbours(text: str, span: Span) -> list[tuple[int, int]]:
    """The list items right after and right before ``span``."""
    found = []
    after = _NEXT.match(text, span.end) or _INSTEAD.match(text, span.end)
    if after:
        found.append(after.span("item"))
    offset = max(0, span.start - 80)
    before = _PREVIOUS.search(text[offset:span.start])
    if before:
        start = before.start("item") + offset
        # "Labdien, Jānis", "Hello, Anna": a word opening the line before a comma greets.
        opens_line = not text[text.rfind("\n", 0, start) + 1:start].strip()
        if not (before.group("comma") and opens_line):
            found.append((start, before.end("item") + offset))
    return found


def _acceptable(text: str, item: tuple[int, int], blocked: Sequence[tuple[int, int]]) -> bool:
    start, end = item
    if any(a < end and start < b for a, b in blocked):
        return False
    common = common_words()
    words = [word.strip(".") for word in text[start:end].split()]
    return all(word.casefold() not in common for word in words if len(word) > 1)
