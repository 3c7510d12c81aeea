"""Detection on the regression sample stays above its floors, per type and overall.

The sample (``benchmarks/accuracy/corpora/regression/sample.jsonl``) holds texts of every locale
and type from corpora the detection code did not write; the floors sit a little under what the
engine measured when they were written (``python -m benchmarks.accuracy.regression floors``).
A recognizer, overlap rule or model change that loses ground fails here, with the type named.
"""

from __future__ import annotations

import json

import pytest

from benchmarks.accuracy.regression import FLOORS, SAMPLE, score_sample
from benchmarks.accuracy.scoring import Scores
from benchmarks.accuracy.synthetic import LOCALES, UNSEEN_LOCALES, read_jsonl
from recognizers.detector import Detector


@pytest.fixture(scope="module")
def scores(detector: Detector) -> Scores:
    return score_sample(read_jsonl(SAMPLE), detector)


def test_the_sample_covers_every_locale_and_the_hand_written_texts() -> None:
    records = read_jsonl(SAMPLE)
    assert {r.get("locale") for r in records} >= set(LOCALES) - UNSEEN_LOCALES
    assert sum(1 for r in records if r["id"].startswith("rv2-")) >= 100


def test_recall_per_type_stays_above_its_floor(scores: Scores) -> None:
    floors = json.loads(FLOORS.read_text(encoding="utf-8"))
    below = {
        kind: round(scores.by_type[kind].recall, 3)
        for kind, floor in floors.items()
        if kind not in ("overall", "precision") and scores.by_type[kind].recall < floor
    }
    assert below == {}, f"recall under the floor of {FLOORS.name}: {below}"


def test_overall_recall_and_precision_stay_above_their_floors(scores: Scores) -> None:
    floors = json.loads(FLOORS.read_text(encoding="utf-8"))
    assert scores.total().recall >= floors["overall"]
    assert scores.precision() >= floors["precision"]
