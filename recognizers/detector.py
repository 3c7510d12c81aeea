"""Batched detection: one spaCy pass over many texts, then Presidio's recognizers per text.

Runs inside a worker process (see ``recognizers.pool``); it is plain synchronous code.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from recognizers.settings import AnalyzerSettings
from recognizers.types import DetectionRequest, Span

if TYPE_CHECKING:
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpArtifacts

# Used by `warm()`: touches the NER model, the email (tldextract), phone and name paths so
# every lazy initialization happens before the first real request.
WARM_UP_TEXT = "Please call John Smith at 212-555-0198 or write to john.smith@example.com."

# Texts with the same value and the same options give the same answer: analyzed once a batch.
_AnalysisKey = tuple[str, tuple[str, ...] | None, float]


class Detector:
    """Finds PII spans in batches of texts with a Presidio analyzer.

    ``analyze_batch`` runs a single ``nlp.pipe`` over all distinct non-blank texts of the batch
    and then the recognizers per distinct (text, options). Spans come back sorted by
    ``(start, -end)``.
    """

    def __init__(self, settings: AnalyzerSettings, analyzer: AnalyzerEngine | None = None) -> None:
        if analyzer is None:
            from recognizers.engine import build_analyzer

            analyzer = build_analyzer(settings)
        self.settings = settings
        self.analyzer = analyzer

    def _key(self, request: DetectionRequest) -> _AnalysisKey:
        threshold = (
            request.score_threshold
            if request.score_threshold is not None
            else self.settings.score_threshold
        )
        entities = tuple(request.entities) if request.entities else None
        return (request.text, entities, threshold)

    def analyze_batch(self, requests: Sequence[DetectionRequest]) -> list[list[Span]]:
        """Return the spans found in each request's text, in request order."""
        keys = [self._key(request) for request in requests]
        # Blank texts cannot hold PII; skipping them also keeps them out of spaCy.
        distinct_keys = list(dict.fromkeys(key for key in keys if key[0].strip()))
        distinct_texts = list(dict.fromkeys(key[0] for key in distinct_keys))

        language = self.settings.language
        artifacts: dict[str, NlpArtifacts] = {}
        if distinct_texts:
            processed = self.analyzer.nlp_engine.process_batch(
                distinct_texts, language, batch_size=len(distinct_texts)
            )
            for text, (_, nlp_artifacts) in zip(distinct_texts, processed, strict=True):
                artifacts[text] = nlp_artifacts

        spans_by_key: dict[_AnalysisKey, list[Span]] = {}
        for key in distinct_keys:
            text, entities, threshold = key
            results = self.analyzer.analyze(
                text=text,
                language=language,
                nlp_artifacts=artifacts[text],
                entities=list(entities) if entities else None,
                score_threshold=threshold,
            )
            spans = [
                Span(
                    start=result.start,
                    end=result.end,
                    entity_type=result.entity_type,
                    score=float(result.score),
                )
                for result in results
            ]
            spans.sort(key=lambda span: (span.start, -span.end, span.entity_type))
            spans_by_key[key] = spans

        # Each request gets its own list so callers may mutate it safely.
        return [list(spans_by_key.get(key, ())) for key in keys]

    def warm(self) -> None:
        """Analyze a small sample so lazy model and recognizer initialization happens now."""
        self.analyze_batch([DetectionRequest(text=WARM_UP_TEXT)])
