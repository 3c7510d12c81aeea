"""Reversible, deterministic placeholders for the PII in prompts sent to LLM vendors.

The ``placeholder`` contract action replaces each detected entity with a token such as
``<PERSON_7f3a9c01>`` (or a realistic stand-in, ``surrogates``), and the model's answer gets the
values back before our service reads it: the vendor never sees the value, our service never sees
the token. A name is an HMAC of the scope and the normalized value, so one person keeps one token
over the turns of a conversation (the model can keep referring to them) and, without the key, a
token tells nothing about its value. Streamed answers arrive in tiny deltas that can cut a token
anywhere; ``StreamRestorer`` holds back only a tail that could still become one.

Pure code: detection (spans) and the store of mappings (encrypted, with a TTL) live elsewhere.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from proxy.enforce import surrogates
from proxy.enforce.redaction import merge_spans
from recognizers.types import Span

PLACEHOLDER_RE: re.Pattern[str] = re.compile(r"<([A-Z][A-Z0-9_]{0,39})_([0-9a-f]{8,16})>")
MAX_PLACEHOLDER_LEN: int = 1 + 40 + 1 + 16 + 1  # "<" label "_" hex ">"

# Every proper prefix of a placeholder (and nothing longer): what a stream must hold back.
_PARTIAL_RE = re.compile(r"<(?:[A-Z][A-Z0-9_]{0,39}(?:_[0-9a-f]{0,16})?)?")
_NOT_LABEL_RE = re.compile(r"[^A-Z0-9_]")
# A surrogate is a whole token: "Jordan Lee" is not restored inside "Jordan Leeds" nor in
# "Jordan Lee-Parker" (another surrogate); one character either side decides, so a stream
# never holds more than the longest surrogate.
_EDGE = r"[\w@-]"
_EDGE_RE = re.compile(_EDGE)
_LENGTHS = (8, 12, 16)
_JSON_STRING_RE = re.compile(r'"(?:[^"\\]|\\.)*"(\s*:)?', re.DOTALL)


class PlaceholderFormat(StrEnum):
    """``typed``: ``<PERSON_7f3a9c01>``; ``surrogate``: a realistic stand-in where one exists."""

    TYPED = "typed"
    SURROGATE = "surrogate"


class PlaceholderCollisionError(RuntimeError):
    """Two values of one scope drew the same name at every length (never seen at 64 bits)."""


def normalize(entity: str, value: str) -> str:
    """The form of a value that decides its name: NFKC, trimmed, inner whitespace runs collapsed
    to one space; email addresses casefolded (``Jane@X.com`` is ``jane@x.com``)."""
    text = " ".join(unicodedata.normalize("NFKC", value).split())
    return text.casefold() if entity == "EMAIL_ADDRESS" else text


def _label(entity: str) -> str:
    # The entity type as the placeholder grammar allows it; the HMAC keeps the full type, so two
    # types that share a label still get different names.
    label = _NOT_LABEL_RE.sub("_", entity.upper())
    if not label or not "A" <= label[0] <= "Z":
        label = "X" + label
    return label[:40]


class PlaceholderNamer:
    """Keyed, deterministic names: HMAC-SHA256(key, scope \\0 entity \\0 normalize(value))."""

    def __init__(self, key: bytes, fmt: PlaceholderFormat = PlaceholderFormat.TYPED) -> None:
        if not key:
            raise ValueError("the placeholder key must not be empty")
        self._key = bytes(key)
        self.fmt = PlaceholderFormat(fmt)

    def _digest(self, scope: str, entity: str, value: str) -> bytes:
        """The HMAC of one value in one scope."""
        if "\0" in scope or "\0" in entity:  # the separator must stay unambiguous
            raise ValueError("scope and entity must not contain NUL")
        message = f"{scope}\0{entity}\0{normalize(entity, value)}".encode()
        return hmac.new(self._key, message, hashlib.sha256).digest()

    def name(self, scope: str, entity: str, value: str, length: int = 8) -> str:
        """The placeholder of ``value``; a longer ``length`` (12, 16) only after a collision."""
        if not 8 <= length <= 16:
            raise ValueError("placeholder length is 8 to 16 hex digits")
        digest = self._digest(scope, entity, value)
        if self.fmt is PlaceholderFormat.SURROGATE:
            tier = 0 if length <= 8 else 1 if length <= 12 else 2
            stand_in = surrogates.surrogate(entity, digest, tier)
            if stand_in is not None:
                return stand_in
        return f"<{_label(entity)}_{digest.hex()[:length]}>"


@dataclass(frozen=True, slots=True)
class _Matcher:
    """What restoring needs of a book's placeholders, rebuilt when a surrogate is added."""

    pattern: re.Pattern[str]  # a typed placeholder, or one of the surrogates (longest first)
    prefixes: frozenset[str]  # every prefix of every surrogate, the whole one included
    limit: int  # the longest text a stream may have to hold

    @classmethod
    def build(cls, stand_ins: Sequence[str]) -> _Matcher:
        if not stand_ins:
            return cls(PLACEHOLDER_RE, frozenset(), MAX_PLACEHOLDER_LEN)
        ordered = sorted(stand_ins, key=lambda s: (-len(s), s))  # the longest wins a position
        either = "|".join(re.escape(s) for s in ordered)
        pattern = re.compile(f"{PLACEHOLDER_RE.pattern}|(?<!{_EDGE})(?:{either})(?!{_EDGE})")
        prefixes = frozenset(s[:n] for s in ordered for n in range(1, len(s) + 1))
        return cls(pattern, prefixes, max(MAX_PLACEHOLDER_LEN, len(ordered[0])))

    def is_live(self, text: str, at: int) -> bool:
        """Whether ``text[at:]`` could still become (or is, awaiting its next character) a
        placeholder, so the stream cannot decide about it yet."""
        if text[at] == "<" and _PARTIAL_RE.fullmatch(text, at) is not None:
            return True
        if not self.prefixes or text[at:] not in self.prefixes:
            return False
        return at == 0 or _EDGE_RE.match(text, at - 1) is None


