"""Wrap a Presidio recognizer so it only reports matches that have one of its context words near.

Several default recognizers match shapes that business text is full of: UK_NHS fires on US phone
numbers that pass its mod-11 check, US_BANK_NUMBER and US_DRIVER_LICENSE on order and ticket
numbers, US_PASSPORT on any nine digits. Behind this gate they still find ``NHS number 943 476
5919`` or ``passport no. 912803456``, but not a bare number.
"""

from __future__ import annotations

import re

from presidio_analyzer import EntityRecognizer, LocalRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from recognizers.prefilter import context_words_gate, passes


class ContextGatedRecognizer(LocalRecognizer):
    """Reports the inner recognizer's results that have a context word within the window."""

    name: str  # set by Presidio's unannotated __init__; typed here for mypy
    GATED_SCORE = 0.5

    def __init__(
        self,
        inner: EntityRecognizer,
        context: list[str] | None = None,
        window_before: int = 40,
        window_after: int = 15,
    ) -> None:
        self.inner = inner
        words = context or inner.context or []
        alternatives = "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))
        self._context = re.compile(rf"(?<![a-z])(?:{alternatives})(?![a-z])", re.IGNORECASE)
        # Most texts hold none of the words: skip the inner patterns (``recognizers.prefilter``).
        self._gate = context_words_gate(list(words))
        self.window_before = window_before
        self.window_after = window_after
        super().__init__(
            supported_entities=list(inner.supported_entities),
            supported_language=inner.supported_language,
            context=list(words),
            name=f"Gated{inner.name!s}",  # type: ignore[has-type]  # Presidio: unannotated
        )

    def load(self) -> None:
        """The inner recognizer is loaded by its own constructor."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """The inner results with context, scored at least ``GATED_SCORE``."""
        kept: list[RecognizerResult] = []
        if not passes(self._gate, text):
            return kept
        for result in self.inner.analyze(text, entities, nlp_artifacts) or []:  # type: ignore[arg-type]
            window = text[max(0, result.start - self.window_before) : result.start]
            window += " " + text[result.end : result.end + self.window_after]
            if self._context.search(window):
                result.score = max(result.score, self.GATED_SCORE)
                result.recognition_metadata = {
                    RecognizerResult.RECOGNIZER_NAME_KEY: str(self.name),
                    RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                }
                kept.append(result)
        return kept
