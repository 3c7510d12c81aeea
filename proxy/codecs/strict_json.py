"""Strict JSON in, canonical JSON out.

Parsing refuses what different parsers read differently: invalid UTF-8, a BOM, lone surrogates,
NaN / Infinity, comments, trailing commas, several documents, integers beyond 64 bits, nesting
deeper than the limit, and duplicate keys. The output is always re-serialized from the parsed
document; the bytes we received are never forwarded.

orjson parses every body (fast, in C, strict on UTF-8, surrogates and NaN) but keeps the last of
duplicate keys and rounds integers beyond 64 bits to floats. The stdlib parser with hooks catches
both, at several times orjson's cost. It runs only when cheap scans of the raw bytes cannot prove
it would return the orjson document unchanged (``_orjson_is_exact``), so answers and error
messages are those of the strict pass whenever it matters.
"""

from __future__ import annotations

import json
import re
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
    """Whether containers nest deeper than ``limit`` (the top-level container is depth 1)."""
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


# A JSON string literal in a body orjson accepted (so it is well formed): quote, then any run of
# unescaped bytes or backslash pairs, then the closing quote. Unrolled, so matching is linear.
_STRING_LITERAL = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
# Maps every digit to "0" and every other byte to " ": a run of 19 digits becomes one find().
_DIGITS_ONLY = bytes(0x30 if 0x30 <= i <= 0x39 else 0x20 for i in range(256))
# An integer of at most 18 digits is inside the signed 64-bit range, where orjson is exact.
_LONG_DIGIT_RUN = b"0" * 19


def _object_members(document: Any) -> int:
    """Members of all objects of an orjson document (duplicates already collapsed by orjson)."""
    if type(document) is not dict and type(document) is not list:
        return 0
    members = 0
    stack: list[Any] = [document]
    pop, push = stack.pop, stack.append
    while stack:
        value = pop()
        if type(value) is dict:
            members += len(value)
            value = value.values()
        for child in value:
            kind = type(child)
            if kind is dict or kind is list:
                push(child)
    return members


def _has_float(document: Any) -> bool:
    """Whether an orjson document holds a float anywhere."""
    if type(document) is float:
        return True
    if type(document) is not dict and type(document) is not list:
        return False
    stack: list[Any] = [document]
    pop, push = stack.pop, stack.append
    while stack:
        value = pop()
        for child in value.values() if type(value) is dict else value:
            kind = type(child)
            if kind is float:
                return True
            if kind is dict or kind is list:
                push(child)
    return False


def _no_duplicate_keys(body: bytes, document: Any, written: bytes | None = None) -> bool:
    """True when no object of ``body`` repeats a key (False: not proven).

    Each member of an object is one ``:`` outside string literals; orjson keeps one member per
    distinct key. Without a backslash in the body, every string orjson kept is byte for byte the
    one in the body, and orjson writes it back unchanged (it escapes only quotes, backslashes and
    control characters, which such a string cannot hold). So the colons of the body minus those
    of orjson's re-serialization count the repeated members plus the colons inside the strings
    they carried: zero exactly when no key repeats. With escapes, the structural colons are
    counted on the body with its string literals blanked out. ``written`` is
    ``orjson.dumps(document)`` when the caller has it already.
    """
    colons = body.count(b":")
    if b"\\" not in body:
        try:
            again = written if written is not None else orjson.dumps(document)
            return colons == again.count(b":")
        except orjson.JSONEncodeError:  # nesting orjson does not write back (over 254 levels)
            pass
    members = _object_members(document)
    if colons == members:  # no colon inside strings: nothing to blank out
        return True
    return _STRING_LITERAL.sub(b'""', body).count(b":") == members


def _integers_exact(body: bytes, document: Any) -> bool:
    """True when every integer literal of ``body`` is within 64 bits (False: not proven).

    A literal of at most 18 digits is; orjson reads it exactly. A run of 19 digits may be an id
    in a string: orjson reads an integer beyond 64 bits as a float, so a document without floats
    has none; otherwise the run is looked for outside string literals, where it is
    inconclusive even in a fraction or an exponent.
    """
    if body.translate(_DIGITS_ONLY).find(_LONG_DIGIT_RUN) < 0:
        return True
    if not _has_float(document):
        return True
    outside_strings = _STRING_LITERAL.sub(b'""', body)
    return outside_strings.translate(_DIGITS_ONLY).find(_LONG_DIGIT_RUN) < 0


def _orjson_is_exact(body: bytes, document: Any) -> bool:
    """True when the strict stdlib pass would return ``document`` as it is.

    ``body`` is what orjson parsed into ``document``. Both parsers accept the same documents and
    build equal values (same escapes, correctly rounded floats; checked by differential tests)
    except in two cases: duplicate keys, and integers outside 64 bits. False means "not proven",
    never "wrong": the caller then runs the strict pass.

    First the cheapest proof, for compact bodies (most clients send them): the document writes
    back as the very bytes received. orjson writes one member per key, so no key was collapsed;
    and it writes every float with a fraction or an exponent, so no integer literal of the body
    became a float. Otherwise the scans below, reusing that serialization.
    """
    try:
        written: bytes | None = orjson.dumps(document)
    except orjson.JSONEncodeError:  # nesting orjson does not write back (over 254 levels)
        written = None
    if written == body:
        return True
    return _integers_exact(body, document) and _no_duplicate_keys(body, document, written)


def parse_json(body: bytes, max_depth: int) -> Any:
    """Parse a body strictly; raise JsonRejected on anything we do not accept."""
    if body.startswith(b"\xef\xbb\xbf"):
        raise JsonRejected("a byte order mark is not allowed in JSON", reason="invalid_json")
    try:
        # orjson first: strict UTF-8, no lone surrogates, no NaN, nesting <= 1024, all in C.
        document = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise JsonRejected("the body is not valid JSON") from None
    # Nesting depth cannot exceed the number of containers, bounded by the raw bracket count.
    if body.count(b"{") + body.count(b"[") > max_depth and _depth_exceeds(document, max_depth):
        raise JsonRejected("JSON nesting is deeper than the limit", reason="json_too_deep")
    if _orjson_is_exact(body, document):
        return document
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
