"""Apply a contract's body rules to a parsed JSON document: default deny, then transform.

The walk builds a new document that holds only what a selector names; everything else is left
out and reported. Values for ``redact`` are not transformed here: they are collected as
``PendingRedaction`` so that all free text of an exchange can go to the detector in one batch,
and their slot in the output holds ``None`` until ``redaction.apply_redactions`` fills it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from proxy.contract import Action, FieldRule, ValueType
from proxy.report import MessageReport
from proxy.selectors import TrieNode, best_rule, format_path
from proxy.transforms import Pseudonymizer, TransformError, transform_scalar


class BodyShapeError(ValueError):
    """The document's top level is not an object or a list."""


@dataclass(slots=True)
class PendingRedaction:
    """A free-text value waiting for detection, and where its redacted form goes."""

    container: dict[str, Any] | list[Any]
    key: str | int
    text: str
    rule: FieldRule
    path: str  # the selector that named it, prefixed by the carrier


def _type_fits(value: object, wanted: ValueType) -> bool:
    if value is None:
        return True  # null carries no data; every action lets it through
    if wanted is ValueType.STRING:
        return isinstance(value, str)
    if wanted is ValueType.BOOLEAN:
        return isinstance(value, bool)
    if isinstance(value, bool):
        return wanted is ValueType.SCALAR
    if wanted is ValueType.INTEGER:
        return isinstance(value, int)
    if wanted is ValueType.NUMBER:
        return isinstance(value, (int, float))
    return isinstance(value, (str, int, float))


SKIP = object()  # marks a value left out of the output
# Actions whose result needs I/O (the detector, the token vault): deferred, not applied in the walk.
_DEFERRED_ACTIONS = frozenset({Action.REDACT, Action.TOKENIZE, Action.DETOKENIZE})


class BodyMinimizer:
    """Walks one document against a selector trie; one instance per message."""

    def __init__(
        self,
        trie: TrieNode[FieldRule],
        vendor: str,
        pseudonymizer: Pseudonymizer | None,
        report: MessageReport,
        carrier: str = "body",
    ) -> None:
        self._trie = trie
        self._vendor = vendor
        self._pseudonymizer = pseudonymizer
        self._report = report
        self._carrier = carrier
        self.pending: list[PendingRedaction] = []
        self._rule_labels: dict[str, str] = {}

    def minimize(self, document: Any) -> Any:
        """Return the minimized copy of ``document`` (an object or a list)."""
        if isinstance(document, dict):
            return self._walk_object(document, [self._trie], ())
        if isinstance(document, list):
            return self._walk_list(document, [self._trie], ())
        raise BodyShapeError("the body must be a JSON object or array")

    def _label(self, path: tuple[str | int, ...]) -> str:
        return f"{self._carrier}:{format_path(path)}"

    def _walk_object(
        self, obj: dict[str, Any], nodes: list[TrieNode[FieldRule]], path: tuple[str | int, ...]
    ) -> dict[str, Any]:
        out: dict[str, Any] = {}
        single = nodes[0] if len(nodes) == 1 else None
        for key, value in obj.items():
            if single is not None:  # the common case, without building lists per key
                exact, wild = single.keys.get(key), single.any_key
                children = ([exact, wild] if exact and wild else [exact] if exact
                            else [wild] if wild else [])
            else:
                children = [c for n in nodes for c in n.children_for_key(key)]
            result = self._visit(value, children, path + (key,))
            if result is not SKIP:
                self._store(out, key, result)
        return out

    def _walk_list(
        self, items: list[Any], nodes: list[TrieNode[FieldRule]], path: tuple[str | int, ...]
    ) -> list[Any]:
        out: list[Any] = []
        for index, value in enumerate(items):
            children = [c for n in nodes for c in n.children_for_index(index)]
            result = self._visit(value, children, path + (index,))
            if result is SKIP:
                continue
            out.append(None)
            self._store(out, len(out) - 1, result)
        return out

    def _store(self, out: dict[str, Any] | list[Any], key: str | int, result: Any) -> None:
        if isinstance(result, Deferred):
            out[key] = None  # type: ignore[index]
            self.pending.append(PendingRedaction(out, key, result.text, result.rule, result.label))
        else:
            out[key] = result  # type: ignore[index]

    def _visit(self, value: Any, nodes: list[TrieNode[FieldRule]], path: tuple[str | int, ...]) -> Any:
        if not nodes:
            self._report.drop_unlisted(self._label(path))
            return SKIP
        if isinstance(value, (dict, list)):
            deeper = [n for n in nodes if n.has_children]
            if not deeper:
                self._report.shape_mismatch(self._label(path))
                return SKIP
            if isinstance(value, dict):
                return self._walk_object(value, deeper, path)
            return self._walk_list(value, deeper, path)
        found = nodes[0].rule if len(nodes) == 1 else best_rule(nodes)
        if found is None:
            # Selectors name keys below this point, but the value is a scalar.
            self._report.shape_mismatch(self._label(path))
            return SKIP
        selector, rule = found
        label = self._rule_labels.get(selector.text)
        if label is None:
            label = self._rule_labels[selector.text] = f"{self._carrier}:{selector.text}"
        return apply_scalar_rule(rule, value, label, self._vendor, self._pseudonymizer,
                                 self._report)


def apply_scalar_rule(
    rule: FieldRule,
    value: Any,
    label: str,
    vendor: str,
    pseudonymizer: Pseudonymizer | None,
    report: MessageReport,
) -> Any:
    """Apply one rule to one scalar; return the new value, ``SKIP`` or a ``Deferred`` redaction."""
    if rule.action is Action.DROP:
        report.drop(label)
        return SKIP
    if not _type_fits(value, rule.value_type):
        report.shape_mismatch(label)
        return SKIP
    if value is None or rule.action is Action.KEEP:
        report.keep(label)
        return value
    if rule.action in _DEFERRED_ACTIONS:  # detection, or the vault: resolved in one batch later
        return Deferred(value, rule, label)
    try:
        new_value = transform_scalar(rule, value, vendor, pseudonymizer)
    except TransformError:
        report.shape_mismatch(label)
        return SKIP
    report.transform(label, rule.action.value)
    return new_value


@dataclass(slots=True)
class Deferred:
    """A value to redact once detection has run."""

    text: str
    rule: FieldRule
    label: str
