"""The detector alone on the benchmark's prompt: how much of the added time detection is.

Loads the real engine in this process (after the load phases, so it competes with nothing) and
times one batch of the prompt's texts the way a worker gets them, split into the spaCy NER pass
(``ner_batch``) and the rest (normalization, pattern recognizers, overlaps). Best of a few
rounds, after a warm-up round.
"""

from __future__ import annotations

import time
from typing import Any

from benchmarks.llm import prompt


def prompt_texts() -> list[str]:
    """The texts of the prompt that the openai contract's placeholder rules send to detection."""
    texts = []
    for message in prompt.messages():
        content = message["content"]
        texts += [part["text"] for part in content] if isinstance(content, list) else [content]
    return texts


def _best_ms(action: Any, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        best = min(best, (time.perf_counter() - started) * 1000)
    return best


def detector_alone(repeats: int = 5) -> dict[str, Any]:
    """Milliseconds of one detection batch of the prompt: total, NER pass, largest text."""
    from recognizers import AnalyzerSettings, DetectionRequest, Detector
    from recognizers.custom import DetectionConfig
    from recognizers.normalize import normalize

    settings = AnalyzerSettings(workers=1)
    detector = Detector(settings)
    entities = DetectionConfig().default_entities()
    texts = prompt_texts()
    requests = [DetectionRequest(text=text, entities=entities) for text in texts]
    normalized = [normalize(text).text for text in texts]
    engine: Any = detector.analyzer.nlp_engine
    largest = max(requests, key=lambda r: len(r.text))
    detector.analyze_batch(requests)  # warm
    return {
        "texts": len(texts), "repeats": repeats, "chars": sum(map(len, texts)),
        "batch_ms": _best_ms(lambda: detector.analyze_batch(requests), repeats),
        "ner_ms": _best_ms(lambda: engine.ner_batch(normalized, settings.language), repeats),
        "largest_chars": len(largest.text),
        "largest_ms": _best_ms(lambda: detector.analyze_batch([largest]), repeats),
    }
