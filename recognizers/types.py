"""Plain data that crosses the process boundary between the proxy and detection workers.

Kept tiny and picklable: the proxy sends texts with per-text options, a worker answers with spans.
"""

from __future__ import annotations

from dataclasses import dataclass


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
