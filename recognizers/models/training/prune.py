"""Drop the NER labels the engine never reads from a trained pipeline, keeping its weights.

spaCy's transition-based NER scores every action (``B-``, ``I-``, ``L-``, ``U-`` of each label,
plus ``O``) at every step, so its cost grows with the label count: the shipped model started
from the small English pipeline's 18 labels and added two, 82 actions. The engine maps only
PERSON, STREET_ADDRESS, POSTCODE, GPE, LOC, FAC, ORG, NORP, DATE and TIME to entities
(``recognizers.engine.NER_LABEL_TO_ENTITY``). Pruning deletes the other labels' rows of the
output layer; every kept action keeps its exact weights, so the model decides as before except
where a dropped label won, where the best kept action wins instead.

Two ignored labels stay: CARDINAL and MONEY. They absorb numbers; without them a quantity or
an amount falls to DATE, POSTCODE or STREET_ADDRESS (on the synthetic dev split, 60 of
about 4,400 entities moved so, and precision fell by 1.3 points). Keeping them costs 8 actions.

On the frozen test texts the NER pass takes 0.78 x the time of the unpruned one. ``package``
prunes every model it ships; ``python -m recognizers.models.training.package`` without a folder
prunes the shipped one in place and records its sample scores again.
"""

from __future__ import annotations

import numpy
from spacy.language import Language
from spacy.ml.models.parser import _define_upper

# The labels the engine reads (``recognizers.engine.NER_LABEL_TO_ENTITY``; a test keeps the two
# in step), and the two that keep numbers away from them (module doc).
KEPT_LABELS: frozenset[str] = frozenset({
    "PERSON", "STREET_ADDRESS", "POSTCODE", "GPE", "LOC", "FAC", "ORG", "NORP", "DATE", "TIME",
    "CARDINAL", "MONEY",
})


def prune_labels(nlp: Language, keep: frozenset[str] = KEPT_LABELS) -> list[str]:
    """Remove every label of ``nlp``'s ``ner`` pipe that is not in ``keep``, in place; return
    the labels removed. The kept actions' output weights are copied unchanged."""
    ner = nlp.get_pipe("ner")
    moves = ner.moves  # type: ignore[attr-defined]
    before = [moves.get_class_name(i) for i in range(moves.n_moves)]
    removed = sorted(set(ner.labels) - keep)  # type: ignore[attr-defined]
    if not removed:
        return []
    # The empty label is the transition system's own (``U-`` of a missing entity).
    moves.initialize_actions({
        action: {label: freq for label, freq in labels.items() if label in keep or not label}
        for action, labels in moves.labels.items()
    })
    after = [moves.get_class_name(i) for i in range(moves.n_moves)]
    rows = [before.index(name) for name in after]
    model = ner.model  # type: ignore[attr-defined]
    upper = model.get_ref("upper")
    smaller = _define_upper(nO=len(after), nI=upper.get_dim("nI"))
    smaller.set_param("W", numpy.ascontiguousarray(upper.get_param("W")[rows]))
    smaller.set_param("b", numpy.ascontiguousarray(upper.get_param("b")[rows]))
    # Training-time bookkeeping only; kept consistent with the new action numbers.
    model.attrs["unseen_classes"] = {
        after.index(before[i]) for i in model.attrs["unseen_classes"] if before[i] in after
    }
    model._layers[-1] = smaller
    model.set_ref("upper", smaller)
    return removed
