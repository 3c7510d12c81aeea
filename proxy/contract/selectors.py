"""Field selectors: the path syntax contracts use to name fields, and a trie to match them.

Syntax (one selector names one or more leaf values of a JSON document)::

    customer.email              key "email" of object "customer"
    personalizations[*].to[*]   every element of the lists
    items[0].sku                one list position
    metadata.*                  every key of an object
    [*].email                   a top-level list
    "a.b"."c[d]"                keys that contain dots, brackets or quotes are quoted (\\" and \\\\ escape)

Keys are compared exactly, after JSON unescaping (``"\\u0073sn"`` in a body is the key ``ssn``).
When several selectors match one value, the most specific wins: comparing step by step from the
left, an exact key or index beats a wildcard.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

T = TypeVar("T")

# Step kinds; a step is (kind, value).
KEY = 0
ANY_KEY = 1
INDEX = 2
ANY_INDEX = 3

Step = tuple[int, str | int | None]

_BARE_KEY = re.compile(r"[^.\[\]\"'\s*]+")
_SAFE_KEY = re.compile(r"[A-Za-z_$][A-Za-z0-9_$\-]{0,63}")


class SelectorSyntaxError(ValueError):
    """A selector that does not follow the syntax; the message says where and what to do."""


@dataclass(frozen=True, slots=True)
class Selector:
    """A parsed selector: its source text and its steps."""

    text: str
    steps: tuple[Step, ...]

    @property
    def specificity(self) -> tuple[int, ...]:
        """Per step 1 for exact, 0 for wildcard; the larger tuple wins among matching selectors."""
        return tuple(1 if kind in (KEY, INDEX) else 0 for kind, _ in self.steps)


def parse_selector(text: str) -> Selector:
    """Parse a selector; raise SelectorSyntaxError naming the position of the problem."""
    if not isinstance(text, str) or not text:
        raise SelectorSyntaxError("empty selector; name a field such as customer.email")
    steps: list[Step] = []
    i, n = 0, len(text)
    expect_key = True  # at start or after '.', a key is expected (or '[' at the very start)
    while i < n:
        ch = text[i]
        if ch == "[":
            if expect_key and steps:
                raise SelectorSyntaxError(f"'[' at position {i} follows a '.'; write key[*], not key.[*]")
            end = text.find("]", i)
            if end < 0:
                raise SelectorSyntaxError(f"'[' at position {i} is not closed; write [*] or [0]")
            inner = text[i + 1 : end].strip()
            if inner == "*":
                steps.append((ANY_INDEX, None))
            elif inner.isdigit():
                steps.append((INDEX, int(inner)))
            else:
                raise SelectorSyntaxError(
                    f"list index '[{inner}]' at position {i}: use [*] or a number; quote keys "
                    "that contain brackets"
                )
            i = end + 1
            expect_key = False
        elif ch == ".":
            if expect_key:
                raise SelectorSyntaxError(f"empty key at position {i}; remove the extra '.'")
            i += 1
            expect_key = True
            if i == n:
                raise SelectorSyntaxError("selector ends with '.'; name the key after it")
        elif not expect_key:
            raise SelectorSyntaxError(
                f"unexpected '{ch}' at position {i}; separate keys with '.'"
            )
        elif ch == '"':
            key, i = _read_quoted(text, i)
            steps.append((KEY, key))
            expect_key = False
        elif ch == "*":
            steps.append((ANY_KEY, None))
            i += 1
            expect_key = False
        else:
            m = _BARE_KEY.match(text, i)
            if not m:
                raise SelectorSyntaxError(
                    f"unexpected '{ch}' at position {i}; quote keys that contain spaces, quotes "
                    "or '*' (\"my key\")"
                )
            steps.append((KEY, m.group(0)))
            i = m.end()
            expect_key = False
    if expect_key:
        raise SelectorSyntaxError("selector has no key after its last '.'")
    return Selector(text=text, steps=tuple(steps))


def _read_quoted(text: str, start: int) -> tuple[str, int]:
    out: list[str] = []
    i = start + 1
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            if i + 1 >= len(text) or text[i + 1] not in '"\\':
                raise SelectorSyntaxError(f"bad escape at position {i}; only \\\" and \\\\ are allowed")
            out.append(text[i + 1])
            i += 2
        elif ch == '"':
            if not out:
                raise SelectorSyntaxError(f"empty quoted key at position {start}")
            return "".join(out), i + 1
        else:
            out.append(ch)
            i += 1
    raise SelectorSyntaxError(f"quote at position {start} is not closed")


def format_key(key: str) -> str:
    """A key as it would be written in a selector (quoted when needed)."""
    if _BARE_KEY.fullmatch(key):
        return key
    return '"' + key.replace("\\", "\\\\").replace('"', '\\"') + '"'


def format_path(path: tuple[str | int, ...], mask_unsafe_keys: bool = True) -> str:
    """A concrete path in selector syntax, for audit records.

    List positions are collapsed to ``[*]`` and, with ``mask_unsafe_keys``, keys that do not look
    like identifiers are shown as ``<key>``: payloads sometimes use data (an email address) as a
    key, and audit records must not carry values.
    """
    parts: list[str] = []
    for step in path:
        if isinstance(step, int):
            parts.append("[*]")
            continue
        if not mask_unsafe_keys:
            shown = format_key(step)
        elif step in _SAFE_KEYS_SEEN:
            shown = step
        elif _SAFE_KEY.fullmatch(step):
            shown = step  # a safe key is a bare key too: format_key would return it as it is
            if len(_SAFE_KEYS_SEEN) < _MAX_SAFE_KEYS_SEEN:
                _SAFE_KEYS_SEEN.add(step)
        else:
            shown = "<key>"
        parts.append(("." if parts else "") + shown)
    return "".join(parts)


# Keys already matched against _SAFE_KEY (audit labels repeat the same few). Only safe keys, which
# audit records show as they are anyway; bounded, since payloads choose their keys.
_SAFE_KEYS_SEEN: set[str] = set()
_MAX_SAFE_KEYS_SEEN = 4096


@dataclass(slots=True)
class TrieNode(Generic[T]):
    """One step of the selector trie; ``rule`` is set where a selector ends."""

    keys: dict[str, TrieNode[T]] = field(default_factory=dict)
    indexes: dict[int, TrieNode[T]] = field(default_factory=dict)
    any_key: TrieNode[T] | None = None
    any_index: TrieNode[T] | None = None
    rule: tuple[Selector, T] | None = None
    # Compiled walks of the trie rooted here, by carrier (``enforce.minimize``); built on first use.
    plans: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def has_children(self) -> bool:
        return bool(self.keys or self.indexes or self.any_key or self.any_index)

    def children_for_key(self, key: str) -> list[TrieNode[T]]:
        found = []
        exact = self.keys.get(key)
        if exact is not None:
            found.append(exact)
        if self.any_key is not None:
            found.append(self.any_key)
        return found

    def children_for_index(self, index: int) -> list[TrieNode[T]]:
        found = []
        exact = self.indexes.get(index)
        if exact is not None:
            found.append(exact)
        if self.any_index is not None:
            found.append(self.any_index)
        return found


def build_trie(rules: list[tuple[Selector, T]]) -> TrieNode[T]:
    """A trie over the selectors; a selector given twice is a caller error (checked at load)."""
    root: TrieNode[T] = TrieNode()
    for selector, rule in rules:
        node = root
        for kind, value in selector.steps:
            if kind == KEY:
                node = node.keys.setdefault(str(value), TrieNode())
            elif kind == INDEX:
                node = node.indexes.setdefault(int(value or 0), TrieNode())
            elif kind == ANY_KEY:
                node.any_key = node.any_key or TrieNode()
                node = node.any_key
            else:
                node.any_index = node.any_index or TrieNode()
                node = node.any_index
        node.rule = (selector, rule)
    return root


def best_rule(nodes: list[TrieNode[T]]) -> tuple[Selector, T] | None:
    """Among the nodes that end a selector, the most specific selector's rule."""
    best: tuple[Selector, T] | None = None
    for node in nodes:
        if node.rule is not None and (
            best is None or node.rule[0].specificity > best[0].specificity
        ):
            best = node.rule
    return best


def records_path(selector: str | None) -> tuple[str, ...]:
    """``contacts[*]`` -> ``("contacts",)``; ``None`` or ``[*]`` -> ``()`` (a top-level array)."""
    if selector is None or selector == "[*]":
        return ()
    if not selector.endswith("[*]"):
        raise ValueError("records must name an array, e.g. contacts[*] or data.items[*]")
    keys = selector[:-3].split(".")
    if not all(key and key.replace("_", "").replace("-", "").isalnum() for key in keys):
        raise ValueError("records is plain keys joined by '.', ending in [*], e.g. data.items[*]")
    return tuple(keys)
