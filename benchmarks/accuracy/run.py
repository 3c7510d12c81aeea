"""Run the accuracy benchmark: ``python -m benchmarks.accuracy.run [--size N] [--out PATH]``.

Generates the labeled corpus (default 2,500 samples) and the no-PII corpus (1,000 texts) from
fixed seeds, runs our engine and default Presidio on both in one process (batches of 64 texts,
as the worker pool sends them; two alternating timed passes each, the faster counts), scores
them (``evaluate``) and writes the Markdown report
(``benchmarks/accuracy/REPORT.md`` by default). Nothing else is written; the corpora live in
memory only.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from benchmarks.accuracy.corpus import Sample, labeled_corpus, no_pii_corpus
from benchmarks.accuracy.engines import DefaultPresidio, OurEngine
from benchmarks.accuracy.evaluate import count_false_positives, evaluate
from benchmarks.accuracy.report import EngineResult, render_report
from recognizers.settings import AnalyzerSettings
from recognizers.types import Span

BATCH = 64
DEFAULT_OUT = Path(__file__).with_name("REPORT.md")


class Engine(Protocol):
    name: str

    def analyze(self, texts: Sequence[str]) -> list[list[Span]]: ...


def run_engine(engine: Engine, samples: Sequence[Sample]) -> tuple[list[list[Span]], float]:
    """Predictions for every sample and the analysis time in seconds."""
    texts = [sample.text for sample in samples]
    predictions: list[list[Span]] = []
    elapsed = 0.0
    for offset in range(0, len(texts), BATCH):
        batch = texts[offset : offset + BATCH]
        started = time.perf_counter()
        predictions.extend(engine.analyze(batch))
        elapsed += time.perf_counter() - started
    return predictions, elapsed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=2500, help="labeled samples (default 2500)")
    parser.add_argument("--no-pii-size", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--passes", type=int, default=2, help="timed passes per engine")
    args = parser.parse_args(argv)

    settings = AnalyzerSettings()
    labeled = labeled_corpus(args.seed, args.size)
    clean = no_pii_corpus(args.seed + 1, args.no_pii_size)
    chars = sum(len(s.text) for s in labeled) + sum(len(s.text) for s in clean)

    engines = [DefaultPresidio(settings), OurEngine(settings)]
    texts = list(labeled) + list(clean)
    for engine in engines:  # warm caches and lazy paths before anything is timed
        run_engine(engine, texts[:256])
    # Timed passes alternate between the engines; the faster of two passes counts, so a
    # background hiccup does not decide the comparison.
    timings: dict[str, list[float]] = {engine.name: [] for engine in engines}
    outputs: dict[str, list[list[Span]]] = {}
    for _ in range(args.passes):
        for engine in engines:
            predictions, elapsed = run_engine(engine, texts)
            timings[engine.name].append(elapsed)
            outputs[engine.name] = predictions
    results = []
    for engine in engines:
        predictions = outputs[engine.name]
        best = min(timings[engine.name])
        results.append(
            EngineResult(
                name=engine.name,
                evaluation=evaluate(labeled, predictions[: len(labeled)]),
                false_positives=count_false_positives(clean, predictions[len(labeled) :]),
                ms_per_1k_chars=1000 * best / chars * 1000,
            )
        )
        print(f"{engine.name}: " + ", ".join(f"{t:.1f} s" for t in timings[engine.name]))
    report = render_report(results, labeled, clean, settings, args.seed)
    args.out.write_text(report)
    print(f"report written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
