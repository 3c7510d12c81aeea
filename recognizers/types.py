"""Plain data that crosses the process boundary between the proxy and detection workers.

Kept tiny and picklable: the proxy sends texts with per-text options, a worker answers with spans.
On the pipe between them they travel as plain tuples (``*_to_wire`` / ``*_from_wire``): pickle
writes a slotted dataclass through ``copyreg``, about ten times as slow as a tuple, and the
proxy's side of that work holds the event loop's GIL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class DetectionRequest:
    """One free-text value to analyze.

    ``entities`` limits detection to these entity types (``None``: every type the engine knows);
    ``score_threshold`` overrides the engine default for this text. ``allow_list`` terms are
    never reported (case-insensitive, whole span); ``deny_list`` terms are always reported as
    ``DENIED_TERM`` whatever ``entities`` says; ``recognizers`` names the custom recognizers of
    ``AnalyzerSettings.custom_recognizers`` to run on this text (the contract's own);
    ``phone_regions`` replaces ``AnalyzerSettings.phone_regions`` for this text (``None``: keep).
    """

    text: str
    entities: tuple[str, ...] | None = None
    score_threshold: float | None = None
    allow_list: tuple[str, ...] = ()
    deny_list: tuple[str, ...] = ()
    recognizers: tuple[str, ...] = ()
    phone_regions: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class Span:
    """An entity found in a text: character offsets into the text, its type and score."""

    start: int
    end: int
    entity_type: str
    score: float


def requests_to_wire(requests: Sequence[DetectionRequest]) -> list[tuple[Any, ...]]:
    """The requests as tuples of their fields, in declaration order."""
    return [
        (r.text, r.entities, r.score_threshold, r.allow_list, r.deny_list, r.recognizers,
         r.phone_regions)
        for r in requests
    ]


def requests_from_wire(wire: Sequence[tuple[Any, ...]]) -> list[DetectionRequest]:
    """The inverse of ``requests_to_wire``."""
    return [DetectionRequest(*fields) for fields in wire]


def spans_to_wire(results: Sequence[Sequence[Span]]) -> list[list[tuple[int, int, str, float]]]:
    """Each request's spans as ``(start, end, entity_type, score)`` tuples."""
    return [[(s.start, s.end, s.entity_type, s.score) for s in spans] for spans in results]


def spans_from_wire(wire: Sequence[Sequence[tuple[int, int, str, float]]]) -> list[list[Span]]:
    """The inverse of ``spans_to_wire``."""
    return [[Span(*fields) for fields in spans] for spans in wire]
