"""Apply a contract's body rules to a parsed JSON document: default deny, then transform.

The walk builds a new document that holds only what a selector names; everything else is left
out and reported. Values for ``redact`` are not transformed here: they are collected as
``PendingRedaction`` so that all free text of an exchange can go to the detector in one batch,
and their slot in the output holds ``None`` until ``redaction.apply_redactions`` fills it.

The walk runs on every message, so it does not work on the trie directly: each set of trie nodes
a value can be met at becomes a ``_Step`` once (its rule and audit label resolved, the next steps
per key and index looked up), kept on the trie's root. ``BodyMinimizer._visit`` is the same walk
written plainly; subclasses that hook it (``explain``) use it, and the tests check both walks
agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from proxy.contract.models import Action, FieldRule, ValueType
from proxy.contract.selectors import TrieNode, best_rule, format_path
from proxy.enforce.report import MessageReport
from proxy.enforce.transforms import Pseudonymizer, TransformError, transform_scalar


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
    value: Any = None  # ``json`` rules: the object or array whose strings are checked


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


# Per declared type, the exact scalar types ``_type_fits`` accepts (None always fits).
_FITTING_TYPES: dict[ValueType, frozenset[type]] = {
    ValueType.STRING: frozenset({str, type(None)}),
    ValueType.BOOLEAN: frozenset({bool, type(None)}),
    ValueType.INTEGER: frozenset({int, type(None)}),
    ValueType.NUMBER: frozenset({int, float, type(None)}),
    ValueType.SCALAR: frozenset({str, int, float, bool, type(None)}),
}

_NO_TYPES: frozenset[type] = frozenset()

SKIP = object()  # marks a value left out of the output
# Actions whose result needs I/O (the detector, the token vault): deferred, not applied in the walk.
_DEFERRED_ACTIONS = frozenset({Action.REDACT, Action.TOKENIZE, Action.DETOKENIZE,
                               Action.PLACEHOLDER})
_PSEUDONYMIZE = Action.PSEUDONYMIZE.value  # the audit's name of the transformation


class _Step:
    """How to treat a value met at one set of trie nodes; built once per contract and carrier.

    ``found`` is the most specific rule among the nodes (for scalars) with its audit label;
    ``inner`` the children when the value is a container (None: no selector goes deeper).
    """

    def __init__(self, nodes: list[TrieNode[FieldRule]], plans: _Plans) -> None:
        self._nodes = nodes
        self._plans = plans
        self.found = nodes[0].rule if len(nodes) == 1 else best_rule(nodes)
        self.rule: FieldRule | None = None
        self.label = ""
        self.action: Action | None = None
        # Exact scalar types the rule accepts (a subset of what _type_fits accepts), split by
        # what the walk does with them without the general apply_scalar_rule: kept as they are,
        # dropped, or pseudonymized (not None: null is kept under every action). Empty sets for
        # the other actions, so the walk tests membership only.
        self.keep_types: frozenset[type] = _NO_TYPES
        self.drop_types: frozenset[type] = _NO_TYPES
        self.pseudonymize_types: frozenset[type] = _NO_TYPES
        if self.found is not None:
            selector, self.rule = self.found
            self.label = f"{plans.carrier}:{selector.text}"
            self.action = self.rule.action
            fits = _FITTING_TYPES[self.rule.value_type]
            if self.action is Action.KEEP:
                self.keep_types = fits
            elif self.action is Action.DROP:
                self.drop_types = fits
            elif self.action is Action.PSEUDONYMIZE:
                self.pseudonymize_types = fits - {type(None)}

    @cached_property  # built on first use, then a plain attribute
    def inner(self) -> _Children | None:
        deeper = [n for n in self._nodes if n.has_children]
        return _Children(deeper, self._plans) if deeper else None


class _Children:
    """The steps for the members of a container met at a set of trie nodes (``nodes``)."""

    __slots__ = ("any_index", "any_key", "indexes", "keys")

    def __init__(self, nodes: list[TrieNode[FieldRule]], plans: _Plans) -> None:
        # Same node order as ``children_for_key``: for each node, the exact child, then the
        # wildcard; ``best_rule`` breaks ties by that order.
        self.keys = {key: plans.step([c for n in nodes for c in n.children_for_key(key)])
                     for n in nodes for key in n.keys}
        self.indexes = {index: plans.step([c for n in nodes for c in n.children_for_index(index)])
                        for n in nodes for index in n.indexes}
        wild_keys = [n.any_key for n in nodes if n.any_key is not None]
        wild_indexes = [n.any_index for n in nodes if n.any_index is not None]
        self.any_key = plans.step(wild_keys) if wild_keys else None
        self.any_index = plans.step(wild_indexes) if wild_indexes else None


class _Plans:
    """The steps of one trie for one carrier, shared by node set (a trie is immutable)."""

    def __init__(self, trie: TrieNode[FieldRule], carrier: str) -> None:
        self.carrier = carrier
        self._steps: dict[tuple[int, ...], _Step] = {}
        self.root = _Children([trie], self)  # the document itself is walked at the root

    def step(self, nodes: list[TrieNode[FieldRule]]) -> _Step:
        key = tuple(id(n) for n in nodes)  # the nodes live as long as the trie holding this
        found = self._steps.get(key)
        if found is None:
            found = self._steps[key] = _Step(nodes, self)
        return found


def _root_children(trie: TrieNode[FieldRule], carrier: str) -> _Children:
    plans = trie.plans.get(carrier)
    if plans is None:
        plans = trie.plans[carrier] = _Plans(trie, carrier)
    return plans.root  # type: ignore[no-any-return]


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
        if not isinstance(document, (dict, list)):
            raise BodyShapeError("the body must be a JSON object or array")
        if type(self)._visit is BodyMinimizer._visit:  # not hooked: the compiled walk
            root = _root_children(self._trie, self._carrier)
            if isinstance(document, dict):
                return self._fast_object(document, root, ())
            return self._fast_list(document, root, ())
        if isinstance(document, dict):
            return self._walk_object(document, [self._trie], ())
        return self._walk_list(document, [self._trie], ())

    # -- the compiled walk (same outcome as _walk_object / _walk_list / _visit below) ----------

    def _fast_object(self, obj: dict[str, Any], children: _Children,
                     path: tuple[str | int, ...]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        keys, any_key = children.keys, children.any_key
        report = self._report
        kept = report.kept
        for key, value in obj.items():
            step = keys.get(key, any_key)
            if step is None:
                report.drop_unlisted(self._label(path + (key,)))
                continue
            kind = type(value)
            # A scalar of the declared type under keep, drop or pseudonymize, the most common
            # rules: the outcome of apply_scalar_rule without the general call.
            if kind in step.keep_types:
                kept.add(step.label)
                out[key] = value
                continue
            if kind in step.drop_types:
                report.drop(step.label)
                continue
            if kind in step.pseudonymize_types and self._pseudonymizer is not None:
                out[key] = self._pseudonymizer.pseudonymize(self._vendor, value)
                report.transformed[step.label] = _PSEUDONYMIZE
                continue
            if (kind is dict or kind is list) and (inner := step.inner) is not None:
                # A container some selector goes into (the walk of _fast_value, one call less).
                out[key] = (self._fast_object(value, inner, path + (key,)) if kind is dict
                            else self._fast_list(value, inner, path + (key,)))
                continue
            result = self._fast_value(value, step, path, key)
            if result is SKIP:
                continue
            if type(result) is Deferred:
                out[key] = None
                self.pending.append(PendingRedaction(out, key, result.text, result.rule,
                                                     result.label, result.value))
            else:
                out[key] = result
        return out

    def _fast_list(self, items: list[Any], children: _Children,
                   path: tuple[str | int, ...]) -> list[Any]:
        out: list[Any] = []
        indexes, any_index = children.indexes, children.any_index
        report = self._report
        kept = report.kept
        for index, value in enumerate(items):
            step = indexes.get(index, any_index) if indexes else any_index
            if step is None:
                report.drop_unlisted(self._label(path + (index,)))
                continue
            kind = type(value)
            if kind in step.keep_types:  # as in _fast_object
                kept.add(step.label)
                out.append(value)
                continue
            if kind in step.drop_types:
                report.drop(step.label)
                continue
            if kind in step.pseudonymize_types and self._pseudonymizer is not None:
                out.append(self._pseudonymizer.pseudonymize(self._vendor, value))
                report.transformed[step.label] = _PSEUDONYMIZE
                continue
            if (kind is dict or kind is list) and (inner := step.inner) is not None:
                out.append(self._fast_object(value, inner, path + (index,)) if kind is dict
                           else self._fast_list(value, inner, path + (index,)))
                continue
            result = self._fast_value(value, step, path, index)
            if result is SKIP:
                continue
            if type(result) is Deferred:
                out.append(None)
                self.pending.append(PendingRedaction(out, len(out) - 1, result.text,
                                                     result.rule, result.label, result.value))
            else:
                out.append(result)
        return out

    def _fast_value(self, value: Any, step: _Step, path: tuple[str | int, ...],
                    key: str | int) -> Any:
        """Containers, and scalars under rules other than keep / drop of the declared type."""
        if isinstance(value, (dict, list)):
            inner = step.inner
            if inner is None:
                if step.rule is not None and step.rule.json_value:
                    return json_container(step.rule, value, step.label, self._report)
                self._report.shape_mismatch(self._label(path + (key,)))
                return SKIP
            if isinstance(value, dict):
                return self._fast_object(value, inner, path + (key,))
            return self._fast_list(value, inner, path + (key,))
        rule = step.rule
        if rule is None:
            # Selectors name keys below this point, but the value is a scalar.
            self._report.shape_mismatch(self._label(path + (key,)))
            return SKIP
        return apply_scalar_rule(rule, value, step.label, self._vendor, self._pseudonymizer,
                                 self._report)

    # -- the plain walk ---------------------------------------------------------------------------

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
            self.pending.append(PendingRedaction(out, key, result.text, result.rule, result.label,
                                                 result.value))
        else:
            out[key] = result  # type: ignore[index]

    def _visit(self, value: Any, nodes: list[TrieNode[FieldRule]], path: tuple[str | int, ...]) -> Any:
        if not nodes:
            self._report.drop_unlisted(self._label(path))
            return SKIP
        if isinstance(value, (dict, list)):
            deeper = [n for n in nodes if n.has_children]
            if not deeper:
                found = nodes[0].rule if len(nodes) == 1 else best_rule(nodes)
                if found is not None and found[1].json_value:
                    return json_container(found[1], value, f"{self._carrier}:{found[0].text}",
                                          self._report)
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


def json_container(rule: FieldRule, value: dict[str, Any] | list[Any], label: str,
                   report: MessageReport) -> Any:
    """An object or array under a ``json: true`` rule: kept whole, or its strings deferred to
    placeholders; under any other action it does not fit."""
    if rule.action is Action.KEEP:
        report.keep(label)
        return value
    if rule.action is Action.PLACEHOLDER:
        return Deferred("", rule, label, value)
    report.shape_mismatch(label)
    return SKIP


@dataclass(slots=True)
class Deferred:
    """A value to redact once detection has run."""

    text: str
    rule: FieldRule
    label: str
    value: Any = None  # json rules: the container
