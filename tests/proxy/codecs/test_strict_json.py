"""Strict JSON parsing: what different parsers read differently is refused."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from proxy.codecs import strict_json as json_codec
from proxy.codecs.strict_json import JsonRejected, dump_json, parse_json


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b'{"a": 1, "a": 2}', "duplicate_key"),
        (b'{"ssn": "1", "\\u0073sn": "2"}', "duplicate_key"),
        (b"\xef\xbb\xbf{}", "invalid_json"),
        (b'{"a": NaN}', "invalid_json"),
        (b'{"a": 1,}', "invalid_json"),
        (b'{"a": 1} {"b": 2}', "invalid_json"),
        (b'{"a": "\\ud800"}', "invalid_json"),
        (b'{"a": "\xff"}', "invalid_json"),
        (b'{"a": 1} // c', "invalid_json"),
        (b'{"a": 123456789012345678901234567890}', "invalid_json"),
        (b'{"n": 1' + b"0" * 400 + b"}", "invalid_json"),  # beyond a float: orjson refuses it
        (b"[" * 100 + b"]" * 100, "json_too_deep"),
        (b'{"a":' * 5000 + b"1" + b"}" * 5000, "invalid_json"),
    ],
)
def test_rejected(body: bytes, reason: str) -> None:
    with pytest.raises(JsonRejected) as info:
        parse_json(body, max_depth=64)
    assert info.value.reason == reason


def test_escaped_keys_are_compared_unescaped() -> None:
    assert parse_json(b'{"\\u0073sn": "x"}', max_depth=8) == {"ssn": "x"}


def test_canonical_output() -> None:
    assert dump_json({"b": [1, "é"], "a": None}) == '{"b":[1,"é"],"a":null}'.encode()


# -- the fast path: orjson's document is used only when the strict pass would return it too ------

def strict_reference(body: bytes, max_depth: int) -> Any:
    """The strict parse as it was before the fast path: depth check, then the stdlib pass."""
    if body.startswith(b"\xef\xbb\xbf"):
        raise JsonRejected("a byte order mark is not allowed in JSON", reason="invalid_json")
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise JsonRejected("the body is not valid JSON") from None
    if json_codec._depth_exceeds(document, max_depth):
        raise JsonRejected("JSON nesting is deeper than the limit", reason="json_too_deep")
    try:
        return json.loads(body, object_pairs_hook=json_codec._reject_duplicates,
                          parse_int=json_codec._parse_int,
                          parse_constant=json_codec._reject_constant)
    except JsonRejected:
        raise
    except (ValueError, RecursionError):
        raise JsonRejected("the body is not valid JSON") from None


def outcome(parse: Callable[[bytes, int], Any], body: bytes, max_depth: int = 64) -> Any:
    """The parsed value with every scalar's type (1 and 1.0 differ), or the error answer."""
    try:
        return ("ok", typed(parse(body, max_depth)))
    except JsonRejected as exc:
        return ("rejected", exc.reason, str(exc))


def typed(value: Any) -> Any:
    if isinstance(value, dict):
        return [(k, typed(v)) for k, v in value.items()]
    if isinstance(value, list):
        return [typed(v) for v in value]
    return (type(value).__name__, repr(value))


@pytest.fixture
def strict_pass_calls(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """Records every body that went through the stdlib pass."""
    calls: list[bytes] = []
    real = json_codec.json.loads

    def spy(body: bytes, **kwargs: Any) -> Any:
        calls.append(body)
        return real(body, **kwargs)

    monkeypatch.setattr(json_codec.json, "loads", spy)
    return calls


@pytest.mark.parametrize(
    "body",
    [
        b'{"a": 1, "b": [1, 2.5, -3e2, {"c": null, "d": true}], "e": "x"}',
        b'{"url": "https://example.com:8443/a", "at": "12:30"}',  # colons inside strings
        b'{"a:b": 1, "c": {"d:e": "f:g"}}',  # colons inside keys
        b'{"q": "say \\"a:b\\"", "r": "\\\\", "s": "\\\\\\":\\""}',  # escaped quotes, backslashes
        b'{"card": "4111 1111 1111 1111", "n": 123456789012345678}',  # 18 digits: exact in orjson
        b'{"iban": "DE89370400440532013000", "id": "12345678901234567890123"}',  # digits in strings
        b'{"n": 9223372036854775807}',  # 19 digits in range: orjson's int is exact
        b'{"n": 18446744073709551615}',
        b'{"n": -9223372036854775808}',
        b'{"id": "12345678901234567890", "f": 2.5}',  # a float, but the long run is in a string
        b'{"a": 1, "b": "no escapes, one colon: here"}',
        b'{"k": "\\u003a", "\\u0073sn": "x"}',  # an escaped colon is not a raw ':'
        b'[1, [2, [3]], {"k": "v"}]',
        b'"a:b"',
        b"12",
        b'{"deep": "' + b"[[[[{{{{" * 20 + b'"}',  # brackets inside a string are not nesting
    ],
)
def test_fast_path_skips_the_strict_pass_when_it_proves_the_same_answer(
    body: bytes, strict_pass_calls: list[bytes]
) -> None:
    assert outcome(parse_json, body) == outcome(strict_reference, body)
    strict_pass_calls.clear()
    parse_json(body, 64)
    assert strict_pass_calls == []


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b'{"a": 1, "a": 2}', "duplicate_key"),
        (b'{"a": "x:y", "a": "z"}', "duplicate_key"),  # colons in strings do not hide it
        (b'{"a": {"b": 1, "b": 2}, "c": "::"}', "duplicate_key"),
        (b'{"ssn": "1", "\\u0073sn": "2"}', "duplicate_key"),
        (b'[{"k": 1}, {"k": 1, "k": 1}]', "duplicate_key"),
        (b'{"n": 18446744073709551616}', "invalid_json"),
        (b'{"n": -9223372036854775809}', "invalid_json"),
        (b'{"n": 123456789012345678901234567890}', "invalid_json"),
    ],
)
def test_inconclusive_bodies_get_the_strict_answer(
    body: bytes, reason: str, strict_pass_calls: list[bytes]
) -> None:
    assert outcome(parse_json, body) == outcome(strict_reference, body)
    assert outcome(parse_json, body)[1] == reason
    strict_pass_calls.clear()
    with pytest.raises(JsonRejected):
        parse_json(body, 64)
    assert strict_pass_calls == [body]


