"""The regression sample that ``make test`` scores, and the floors it must stay above.

``python -m benchmarks.accuracy.regression write --dev DEV.jsonl`` draws the sample: texts of the
synthetic dev split, the same number for every locale, and the dev halves (odd ids) of the
hand-written ``realistic_v2``, ``realistic_v3`` and ``realistic_v4`` sets. It never reads the
frozen test split or a realistic test half. ``python -m benchmarks.accuracy.regression floors`` scores the sample with the engine as
it is and writes per-type floors a little under the measured recall (and a precision floor):
the test fails when detection gets worse, not when it moves within noise. (Faker draws some
values from the current date, so ``write`` gives other synthetic texts on another day; the
committed sample's 390 synthetic and v2 texts were drawn on 2026-12-04 and the v3 and v4 dev
halves appended to them on 12-05.)
"""

from __future__ import annotations

import argparse
import json
import random
from collections import defaultdict
from pathlib import Path
from typing import Any

from benchmarks.accuracy.scoring import Scores
from benchmarks.accuracy.synthetic import LOCALES, read_jsonl, write_jsonl
from recognizers.custom import DetectionConfig
from recognizers.detector import Detector
from recognizers.settings import AnalyzerSettings
from recognizers.types import DetectionRequest

HERE = Path(__file__).resolve().parent
SAMPLE = HERE / "corpora" / "regression" / "sample.jsonl"
FLOORS = HERE / "corpora" / "regression" / "floors.json"
REALISTIC = [HERE / "corpora" / name / f"{name}.json"
             for name in ("realistic_v2", "realistic_v3", "realistic_v4")]
PER_LOCALE = 6
MARGIN = 0.03  # floors sit this far under the measured recall
MIN_TOKENS = 20  # types with fewer labeled tokens in the sample get no floor of their own


def draw_sample(dev: list[dict[str, Any]], seed: int = 15) -> list[dict[str, Any]]:
    """``PER_LOCALE`` dev texts of every locale, then the realistic sets' dev halves."""
    rng = random.Random(seed)
    by_locale: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in dev:
        by_locale[record["locale"]].append(record)
    sample = []
    for locale in LOCALES:
        pool = by_locale.get(locale, [])
        sample += rng.sample(pool, min(PER_LOCALE, len(pool)))
    for path in REALISTIC:
        realistic = json.loads(path.read_text(encoding="utf-8"))
        sample += [r for r in realistic if int(r["id"].rsplit("-", 1)[1]) % 2 == 1]
    return sample


def score_sample(records: list[dict[str, Any]], detector: Detector | None = None) -> Scores:
    """``detector``'s (default: a new one) standard-sensitivity scores on ``records``."""
    detector = detector or Detector(AnalyzerSettings())
    entities = DetectionConfig().default_entities()
    spans = detector.analyze_batch(
        [DetectionRequest(r["full_text"], entities=entities) for r in records]
    )
    scores = Scores()
    scores.add_all(records, spans)
    return scores


def floors_of(scores: Scores) -> dict[str, float]:
    """Recall floors per type with enough tokens, plus ``overall`` and ``precision``."""
    floors = {
        kind: round(max(0.0, tally.recall - MARGIN), 2)
        for kind, tally in sorted(scores.by_type.items())
        if tally.tokens >= MIN_TOKENS
    }
    floors["overall"] = round(scores.total().recall - MARGIN, 2)
    floors["precision"] = round(scores.precision() - MARGIN, 2)
    return floors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    write = sub.add_parser("write", help="draw the sample from the synthetic dev split")
    write.add_argument("--dev", type=Path, required=True)
    sub.add_parser("floors", help="score the sample and write the floors")
    args = parser.parse_args()
    if args.command == "write":
        write_jsonl(SAMPLE, draw_sample(read_jsonl(args.dev)))
        print(f"wrote {SAMPLE}")
    else:
        floors = floors_of(score_sample(read_jsonl(SAMPLE)))
        FLOORS.write_text(json.dumps(floors, indent=2) + "\n", encoding="utf-8")
        print(json.dumps(floors, indent=2))


if __name__ == "__main__":
    main()