_MIN_KNOWN = 3  # shorter values (initials, "US") would replace ordinary words


def _whole(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is not part of a longer word, address or placeholder."""
    return (start == 0 or _EDGE_RE.match(text, start - 1) is None) and (
        end == len(text) or _EDGE_RE.match(text, end) is None)


class PlaceholderBook:
    """The placeholders of one scope (tenant or conversation) for one exchange.

    ``known`` (placeholder -> original value) comes from the store before the exchange; ``new``
    holds the bindings this exchange created, for the store to persist. ``restored`` and
    ``unknown`` count restorations and placeholders the book does not know (never values).
    """

    def __init__(
        self, namer: PlaceholderNamer, scope: str, known: Mapping[str, str] | None = None
    ) -> None:
        self._namer = namer
        self._scope = scope
        self._lookup: dict[str, str] = dict(known or {})
        self._by_value: dict[tuple[str, str], str] = {}
        self._stand_ins = {p for p in self._lookup if p and not PLACEHOLDER_RE.fullmatch(p)}
        self._matcher: _Matcher | None = None
        self._known_size = -1  # replace_known's values, longest first, rebuilt as they come
        self._known_values: list[tuple[str, str]] = []
        self.new: dict[str, str] = {}
        self.restored = 0
        self.unknown = 0

    def placeholder_for(self, entity: str, value: str) -> str:
        """The placeholder of ``value``: the same for the same (entity, normalized value) in
        every exchange with this key and scope; lengthened when the name is already bound to
        another value, so two values never share one."""
        wanted = normalize(entity, value)
        cached = self._by_value.get((entity, wanted))
        if cached is not None:
            return cached
        for length in _LENGTHS:
            name = self._namer.name(self._scope, entity, value, length)
            bound = self._lookup.get(name)
            if bound is None:
                self._bind(name, value)
            elif normalize(entity, bound) != wanted:
                continue  # a collision: try a longer name
            self._by_value[(entity, wanted)] = name
            return name
        raise PlaceholderCollisionError(f"no free {entity} placeholder in this scope")

    def _bind(self, name: str, value: str) -> None:
        self._lookup[name] = value
        self.new[name] = value
        if not PLACEHOLDER_RE.fullmatch(name):
            self._stand_ins.add(name)
            self._matcher = None

    def value_of(self, placeholder: str) -> str | None:
        """The original value of a placeholder this book knows, else ``None``."""
        return self._lookup.get(placeholder)

    def replace_spans(self, text: str, spans: Sequence[Span]) -> tuple[str, list[str]]:
        """The text with each merged span replaced by its placeholder, and the entity types
        replaced (one per replacement)."""
        parts: list[str] = []
        types: list[str] = []
        cursor = 0
        for span in _merge_spans(spans, len(text)):
            parts.append(text[cursor : span.start])
            parts.append(self.placeholder_for(span.entity_type, text[span.start : span.end]))
            types.append(span.entity_type)
            cursor = span.end
        parts.append(text[cursor:])
        return "".join(parts), types

    def replace_known(self, text: str) -> tuple[str, list[str]]:
        """Every value this scope already has a placeholder for, replaced wherever it appears
        as a whole word, detected or not: a model's answer quotes a value in a wording detection
        may miss on the next turn, and the value must not go back out in the clear. Returns the
        text and the entity type of each replacement (``KNOWN`` for stand-ins)."""
        if self._known_size != len(self._lookup):  # (re)built as bindings are added
            values: dict[str, str] = {}
            for name, value in self._lookup.items():
                if len(value) >= _MIN_KNOWN and value not in values:
                    values[value] = name
            self._known_values = sorted(values.items(), key=lambda item: (-len(item[0]),
                                                                           item[0]))
            self._known_size = len(self._lookup)
        found: list[tuple[int, int, str]] = []
        taken = bytearray(len(text))  # str.find per value: C speed, no giant alternation
        for value, name in self._known_values:
            at = text.find(value)
            while at >= 0:
                end = at + len(value)
                if not any(taken[at:end]) and _whole(text, at, end):
                    found.append((at, end, name))
                    taken[at:end] = b"\1" * (end - at)
                    at = text.find(value, end)
                else:
                    at = text.find(value, at + 1)
        if not found:
            return text, []
        found.sort()
        parts, types, cursor = [], [], 0
        for at, end, name in found:
            parts += [text[cursor:at], name]
            typed = PLACEHOLDER_RE.fullmatch(name)
            types.append(typed.group(1) if typed else "KNOWN")
            cursor = end
        parts.append(text[cursor:])
        return "".join(parts), types

    def restore_text(self, text: str) -> str:
        """Every whole placeholder of this book back to its value; a well-formed placeholder it
        does not know (the model made it up) stays as it is and is counted in ``unknown``."""
        return self._current_matcher().pattern.sub(self._replacement, text)

    def stand_in_regions(self, text: str) -> list[tuple[int, int]]:
        """Where ``text`` holds a placeholder or surrogate (of this book or well-formed): a
        detector may call a surrogate a name, but it is the caller's own value coming back."""
        return [match.span() for match in self._current_matcher().pattern.finditer(text)]

    def restore_json_string(self, text: str) -> str:
        """Restore the string values (not the keys) of a JSON text, such as tool-call arguments.

        Only the string literals that change are re-encoded, so key order, spacing and number
        spelling stay exactly as the model wrote them; a value restored with quotes or
        backslashes is escaped. A text that is not JSON is restored as plain text.
        """
        try:
            json.loads(text)
        except (ValueError, RecursionError):
            return self.restore_text(text)
        return _JSON_STRING_RE.sub(self._restore_json_literal, text)

    def _restore_json_literal(self, match: re.Match[str]) -> str:
        if match.group(1) is not None:  # a key
            return match.group(0)
        value = json.loads(match.group(0))
        restored = self.restore_text(value)
        return match.group(0) if restored == value else json.dumps(restored, ensure_ascii=False)

    def _current_matcher(self) -> _Matcher:
        """The current pattern of this book's placeholders (for ``StreamRestorer``)."""
        if self._matcher is None:
            self._matcher = _Matcher.build(sorted(self._stand_ins))
        return self._matcher

    def _replacement(self, match: re.Match[str]) -> str:
        """What one match of ``_current_matcher().pattern`` becomes, counted."""
        token = match.group(0)
        value = self._lookup.get(token)
        if value is None:
            self.unknown += 1
            return token
        self.restored += 1
        return value


def _merge_spans(spans: Sequence[Span], size: int) -> list[Span]:
    # Overlapping or touching spans become one replacement, so no fragment of an entity is left
    # between two placeholders; spans are clamped to the text first.
    clamped = (Span(max(0, s.start), min(size, s.end), s.entity_type, s.score) for s in spans)
    return merge_spans([s for s in clamped if s.start < s.end], touching=True)


class StreamRestorer:
    """Restores placeholders in a text that arrives in pieces (SSE deltas), holding back only a
    tail that could still become a placeholder (or a surrogate of the book).

    The concatenation of every ``feed`` and the final ``flush`` equals
    ``book.restore_text(whole)`` however the text was cut. Each piece is scanned with at most
    the held tail and one character before it, never the text already emitted.
    """

    def __init__(self, book: PlaceholderBook) -> None:
        self._book = book
        self._held = ""
        self._before = ""  # the last character emitted, as written: surrogates need their edge

    @property
    def held(self) -> int:
        """Characters currently held back."""
        return len(self._held)

    def feed(self, piece: str) -> str:
        """The text that can be emitted now, restored."""
        text = self._before + self._held + piece
        start = len(self._before)
        out, cut = self._scan(text, start, final=False)
        if cut > start:
            self._before = text[cut - 1]
        self._held = text[cut:]
        return out

    def flush(self) -> str:
        """Everything held, restored; the restorer is then ready for a new block."""
        out, _ = self._scan(self._before + self._held, len(self._before), final=True)
        self._held = self._before = ""
        return out

    def _scan(self, text: str, pos: int, final: bool) -> tuple[str, int]:
        # Walk the matches as ``restore_text`` would; stop at the first position whose fate
        # depends on text not yet received. Only the last ``limit`` characters can be such.
        matcher = self._book._current_matcher()
        floor = max(pos, len(text) - matcher.limit)
        out: list[str] = []
        while True:
            match = matcher.pattern.search(text, pos)
            end = match.start() if match else len(text)
            if not final:
                for at in range(max(pos, floor), min(end + 1, len(text))):
                    if matcher.is_live(text, at):
                        out.append(text[pos:at])
                        return "".join(out), at
            if match is None:
                out.append(text[pos:])
                return "".join(out), len(text)
            out.append(text[pos:end])
            out.append(self._book._replacement(match))
            pos = match.end()
