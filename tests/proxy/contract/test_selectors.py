"""Selector syntax and trie matching."""

from __future__ import annotations

import pytest

from proxy.contract.selectors import (
    ANY_INDEX,
    ANY_KEY,
    INDEX,
    KEY,
    SelectorSyntaxError,
    best_rule,
    build_trie,
    format_path,
    parse_selector,
)


@pytest.mark.parametrize(
    ("text", "steps"),
    [
        ("email", ((KEY, "email"),)),
        ("customer.email", ((KEY, "customer"), (KEY, "email"))),
        ("personalizations[*].to[*].email",
         ((KEY, "personalizations"), (ANY_INDEX, None), (KEY, "to"), (ANY_INDEX, None),
          (KEY, "email"))),
        ("items[0].sku", ((KEY, "items"), (INDEX, 0), (KEY, "sku"))),
        ("metadata.*", ((KEY, "metadata"), (ANY_KEY, None))),
        ("[*].email", ((ANY_INDEX, None), (KEY, "email"))),
        ('"a.b"."c[d]"', ((KEY, "a.b"), (KEY, "c[d]"))),
        ('"say \\"hi\\""', ((KEY, 'say "hi"'),)),
        ("matrix[*][*]", ((KEY, "matrix"), (ANY_INDEX, None), (ANY_INDEX, None))),
        ("x-api-key", ((KEY, "x-api-key"),)),
    ],
)
def test_parse_valid(text: str, steps: tuple) -> None:
    assert parse_selector(text).steps == steps


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "empty selector"),
        ("a..b", "empty key at position 2"),
        ("a.", "ends with '.'"),
        (".a", "empty key at position 0"),
        ("a[", "not closed"),
        ("a[x]", "use [*] or a number"),
        ('"abc', "not closed"),
        ('""', "empty quoted key"),
        ("a b", "separate keys"),
        ("a.[*]", "write key[*]"),
        ("a*b", "separate keys with '.'"),
    ],
)
def test_parse_invalid_says_where(text: str, fragment: str) -> None:
    with pytest.raises(SelectorSyntaxError) as info:
        parse_selector(text)
    assert fragment in str(info.value)


def test_most_specific_rule_wins() -> None:
    wildcard = parse_selector("metadata.*")
    exact = parse_selector("metadata.note")
    trie = build_trie([(wildcard, "keep"), (exact, "redact")])
    meta = trie.children_for_key("metadata")
    assert best_rule([c for n in meta for c in n.children_for_key("note")])[1] == "redact"
    assert best_rule([c for n in meta for c in n.children_for_key("other")])[1] == "keep"


def test_exact_key_beats_wildcard_from_the_left() -> None:
    a = parse_selector("*.b")
    b = parse_selector("a.*")
    trie = build_trie([(a, "first"), (b, "second")])
    nodes = [c for n in trie.children_for_key("a") for c in n.children_for_key("b")]
    assert best_rule(nodes)[1] == "second"


def test_format_path_masks_keys_that_look_like_data() -> None:
    assert format_path(("customers", 3, "email")) == "customers[*].email"
    assert format_path(("by_email", "jane.doe@example.com", "tier")) == "by_email.<key>.tier"
    assert format_path(("a.b",), mask_unsafe_keys=False) == '"a.b"'


def test_format_path_gives_the_same_answer_for_keys_it_has_seen() -> None:
    for _ in range(2):  # the second time from the cache of safe keys
        assert format_path(("order_id", 0, "x-y")) == "order_id[*].x-y"
        assert format_path(("jane.doe@example.com",)) == "<key>"
        assert format_path(("k" * 65,)) == "<key>"
        assert format_path(("order_id",), mask_unsafe_keys=False) == "order_id"
