"""One span, one label: resolve overlapping detections by a fixed priority.

Priority, highest first:

1. terms on the request's deny list;
2. checksum-validated or unmistakable formats (cards, IBANs, national IDs with a check digit,
   e-mail addresses, API keys and secrets) and contract-declared custom recognizers;
3. other patterns (phone, SSN, IP, MAC, URL, addresses, dates of birth, ages, postcodes, ...);
4. NER (PERSON, LOCATION, ORGANIZATION, NRP, DATE_TIME).

Overlapping spans of one type are first merged into one (the union), and a postcode inside an
address is left to the address. Within a level the higher
score wins, then the longer span, then the entity name (so the result
never depends on recognizer order). The loser of an overlap is dropped when it lies inside the
winner, and otherwise cut down to its longest part outside every winner (dropped when that part
holds fewer than two letters or digits): ``John Smith 212-555-0198`` tagged PERSON as a whole keeps
``John Smith`` as PERSON and the number as PHONE_NUMBER. Other NER labels are not cut but dropped
(``42 years old`` as DATE_TIME under AGE ``42`` would leave ``years old``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from recognizers.types import Span

DENY_LIST_ENTITY = "DENIED_TERM"

LEVEL_DENIED = 4
LEVEL_VALIDATED = 3
LEVEL_PATTERN = 2
LEVEL_NER = 1

ENTITY_LEVELS: dict[str, int] = {
    DENY_LIST_ENTITY: LEVEL_DENIED,
    **dict.fromkeys(
        (
            "CREDIT_CARD", "IBAN_CODE", "EMAIL_ADDRESS", "API_KEY", "SECRET", "CRYPTO",
            "DE_TAX_ID", "FR_NIR", "NL_BSN", "ES_NIF",
        ),
        LEVEL_VALIDATED,
    ),
    **dict.fromkeys(("PERSON", "LOCATION", "ORGANIZATION", "NRP", "DATE_TIME"), LEVEL_NER),
    # Ages and dates of birth are found by patterns that need their words; they beat a phone or
    # postcode reading of the same digits only on score, like any other pattern.
}


def level_of(entity_type: str, custom_levels: Mapping[str, int] | None = None) -> int:
    """The priority level of an entity type (unknown pattern types rank as patterns)."""
    if custom_levels and entity_type in custom_levels:
        return custom_levels[entity_type]
    return ENTITY_LEVELS.get(entity_type, LEVEL_PATTERN)


def resolve_overlaps(
    spans: Iterable[Span], text: str, custom_levels: Mapping[str, int] | None = None
) -> list[Span]:
    """Return non-overlapping spans, sorted by ``(start, -end)`` (see the module docstring)."""
    ranked = sorted(
        _inside_addresses_dropped(_merge_same_type(spans)),
        key=lambda s: (-level_of(s.entity_type, custom_levels), -s.score, -(s.end - s.start),
                       s.entity_type, s.start),
    )
    accepted: list[Span] = []
    for span in ranked:
        piece: Span | None = span
        for winner in accepted:
            if piece is None:
                break
            if piece.entity_type in _DROP_ON_OVERLAP and _overlaps(piece, winner):
                piece = None
                break
            piece = _outside(piece, winner, text)
        if piece is not None:
            accepted.append(piece)
    accepted.sort(key=lambda s: (s.start, -s.end, s.entity_type))
    return accepted


def _merge_same_type(spans: Iterable[Span]) -> list[Span]:
    """Overlapping spans of one type as one span over both, with the better score.

    The model and a pattern often find the same address or name with different edges
    (``Hauptstr. 5a`` and ``Hauptstr. 5a, 8001 Zürich``); cutting one by the other would give
    back to the vendor what only one of them covered.
    """
    merged: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.entity_type, s.start, -s.end)):
        last = merged[-1] if merged else None
        if last is not None and last.entity_type == span.entity_type and span.start < last.end:
            merged[-1] = replace(last, end=max(last.end, span.end),
                                 score=max(last.score, span.score))
        else:
            merged.append(span)
    return merged


def _inside_addresses_dropped(spans: list[Span]) -> list[Span]:
    """The spans minus postcodes that lie inside an address: the address holds them. A
    postcode with the better score would otherwise cut the address around it and give the
    vendor the part before it back (``RR 2 BOX`` of ``RR 2 BOX 148\nHARLAN IA 51537``)."""
    # An address a validated span cuts (an IBAN inside the model's run over a table row) may
    # lose the part that holds the postcode: those addresses keep nothing from it.
    strong = [span for span in spans if level_of(span.entity_type) > LEVEL_PATTERN]
    addresses = [span for span in spans if span.entity_type == "STREET_ADDRESS"
                 and not any(_overlaps(span, other) for other in strong)]
    if not addresses:
        return spans
    return [span for span in spans
            if span.entity_type != "POSTCODE"
            or not any(a.start <= span.start and span.end <= a.end for a in addresses)]


# NER losers other than PERSON are dropped rather than cut: what is left of an ORGANIZATION or a
# date around a better label ("Customer" of "Customer Ann Lee") is rarely an entity itself.
_DROP_ON_OVERLAP = frozenset({"DATE_TIME", "NRP", "ORGANIZATION", "LOCATION"})


def _overlaps(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def _outside(span: Span, winner: Span, text: str) -> Span | None:
    """``span`` minus ``winner``: unchanged, cut to its longest outer part, or ``None``."""
    if span.end <= winner.start or span.start >= winner.end:
        return span
    left = (span.start, winner.start) if span.start < winner.start else None
    right = (winner.end, span.end) if span.end > winner.end else None
    parts = [part for part in (left, right) if part is not None]
    if not parts:
        return None
    start, end = max(parts, key=lambda p: p[1] - p[0])
    # Trim separators left at the cut.
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    if sum(ch.isalnum() for ch in text[start:end]) < 2:
        return None
    return replace(span, start=start, end=end)
