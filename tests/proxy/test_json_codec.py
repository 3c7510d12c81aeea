"""Strict JSON parsing: what different parsers read differently is refused."""

from __future__ import annotations

import pytest

from proxy.json_codec import JsonRejected, dump_json, parse_json


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
