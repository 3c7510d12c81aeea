"""Put a trained pipeline in place as ``recognizers/models/pii_ner`` and record its sample scores.

``python -m recognizers.models.training.package TRAINED_DIR`` copies the weights, config, vocab
and tokenizer of ``TRAINED_DIR`` (``spacy train``'s ``model-best``) over the shipped pipeline,
keeps its data card, drops the NER labels the engine never reads (``prune``) and writes
``sample_scores.json``: the model's precision and recall per
label on a tiny fixed sample (the first texts of the regression sample). A test recomputes them
from the shipped files, so a model that changes silently fails it.
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path
from typing import Any

import spacy

from benchmarks.accuracy.regression import SAMPLE
from benchmarks.accuracy.synthetic import read_jsonl
from recognizers.models import MODELS_DIR
from recognizers.models.training.build_docs import GOLD_LABELS
from recognizers.models.training.prune import prune_labels

SHIPPED = MODELS_DIR / "pii_ner"
SCORES = SHIPPED / "sample_scores.json"
SAMPLE_SIZE = 60
_PARTS = ("config.cfg", "meta.json", "ner", "tokenizer", "vocab")


def sample_scores(model: Path | str) -> dict[str, Any]:
    """Exact-span precision and recall per model label on the first ``SAMPLE_SIZE`` texts."""
    nlp = spacy.load(model)
    records = read_jsonl(SAMPLE)[:SAMPLE_SIZE]
    tallies: dict[str, dict[str, int]] = {}
    for record, doc in zip(records, nlp.pipe([r["full_text"] for r in records])):
        gold = {(s["start_position"], s["end_position"], GOLD_LABELS[s["entity_type"]])
                for s in record["spans"] if s["entity_type"] in GOLD_LABELS}
        found = {(e.start_char, e.end_char, e.label_) for e in doc.ents
                 if e.label_ in GOLD_LABELS.values()}
        for label in GOLD_LABELS.values():
            t = tallies.setdefault(label, {"gold": 0, "found": 0, "right": 0})
            g = {x for x in gold if x[2] == label}
            f = {x for x in found if x[2] == label}
            t["gold"] += len(g)
            t["found"] += len(f)
            t["right"] += len(g & f)
    return {"texts": len(records), "labels": tallies}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("trained", type=Path, nargs="?",
                        help="spacy train's output folder (none: prune the shipped model again)")
    args = parser.parse_args()
    if args.trained is None:
        nlp = spacy.load(SHIPPED)
        print("removed labels:", ", ".join(prune_labels(nlp)) or "none")
        nlp.to_disk(SHIPPED)
        record_sample_scores()
        return
    for part in _PARTS:
        target = SHIPPED / part
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
        source = args.trained / part
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, target)
    # The numpy-ops callback is for `spacy train` only: loading the model must not need it.
    config = spacy.util.load_config(SHIPPED / "config.cfg", interpolate=False)
    config["nlp"]["before_creation"] = None
    config.to_disk(SHIPPED / "config.cfg")
    nlp = spacy.load(SHIPPED)
    prune_labels(nlp)
    nlp.to_disk(SHIPPED)
    record_sample_scores()


def record_sample_scores() -> None:
    """Write the shipped model's sample scores to ``SCORES`` (and print them)."""
    recorded = json.dumps(sample_scores(SHIPPED), indent=2)
    SCORES.write_text(recorded + "\n", encoding="utf-8")
    print(recorded)  # counts per label, no text of the sample


if __name__ == "__main__":
    main()
