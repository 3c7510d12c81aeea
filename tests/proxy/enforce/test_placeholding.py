"""Placeholder slots: text, JSON strings (tool arguments) and JSON values (tool_use input)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import pytest

from proxy.contract.models import FieldRule
from proxy.contract.selectors import build_trie, parse_selector
from proxy.enforce.minimize import BodyMinimizer
from proxy.enforce.placeholders import PlaceholderBook, PlaceholderNamer
from proxy.enforce.placeholding import resolve_placeholders
from proxy.enforce.report import MessageReport
from recognizers.types import DetectionRequest, Span

NAME = "Dora Keene"


async def find_name(requests: Sequence[DetectionRequest]) -> list[list[Span]]:
    """A stand-in detector: every occurrence of NAME is a PERSON."""
    out = []
    for request in requests:
        start = request.text.find(NAME)
        out.append([] if start < 0 else [Span(start, start + len(NAME), "PERSON", 0.9)])
    return out


def minimize(rules: dict[str, Any], document: Any) -> tuple[Any, BodyMinimizer, MessageReport]:
    trie = build_trie([(parse_selector(k), FieldRule.model_validate(v)) for k, v in rules.items()])
    report = MessageReport()
    minimizer = BodyMinimizer(trie, "llm", None, report)
    return minimizer.minimize(document), minimizer, report


async def placeholders(rules: dict[str, Any], document: Any) -> tuple[Any, PlaceholderBook]:
    out, minimizer, report = minimize(rules, document)
    book = PlaceholderBook(PlaceholderNamer(b"k" * 32), "scope")
    rest = await resolve_placeholders(book, minimizer.pending, find_name, report)
    assert rest == []
    return out, book


async def test_text_json_strings_and_json_values_get_the_same_placeholder() -> None:
    doc = {"content": f"Hi {NAME}",
           "arguments": json.dumps({"who": NAME, "n": [1, f"to {NAME}"]}, separators=(",", ":")),
           "input": {"customer": {"name": NAME}, "count": 2},
           "broken": f'{{"who": "{NAME}"',  # not JSON: checked as text
           "empty": ""}
    rules = {k: {"action": "placeholder", "json": True} for k in ("arguments", "input", "broken")}
    out, book = await placeholders({"content": "placeholder", "empty": "placeholder", **rules},
                                   doc)
    tag = book.placeholder_for("PERSON", NAME)
    assert out["content"] == f"Hi {tag}"
    assert out["arguments"] == json.dumps({"who": tag, "n": [1, f"to {tag}"]},
                                          separators=(",", ":"))  # same layout, same order
    assert out["input"] == {"customer": {"name": tag}, "count": 2}
    assert doc["input"]["customer"]["name"] == NAME  # the caller's document is not changed
    assert out["broken"] == f'{{"who": "{tag}"'
    assert out["empty"] == ""
    assert NAME not in json.dumps(out)


def test_json_rules_keep_a_container_whole_and_other_actions_refuse_it() -> None:
    doc = {"schema": {"type": "object", "properties": {"a": {"type": "string"}}},
           "plain": {"x": 1}}
    out, _, report = minimize({"schema": {"action": "keep", "json": True}, "plain": "keep"}, doc)
    assert out == {"schema": doc["schema"]}
    assert "body:plain" in report.wrong_shape


def test_json_option_is_refused_where_it_does_not_apply() -> None:
    with pytest.raises(ValueError, match="json"):
        FieldRule.model_validate({"action": "redact", "json": True})


async def test_without_a_book_placeholder_slots_fail_closed() -> None:
    _, minimizer, report = minimize({"content": "placeholder"}, {"content": NAME})
    with pytest.raises(RuntimeError):
        await resolve_placeholders(None, minimizer.pending, find_name, report)


async def find_nothing(requests: Sequence[DetectionRequest]) -> list[list[Span]]:
    return [[] for _ in requests]


async def test_a_known_value_is_replaced_even_where_detection_misses_it() -> None:
    """A model's answer quotes a value; the next turn resends it in a wording detection misses.
    The scope's book knows it, so it never goes out in the clear."""
    namer = PlaceholderNamer(b"k" * 32)
    first = PlaceholderBook(namer, "scope")
    tag = first.placeholder_for("PERSON", NAME)
    book = PlaceholderBook(namer, "scope", known=first.new)  # the next turn, loaded from store
    out, minimizer, report = minimize({"content": "placeholder"},
                                      {"content": f"Copy {NAME}, and {NAME}s unrelated."})
    await resolve_placeholders(book, minimizer.pending, find_nothing, report)
    assert out["content"] == f"Copy {tag}, and {NAME}s unrelated."  # whole words only
    assert report.entities["PERSON"] == 1