@pytest.mark.parametrize(
    "body",
    [
        b'{"f": 0.1234567890123456789}',  # a long float: left to the strict pass
        b'{"f": 1.5e0000000000000000001}',  # a long exponent too
    ],
)
def test_long_digit_runs_go_through_the_strict_pass(
    body: bytes, strict_pass_calls: list[bytes]
) -> None:
    assert outcome(parse_json, body) == outcome(strict_reference, body)
    assert outcome(parse_json, body)[0] == "ok"
    strict_pass_calls.clear()
    parse_json(body, 64)
    assert strict_pass_calls == [body]


def test_escaped_colons_cannot_hide_a_duplicate() -> None:
    # Without the escape rule the colon counts would match: 2 in the body, 2 written back.
    body = b'{"a": 1, "a": "\\u003a"}'
    assert not json_codec._no_duplicate_keys(body, orjson.loads(body))
    assert outcome(parse_json, body)[1] == "duplicate_key"


@pytest.mark.parametrize(
    ("body", "exact"),
    [
        (b'{"a": "b:c"}', True),
        (b'{"a": 1, "a": 2}', False),
        (b'{"a": "x", "a": "y:z"}', False),
        (b'{"a": 12345678901234567890123}', False),  # a float in orjson's document
        (b'{"a": 1234567890123456789}', True),  # 19 digits in range: an exact int
        (b'{"a": "12345678901234567890123", "f": 1.5}', True),  # the long run is in a string
        (b'{"a": 0.12345678901234567890}', False),
        (b'{"a": "x\\\\", "b": "1234567890123456789", "f": 1.5}', True),  # x\\ then a quote
        (b'{"a": "\\\\", "b": "\\":"}', True),  # escapes: colons counted outside strings
        (b'{"a": "\\u003a", "a": 1}', False),
    ],
)
def test_the_fast_path_decision(body: bytes, exact: bool) -> None:
    assert json_codec._orjson_is_exact(body, orjson.loads(body)) is exact


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70),
              st.floats(allow_nan=False, allow_infinity=False),
              st.text(alphabet=':"\\{}[]0123456789 ab\u00e9\u2028', max_size=12),
              st.from_regex(r"[0-9]{17,22}:?", fullmatch=True)),  # ids, account numbers
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.text(alphabet=':"\\ab\u00e9', max_size=4), inner, max_size=4)),
    max_leaves=12,
)


@settings(max_examples=400, deadline=None)
@given(json_values, st.booleans(), st.booleans(), st.integers(1, 8), st.booleans())
def test_fast_path_agrees_with_the_strict_pass(value: Any, duplicate: bool, escape: bool,
                                               max_depth: int, compact: bool) -> None:
    # Compact bodies (no spaces) often write back byte for byte: the first proof then decides.
    comma, colon = (b",", b":") if compact else (b", ", b": ")
    body = json.dumps(value, ensure_ascii=escape,
                      separators=(comma.decode(), colon.decode())).encode()
    if duplicate and isinstance(value, dict) and value:
        # The first key again at the end: a duplicate key (as escaped as the rest of the body).
        key = json.dumps(next(iter(value)), ensure_ascii=escape).encode()
        body = body[:-1] + comma + key + colon + b"0}"
    assert outcome(parse_json, body, max_depth) == outcome(strict_reference, body, max_depth)


@pytest.mark.parametrize(
    ("body", "exact"),
    [
        (b'{"a":"b:c","n":[1,2.5,{"k":null}]}', True),  # writes back as it is
        (b'{"a":1,"a":1}', False),  # a repeated member never writes back
        (b'{"a":12345678901234567890123}', False),  # written back as a float
        (b'{"a":18446744073709551615}', True),  # the largest 64-bit integer, exact
    ],
)
def test_compact_bodies_that_write_back(body: bytes, exact: bool) -> None:
    assert (orjson.dumps(orjson.loads(body)) == body) is exact
    assert json_codec._orjson_is_exact(body, orjson.loads(body)) is exact
    assert outcome(parse_json, body) == outcome(strict_reference, body)


def test_nesting_orjson_cannot_write_back_is_checked_another_way() -> None:
    # orjson writes at most 254 levels; the members count takes over (limits allow 512).
    deep = b'{"a": ' * 300 + b"1" + b"}" * 300
    assert outcome(parse_json, deep, 400) == outcome(strict_reference, deep, 400)
    assert outcome(parse_json, deep, 400)[0] == "ok"
    duplicated = b'{"a": ' * 300 + b'{"k": 1, "k": 2}' + b"}" * 300
    assert outcome(parse_json, duplicated, 400)[1] == "duplicate_key"
