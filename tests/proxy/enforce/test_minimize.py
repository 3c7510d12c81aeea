"""Default deny on JSON documents, actions on scalars, wrong shapes dropped and reported."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from proxy.contract.models import FieldRule
from proxy.contract.selectors import build_trie, parse_selector
from proxy.enforce.minimize import BodyMinimizer, BodyShapeError
from proxy.enforce.report import MessageReport
from proxy.enforce.transforms import Pseudonymizer

PSEUDO = Pseudonymizer(b"k" * 32)


def minimize(rules: dict[str, Any], document: Any) -> tuple[Any, MessageReport, BodyMinimizer]:
    trie = build_trie(
        [(parse_selector(k), FieldRule.model_validate(v)) for k, v in rules.items()]
    )
    report = MessageReport()
    minimizer = BodyMinimizer(trie, "acme", PSEUDO, report)
    return minimizer.minimize(document), report, minimizer


def test_unlisted_fields_are_dropped_at_every_depth() -> None:
    doc = {"a": 1, "b": {"c": 2, "d": 3}, "e": [{"f": 4, "g": 5}]}
    out, report, _ = minimize({"b.c": "keep", "e[*].f": "keep"}, doc)
    assert out == {"b": {"c": 2}, "e": [{"f": 4}]}
    assert report.dropped == {"body:a", "body:b.d", "body:e[*].g"}
    assert report.kept == {"body:b.c", "body:e[*].f"}


def test_wildcard_keys_and_top_level_list() -> None:
    out, _, _ = minimize({"[*].meta.*": "keep"}, [{"meta": {"x": 1, "y": "z"}, "pii": "p"}])
    assert out == [{"meta": {"x": 1, "y": "z"}}]


def test_specific_index() -> None:
    out, _, _ = minimize({"items[1]": "keep"}, {"items": ["a", "b", "c"]})
    assert out == {"items": ["b"]}


def test_object_where_a_scalar_is_declared_is_dropped_and_reported() -> None:
    out, report, _ = minimize({"name": "keep", "tags[*]": "keep"},
                              {"name": {"first": "Jane", "ssn": "078-05-1120"},
                               "tags": ["ok", {"ssn": "x"}]})
    assert out == {"tags": ["ok"]}
    assert "body:name" in report.wrong_shape
    assert "body:tags[*]" in report.wrong_shape


def test_declared_type_is_enforced() -> None:
    rules = {"amount": {"action": "keep", "type": "integer"}, "flag": {"action": "keep",
                                                                      "type": "boolean"}}
    out, report, _ = minimize(rules, {"amount": "4111111111111111", "flag": 1})
    assert out == {}
    assert report.wrong_shape == {"body:amount", "body:flag"}


def test_redact_is_deferred_with_placeholder() -> None:
    out, report, minimizer = minimize({"note": "redact", "list[*]": "redact"},
                                      {"note": "call Jane", "list": ["a", "b"]})
    assert out == {"note": None, "list": [None, None]}
    assert [p.text for p in minimizer.pending] == ["call Jane", "a", "b"]
    minimizer.pending[2].container[minimizer.pending[2].key] = "B"
    assert out["list"] == [None, "B"]


def test_redact_on_a_number_is_dropped_not_forwarded() -> None:
    out, report, minimizer = minimize({"note": "redact"}, {"note": 4111111111111111})
    assert out == {} and not minimizer.pending and report.wrong_shape == {"body:note"}


def test_pseudonymize_and_mask_and_generalize() -> None:
    rules = {
        "id": "pseudonymize",
        "card": {"action": "mask", "keep_last": 4},
        "dob": {"action": "generalize", "to": "year"},
    }
    out, report, _ = minimize(rules, {"id": "cus_1", "card": "4111111111111111",
                                      "dob": "1990-04-02"})
    assert out["id"] == PSEUDO.pseudonymize("acme", "cus_1")
    assert out["card"] == "************1111"
    assert out["dob"] == "1990"
    assert report.transformed == {"body:id": "pseudonymize", "body:card": "mask",
                                  "body:dob": "generalize"}


def test_explicit_drop_beats_wildcard_keep() -> None:
    out, _, _ = minimize({"meta.*": "keep", "meta.email": "drop"},
                         {"meta": {"email": "a@b.example", "plan": "pro"}})
    assert out == {"meta": {"plan": "pro"}}


def test_nulls_pass_for_any_action() -> None:
    out, _, _ = minimize({"a": "redact", "b": "pseudonymize"}, {"a": None, "b": None})
    assert out == {"a": None, "b": None}


def test_scalar_top_level_is_refused() -> None:
    with pytest.raises(BodyShapeError):
        minimize({"a": "keep"}, "just a string")


def test_data_shaped_keys_are_masked_in_reports() -> None:
    _, report, _ = minimize({"x": "keep"}, {"jane.doe@example.com": {"tier": "gold"}})
    assert report.dropped == {"body:<key>"}


# -- the compiled walk against the plain one -------------------------------------------------------

class PlainWalk(BodyMinimizer):
    """Hooks ``_visit`` (as explain does), which selects the plain walk."""

    def _visit(self, value: Any, nodes: Any, path: tuple[str | int, ...]) -> Any:
        return super()._visit(value, nodes, path)


def walks(rules: dict[str, Any], document: Any) -> list[Any]:
    trie = build_trie(
        [(parse_selector(k), FieldRule.model_validate(v)) for k, v in rules.items()]
    )
    outcomes = []
    for cls in (BodyMinimizer, PlainWalk):
        report = MessageReport()
        minimizer = cls(trie, "acme", PSEUDO, report)
        try:
            out: Any = minimizer.minimize(document)
        except BodyShapeError:
            out = "shape error"
        pending = [(p.key, p.text, p.path, p.container is out) for p in minimizer.pending]
        outcomes.append((repr(out), report.to_dict(), report.dropped_count, pending))
    return outcomes


def test_a_trie_without_selectors_drops_everything_in_both_walks() -> None:
    fast, plain = walks({}, {"a": 1, "b": [1]})
    assert fast == plain
    assert fast[1]["unlisted"] == ["body:a", "body:b"]


keys = st.one_of(st.sampled_from(["a", "b", "c"]), st.sampled_from(["e-mail", "x y", "1"]))
selector_steps = st.lists(st.one_of(keys, st.just("*"), st.sampled_from(["[*]", "[0]", "[1]"])),
                          min_size=1, max_size=4)


def as_selector(steps: list[str]) -> str:
    text = ""
    for step in steps:
        if step.startswith("["):
            text += step
        else:
            key = step if step in ("*", "a", "b", "c", "1") else f'"{step}"'
            text += ("." if text else "") + key
    return text


actions = st.sampled_from([
    "keep", "drop", "redact", "pseudonymize", {"action": "keep", "type": "integer"},
    {"action": "keep", "type": "string"}, {"action": "keep", "type": "boolean"},
    {"action": "keep", "type": "number"}, {"action": "mask", "keep_last": 2},
])
values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.floats(allow_nan=False),
              st.text(max_size=5)),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(keys, inner, max_size=4)),
    max_leaves=15,
)
documents = st.one_of(st.dictionaries(keys, values, min_size=1, max_size=5),
                      st.lists(values, max_size=3), values)


def document_paths(value: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every path of ``value`` as selector steps (containers and leaves)."""
    found = [path] if path else []
    if isinstance(value, dict):
        for k, v in value.items():
            found += document_paths(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found += document_paths(v, path + (f"[{i}]",))
    return found


@settings(max_examples=500, deadline=None)
@given(st.dictionaries(selector_steps.map(as_selector), actions, max_size=4), documents,
       st.data())
def test_compiled_walk_matches_the_plain_walk(rules: dict[str, Any], document: Any,
                                             data: st.DataObject) -> None:
    # Selectors taken from the document itself (some steps made wildcards) so that rules match.
    for path in data.draw(st.lists(st.sampled_from(document_paths(document) or [("a",)]),
                                   max_size=5)):
        steps = [data.draw(st.sampled_from([step, "[*]" if step.startswith("[") else "*"]))
                 for step in path]
        rules[as_selector(steps)] = data.draw(actions)
    fast, plain = walks(rules, document)
    assert fast == plain
