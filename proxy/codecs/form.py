"""``application/x-www-form-urlencoded`` with bracket nesting, mapped onto the JSON selector syntax.

    shipping[address][city]=Berlin     ->  {"shipping": {"address": {"city": "Berlin"}}}
    items[0][price]=p_1                ->  {"items": [{"price": "p_1"}]}       items[*].price
    expand[]=a&expand[]=b              ->  {"expand": ["a", "b"]}               expand[*]
    MediaUrl=a&MediaUrl=b              ->  {"MediaUrl": ["a", "b"]}             MediaUrl[*]

Decoding is strict, so that no spelling of a key can slip past the contract: pairs are split on
``&`` only (``;`` is data), ``+`` is a space, each key and value is percent-decoded before the
brackets are read (``s%73n`` is ``ssn``, ``%5B``/``%5D`` are brackets) and must be UTF-8.
Malformed ``%`` sequences, unbalanced brackets, empty keys, sparse or zero-padded indexes, a
nested key given twice and one name used as two shapes (``a=1&a[b]=2``) are refused. All values
are strings.

The encoder writes what was kept in one canonical spelling: brackets literal, every other
reserved character percent-encoded, space as ``+``. Each list keeps the style it came in
(``[0]``, ``[]`` or a repeated key), which is why a codec instance is bound to one message.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote_plus, unquote_to_bytes

from proxy.codecs.base import CodecError

FORM_MEDIA_TYPE = "application/x-www-form-urlencoded"

_BAD_PERCENT = re.compile(rb"%(?![0-9A-Fa-f]{2})")
_KEY = re.compile(r"([^\[\]]+)((?:\[[^\[\]]*\])*)")
_SUBSCRIPT = re.compile(r"\[([^\[\]]*)\]")
_MISSING = object()

# List styles, remembered per list path (positions collapsed) and used again by the encoder.
INDEXED = "indexed"  # items[0][price]
APPEND = "append"  # tags[]
REPEAT = "repeat"  # MediaUrl=a&MediaUrl=b (top-level scalars only)

Path = tuple[str | int, ...]


def _invalid(message: str, reason: str = "invalid_form") -> CodecError:
    return CodecError(message, reason)


def _decode_component(raw: bytes) -> str:
    if _BAD_PERCENT.search(raw):
        raise _invalid("malformed percent-encoding in the form body")
    try:
        return unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        raise _invalid("the form body is not valid UTF-8") from None


def _collapse(path: Path) -> tuple[str, ...]:
    return tuple("*" if isinstance(step, int) else "." + step for step in path)


def _get(container: dict[str, Any] | list[Any], key: str | int) -> Any:
    if isinstance(container, dict):
        return container.get(str(key), _MISSING)
    assert isinstance(key, int)
    return container[key] if key < len(container) else _MISSING


def _set(container: dict[str, Any] | list[Any], key: str | int, value: Any) -> None:
    if isinstance(container, dict):
        container[key] = value  # type: ignore[index]
    elif key == len(container):
        container.append(value)
    else:
        container[key] = value  # type: ignore[index]


def _quote(text: str) -> str:
    return quote_plus(text, safe="")


def _scalar_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class FormCodec:
    """Strict form decoding into a document, canonical form encoding back."""

    name = "form"

    def __init__(self) -> None:
        self._styles: dict[tuple[str, ...], str] = {}

    def bind(self, contract: object, report: object) -> FormCodec:
        """A fresh instance for one message (it remembers the list styles it decoded)."""
        return FormCodec()

    def accepts(self, media_type: str, params: dict[str, str]) -> bool:
        return media_type == FORM_MEDIA_TYPE and params.get("charset", "utf-8").lower() in (
            "utf-8", "utf8")

    def decode(self, body: bytes, params: dict[str, str], max_depth: int) -> dict[str, Any]:
        root: dict[str, Any] = {}
        list_styles: dict[int, str] = {}  # id(list) -> style; every list stays alive in root
        for piece in body.split(b"&"):
            if not piece:
                continue  # "a=1&&b=2": an empty pair carries nothing
            raw_key, _, raw_value = piece.partition(b"=")
            key = _decode_component(raw_key)
            value = _decode_component(raw_value)
            self._insert(root, key, value, list_styles, max_depth)
        return root

    def _insert(
        self, root: dict[str, Any], key: str, value: str, styles: dict[int, str], max_depth: int
    ) -> None:
        match = _KEY.fullmatch(key)
        if match is None:
            raise _invalid("a form key is empty or has unbalanced brackets")
        base = match.group(1)
        subscripts = _SUBSCRIPT.findall(match.group(2))
        if len(subscripts) + 1 > max_depth:
            raise _invalid("the form body is nested deeper than the limit", "form_too_deep")
        container: dict[str, Any] | list[Any] = root
        slot: str | int = base
        path: Path = (base,)
        for position, sub in enumerate(subscripts):
            wants_list = sub == "" or sub.isdigit()
            current = _get(container, slot)
            if wants_list:
                style = APPEND if sub == "" else INDEXED
                if current is _MISSING:
                    current = []
                    _set(container, slot, current)
                    styles[id(current)] = style
                    self._styles.setdefault(_collapse(path), style)
                elif not isinstance(current, list) or styles.get(id(current)) != style:
                    raise _invalid("a form key is used with two different shapes")
                if sub == "":
                    if position != len(subscripts) - 1:
                        raise _invalid("'[]' may only end a form key (use [0], [1], ...)")
                    index = len(current)
                else:
                    if len(sub) > 1 and sub[0] == "0":
                        raise _invalid("a form list index has leading zeros")
                    index = int(sub)
                    if index > len(current):
                        raise _invalid("form list indexes must start at 0 with no gaps")
                container, slot = current, index
            else:
                if current is _MISSING:
                    current = {}
                    _set(container, slot, current)
                elif not isinstance(current, dict):
                    raise _invalid("a form key is used with two different shapes")
                container, slot = current, sub
            path += (slot,)
        existing = _get(container, slot)
        if existing is _MISSING:
            _set(container, slot, value)
        elif subscripts:
            raise _invalid("a nested form key is given twice", "duplicate_key")
        elif isinstance(existing, str):
            repeated = [existing, value]  # a repeated top-level key becomes a list
            root[base] = repeated
            styles[id(repeated)] = REPEAT
            self._styles.setdefault(_collapse(path), REPEAT)
        elif isinstance(existing, list) and styles.get(id(existing)) == REPEAT:
            existing.append(value)
        else:
            raise _invalid("a form key is used with two different shapes")

    def encode(self, document: Any) -> tuple[bytes, str]:
        pairs: list[str] = []
        if isinstance(document, dict):
            for key, value in document.items():
                self._emit(pairs, _quote(str(key)), (str(key),), value)
        return "&".join(pairs).encode("ascii"), FORM_MEDIA_TYPE

    def _emit(self, pairs: list[str], prefix: str, path: Path, value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                self._emit(pairs, f"{prefix}[{_quote(str(key))}]", path + (str(key),), item)
        elif isinstance(value, list):
            style = self._styles.get(_collapse(path), INDEXED)
            for index, item in enumerate(value):
                scalar = not isinstance(item, (dict, list))
                if style == REPEAT and scalar and len(path) == 1:
                    name = prefix
                elif style == APPEND and scalar:
                    name = prefix + "[]"
                else:
                    name = f"{prefix}[{index}]"
                self._emit(pairs, name, path + (index,), item)
        else:
            pairs.append(f"{prefix}={_quote(_scalar_text(value))}")
