"""Fill the ``placeholder`` slots of a message: detected values become this scope's placeholders.

``placeholder`` is deferred like ``redact``: minimization leaves a slot, detection finds the
spans, and here each span is replaced by the book's deterministic placeholder (proxy.enforce.
placeholders) instead of ``<TYPE>``. A ``json: true`` rule names a JSON value rather than text:
an object or array (Anthropic ``tool_use.input``), or a string holding one (OpenAI
``function.arguments``). Its string values are checked one by one and the string form is
written back with the keys in their order; a string that does not parse is checked as text.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Awaitable, Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from proxy.contract.models import Action
from proxy.enforce.minimize import PendingRedaction
from proxy.enforce.redaction import detection_requests
from proxy.enforce.report import MessageReport
from proxy.enforce.span_cache import SpanCache
from recognizers.custom import DetectionConfig
from recognizers.types import DetectionRequest, Span

if TYPE_CHECKING:
    from proxy.enforce.placeholders import PlaceholderBook

PLACEHOLDER_ACTIONS = frozenset({Action.PLACEHOLDER})
Detect = Callable[[Sequence[DetectionRequest]], Awaitable[list[list[Span]]]]


class PlaceholdersMissing(RuntimeError):
    """A message has ``placeholder`` slots but its route gives no placeholder book."""


def string_leaves(value: Any) -> Iterator[tuple[dict[str, Any] | list[Any], str | int]]:
    """Every (container, key) of a JSON value whose member is a non-empty string."""
    stack = [value]
    while stack:
        node = stack.pop()
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, member in items:
            if isinstance(member, str):
                if member:
                    yield node, key
            elif isinstance(member, (dict, list)):
                stack.append(member)


def json_separators(text: str) -> tuple[str, str]:
    """The separators a JSON text was written with, so rewriting it changes only its values."""
    return (", ", ": ") if '": ' in text or '", ' in text else (",", ":")


class _JsonSlot:
    """A JSON-string slot: its parsed value is filled, then written back as a string."""

    __slots__ = ("item", "parsed", "separators")

    def __init__(self, item: PendingRedaction, parsed: Any) -> None:
        self.item = item
        self.parsed = parsed
        self.separators = json_separators(item.text)

    def write_back(self) -> None:
        self.item.container[self.item.key] = json.dumps(  # type: ignore[index]
            self.parsed, ensure_ascii=False, separators=self.separators)


def _expand(item: PendingRedaction, texts: list[PendingRedaction],
            strings: list[_JsonSlot]) -> None:
    """The text slots of one placeholder item (itself, or the strings of its JSON value)."""
    if item.value is not None:  # an object or array, taken by a json rule
        value = copy.deepcopy(item.value)
        item.container[item.key] = value  # type: ignore[index]
        texts.extend(PendingRedaction(c, k, c[k], item.rule, item.path)  # type: ignore[index]
                     for c, k in string_leaves(value))
        return
    if item.rule.json_value:
        try:
            parsed = json.loads(item.text)
        except ValueError:
            parsed = None
        if isinstance(parsed, (dict, list)):
            strings.append(_JsonSlot(item, parsed))
            texts.extend(PendingRedaction(c, k, c[k], item.rule, item.path)  # type: ignore[index]
                         for c, k in string_leaves(parsed))
            return
    if item.text:
        texts.append(item)
    else:
        item.container[item.key] = item.text  # type: ignore[index]


async def resolve_placeholders(
    book: PlaceholderBook | None,
    pending: list[PendingRedaction],
    detect: Detect,
    report: MessageReport,
    options: DetectionConfig | None = None,
    vendor: str = "",
    cache: SpanCache | None = None,
) -> list[PendingRedaction]:
    """Fill every ``placeholder`` slot of ``pending``; return the other items (for detection).

    With ``cache``, texts checked before (a conversation's history) are not detected again.
    The detector's failure propagates (the caller answers 503 and sends nothing).
    """
    rest: list[PendingRedaction] = []
    texts: list[PendingRedaction] = []
    strings: list[_JsonSlot] = []
    for item in pending:
        if item.rule.action is not Action.PLACEHOLDER:
            rest.append(item)
            continue
        if book is None:
            raise PlaceholdersMissing("a placeholder rule on a route without an 'llm' section")
        _expand(item, texts, strings)
        report.transform(item.path, Action.PLACEHOLDER.value)
    if texts:
        assert book is not None
        requests = detection_requests(texts, options=options, vendor=vendor)
        results = await (cache.detect(requests, detect) if cache is not None
                         else detect(requests))
        if len(results) != len(texts):  # a lost result must not let text through
            raise ValueError("detector returned a different number of results")
        for slot, spans in zip(texts, results, strict=True):
            new_text, types = book.replace_spans(slot.text, spans)
            new_text, known = book.replace_known(new_text)  # what detection missed this time
            types += known
            slot.container[slot.key] = new_text  # type: ignore[index]
            if types:
                report.entities.update(types)
                report.found_in(slot.path, types)
    for string in strings:
        string.write_back()
    return rest
