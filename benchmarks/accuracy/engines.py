"""The two engines under test, behind one ``analyze(texts) -> spans per text`` interface.

``OurEngine`` is the production ``Detector`` (normalization, our recognizers, overlap resolution).
``DefaultPresidio`` is stock Presidio on the same spaCy model and the same trimmed pipeline, run
the way the proxy ran it before our recognizers: one ``nlp.pipe`` per batch, then
``AnalyzerEngine.analyze`` per text with the same score threshold (0.35).
"""

from __future__ import annotations

from collections.abc import Sequence

from recognizers.detector import Detector
from recognizers.engine import build_default_analyzer
from recognizers.settings import AnalyzerSettings
from recognizers.types import DetectionRequest, Span


class OurEngine:
    """Our detection engine."""

    name = "ours"

    def __init__(self, settings: AnalyzerSettings) -> None:
        self.detector = Detector(settings)
        self.detector.warm()

    def analyze(self, texts: Sequence[str]) -> list[list[Span]]:
        return self.detector.analyze_batch([DetectionRequest(text) for text in texts])


class DefaultPresidio:
    """Stock Presidio with default recognizers on the same model."""

    name = "default Presidio"

    def __init__(self, settings: AnalyzerSettings) -> None:
        self.settings = settings
        self.analyzer = build_default_analyzer(settings)
        self.analyze(["Please call John Smith at 212-555-0198 or write to john@example.com."])

    def analyze(self, texts: Sequence[str]) -> list[list[Span]]:
        language = self.settings.language
        processed = self.analyzer.nlp_engine.process_batch(
            list(texts), language, batch_size=len(texts)
        )
        out = []
        for text, (_, artifacts) in zip(texts, processed, strict=True):
            results = self.analyzer.analyze(
                text=text,
                language=language,
                nlp_artifacts=artifacts,
                score_threshold=self.settings.score_threshold,
            )
            out.append([Span(r.start, r.end, r.entity_type, float(r.score)) for r in results])
        return out
