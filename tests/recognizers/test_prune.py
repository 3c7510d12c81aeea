"""Pruning NER labels: the kept actions keep their weights, the rest are gone, and it saves."""

from __future__ import annotations

import numpy
import spacy
from spacy.training import Example

from recognizers.models import DEFAULT_MODEL, resolve_model
from recognizers.models.training.prune import KEPT_LABELS, prune_labels


def _tiny_ner() -> spacy.language.Language:
    nlp = spacy.blank("en")
    ner = nlp.add_pipe("ner")
    for label in ("PERSON", "MONEY", "EVENT", "WORK_OF_ART"):
        ner.add_label(label)  # type: ignore[attr-defined]
    doc = nlp.make_doc("Ana paid 5 dollars at Woodstock")
    example = Example.from_dict(doc, {"entities": [(0, 3, "PERSON"), (9, 18, "MONEY"),
                                                   (22, 31, "EVENT")]})
    nlp.initialize(lambda: [example])
    return nlp


def _actions(nlp: spacy.language.Language) -> list[str]:
    moves = nlp.get_pipe("ner").moves  # type: ignore[attr-defined]
    return [moves.get_class_name(i) for i in range(moves.n_moves)]


def test_dropped_labels_leave_and_kept_actions_keep_their_exact_weights(tmp_path) -> None:  # type: ignore[no-untyped-def]
    nlp = _tiny_ner()
    before = _actions(nlp)
    upper = nlp.get_pipe("ner").model.get_ref("upper")  # type: ignore[attr-defined]
    weights = dict(zip(before, upper.get_param("W").copy(), strict=True))
    biases = dict(zip(before, upper.get_param("b").copy(), strict=True))

    removed = prune_labels(nlp, frozenset({"PERSON", "MONEY"}))

    assert removed == ["EVENT", "WORK_OF_ART"]
    after = _actions(nlp)
    assert not any("EVENT" in name or "WORK_OF_ART" in name for name in after)
    assert {"B-PERSON", "U-MONEY", "O"} <= set(after)
    upper = nlp.get_pipe("ner").model.get_ref("upper")  # type: ignore[attr-defined]
    assert upper.get_param("W").shape[0] == len(after) < len(before)
    for row, name in enumerate(after):
        assert numpy.array_equal(upper.get_param("W")[row], weights[name]), name
        assert upper.get_param("b")[row] == biases[name], name
    # It saves and loads as an ordinary pipeline, with the same predictions.
    text = "Ana paid 5 dollars"
    expected = [(e.text, e.label_) for e in nlp(text).ents]
    nlp.to_disk(tmp_path / "pruned")
    reloaded = spacy.load(tmp_path / "pruned")
    assert set(reloaded.get_pipe("ner").labels) == {"PERSON", "MONEY"}  # type: ignore[attr-defined]
    assert [(e.text, e.label_) for e in reloaded(text).ents] == expected


def test_pruning_twice_changes_nothing() -> None:
    nlp = _tiny_ner()
    prune_labels(nlp, frozenset({"PERSON"}))

    assert prune_labels(nlp, frozenset({"PERSON"})) == []


def test_the_shipped_model_holds_only_the_labels_the_engine_reads() -> None:
    nlp = spacy.load(resolve_model(DEFAULT_MODEL))

    assert set(nlp.get_pipe("ner").labels) <= KEPT_LABELS  # type: ignore[attr-defined]


def test_pruning_keeps_every_label_the_engine_reads() -> None:
    from recognizers.engine import NER_LABEL_TO_ENTITY

    nlp = spacy.load(resolve_model(DEFAULT_MODEL))
    labels = set(nlp.get_pipe("ner").labels)  # type: ignore[attr-defined]

    assert {label for label in NER_LABEL_TO_ENTITY if label in labels} <= KEPT_LABELS
    assert {"PERSON", "STREET_ADDRESS", "POSTCODE", "GPE", "ORG", "DATE"} <= labels
