"""Does dropping spaCy's tagger, attribute_ruler and lemmatizer change what Presidio finds?

Presidio's context enhancer compares lemmas with each recognizer's context words, so the lemmas
can raise a weak pattern match above the threshold. This check analyzes the benchmark's free texts
with both pipelines and compares the spans, and how many must-stop values each one finds.

    .venv/bin/python -m benchmarks.pipes_check [--payloads N]
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from benchmarks.payloads import make_payloads
from recognizers import engine
from recognizers.detector import Detector
from recognizers.settings import AnalyzerSettings
from recognizers.types import DetectionRequest

NER_ONLY_EXTRA = ("tok2vec", "tagger", "attribute_ruler", "lemmatizer")


def _detector(extra_excluded: tuple[str, ...]) -> Detector:
    saved = engine.UNNEEDED_PIPES
    engine.UNNEEDED_PIPES = tuple(dict.fromkeys(saved + extra_excluded))
    try:
        detector = Detector(AnalyzerSettings())
    finally:
        engine.UNNEEDED_PIPES = saved
    detector.warm()
    return detector


def compare(count: int) -> dict[str, Any]:
    """Analyze the free texts of ``count`` payloads with both pipelines; return the differences."""
    payloads = make_payloads(count)
    requests = [DetectionRequest(text) for p in payloads for text in p.free_texts]
    out: dict[str, Any] = {"texts": len(requests)}
    spans = {}
    for label, extra in (("with_lemmas", ()), ("ner_only", NER_ONLY_EXTRA)):
        detector = _detector(extra)
        out[f"{label}_pipes"] = detector.analyzer.nlp_engine.nlp["en"].pipe_names
        started = time.process_time()
        found = detector.analyze_batch(requests)
        out[f"{label}_cpu_ms_per_payload"] = (time.process_time() - started) * 1000 / count
        spans[label] = found
        below = [s for text_spans in found for s in text_spans if s.score < 0.5]
        out[f"{label}_spans_scored_below_0.5"] = len(below)
        stopped = total = 0
        for number, payload in enumerate(payloads):
            own = found[number * 3 : number * 3 + 3]
            for entity, value in payload.must_stop:
                for text, text_spans in zip(payload.free_texts, own, strict=True):
                    start = text.find(value)
                    if start < 0:
                        continue
                    total += 1
                    stopped += any(s.start <= start and s.end >= start + len(value)
                                   for s in text_spans)
        out[f"{label}_free_text_values_found"] = f"{stopped}/{total}"
    differing = [
        i for i, (a, b) in enumerate(zip(spans["with_lemmas"], spans["ner_only"], strict=True))
        if a != b
    ]
    out["texts_with_different_spans"] = len(differing)
    out["examples"] = [
        {"text": requests[i].text,
         "with_lemmas": [(s.entity_type, round(s.score, 2)) for s in spans["with_lemmas"][i]],
         "ner_only": [(s.entity_type, round(s.score, 2)) for s in spans["ner_only"][i]]}
        for i in differing[:5]
    ]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--payloads", type=int, default=300)
    args = parser.parse_args()
    for key, value in compare(args.payloads).items():
        print(f"{key}: {value}")


if __name__ == "__main__":
    main()
