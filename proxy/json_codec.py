"""Strict JSON in, canonical JSON out.

Parsing refuses what different parsers read differently: invalid UTF-8, a BOM, lone surrogates,
NaN / Infinity, comments, trailing commas, several documents, integers beyond 64 bits, nesting
deeper than the limit, and duplicate keys. The output is always re-serialized from the parsed
document; the bytes we received are never forwarded.
"""

from __future__ import annotations

import json
from typing import Any

import orjson


class JsonRejected(ValueError):
    """The body is not JSON we accept; ``reason`` is a stable code, the message names no value."""

    def __init__(self, message: str, reason: str = "invalid_json") -> None:
        super().__init__(message)
        self.reason = reason


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise JsonRejected("duplicate key in a JSON object", reason="duplicate_key")
        out[key] = value
    return out


def _depth_exceeds(document: Any, limit: int) -> bool:
    # Iterative, so a hostile document cannot reach the recursion limit here; only containers
    # are pushed (scalars are most of a document and cannot be deeper than their parent).
    if not isinstance(document, (dict, list)):
        return False
    stack: list[tuple[Any, int]] = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > limit:
            return True
        for child in value.values() if isinstance(value, dict) else value:
            if isinstance(child, (dict, list)):
                stack.append((child, depth + 1))
    return False


_INT64_MIN, _UINT64_MAX = -(2**63), 2**64 - 1


def _parse_int(text: str) -> int:
    value = int(text)
    if not _INT64_MIN <= value <= _UINT64_MAX:
        # Parsers disagree on these (orjson and JavaScript round them to floats).
        raise JsonRejected("integer beyond 64 bits", reason="invalid_json")
    return value


def _reject_constant(_: str) -> Any:
    raise JsonRejected("NaN and Infinity are not JSON", reason="invalid_json")


def parse_json(body: bytes, max_depth: int) -> Any:
    """Parse a body strictly; raise JsonRejected on anything we do not accept."""
    if body.startswith(b"\xef\xbb\xbf"):
        raise JsonRejected("a byte order mark is not allowed in JSON", reason="invalid_json")
    try:
        # orjson first: strict UTF-8, no lone surrogates, no NaN, nesting <= 1024, all in C.
        document = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise JsonRejected("the body is not valid JSON") from None
    if _depth_exceeds(document, max_depth):
        raise JsonRejected("JSON nesting is deeper than the limit", reason="json_too_deep")
    # Second pass with hooks orjson lacks: duplicate keys and exact 64-bit integers. Its result
    # is the one we use, so large integers are never silently rounded.
    try:
        return json.loads(
            body,
            object_pairs_hook=_reject_duplicates,
            parse_int=_parse_int,
            parse_constant=_reject_constant,
        )
    except JsonRejected:
        raise
    except (ValueError, RecursionError):
        raise JsonRejected("the body is not valid JSON") from None


def dump_json(document: Any) -> bytes:
    """Canonical compact serialization of a checked document."""
    return orjson.dumps(document)
