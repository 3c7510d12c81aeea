"""``python -m proxy explain``: what a contract does to one sample payload, field by field.

Runs the real pieces in-process, without a server: the route's codec decodes the sample, the real
``BodyMinimizer`` applies the contract, and the real ``Detector`` (Presidio + spaCy, built only
when something is to be redacted) finds the entities. Every leaf of the sample is then reported
as kept, dropped (named by no selector, dropped by the contract, or of the wrong shape), redacted
(with entity types), masked, pseudonymized or generalized, with its value before and after.

This is a tool for the contract's author on their own sample, so unlike audit records and
metrics the output shows values and concrete paths (``items[0].sku``).
"""

from __future__ import annotations

import os
import secrets
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import IO, Any, Protocol

import orjson

from proxy.codecs import CodecError, find_codec, parse_media_type
from proxy.config.loader import LoadedConfig
from proxy.contract.models import Action, FieldRule
from proxy.contract.routing import CompiledMessage, CompiledRoute, Router
from proxy.contract.selectors import TrieNode, best_rule, format_key
from proxy.enforce.minimize import SKIP, BodyMinimizer, BodyShapeError, Deferred
from proxy.enforce.redaction import apply_redactions, detection_requests, redact_text
from proxy.enforce.report import MessageReport
from proxy.enforce.transforms import Pseudonymizer
from proxy.errors import ConfigError, NotFound, ProxyError
from proxy.server.app import build_pseudonymizer
from recognizers.types import DetectionRequest, Span

# Outcomes of a leaf; transformed leaves are named after their action.
KEPT = "kept"
DROPPED = "dropped"
UNLISTED = "unlisted"
WRONG_SHAPE = "wrong_shape"


def _past(action: Action) -> str:
    """``mask`` -> ``masked``, ``tokenize`` -> ``tokenized``: the outcome of a transforming rule."""
    return action.value + ("d" if action.value.endswith("e") else "ed")

_REASONS = {
    DROPPED: "dropped (the contract says drop)",
    UNLISTED: "dropped (no selector names it)",
    WRONG_SHAPE: "dropped (not the shape the contract expects)",
}


class ExplainError(ValueError):
    """The vendor, route or sample cannot be explained; the message says what to fix."""


class SupportsAnalyzeBatch(Protocol):
    """The in-process detector (``recognizers.Detector``)."""

    def analyze_batch(self, requests: Sequence[DetectionRequest]) -> list[list[Span]]: ...


@dataclass
class FieldOutcome:
    """What happened to one leaf of the sample."""

    path: str
    outcome: str
    selector: str | None = None
    before: Any = None
    after: Any = None
    entities: list[str] = field(default_factory=list)

    @property
    def passes(self) -> bool:
        return self.outcome not in (DROPPED, UNLISTED, WRONG_SHAPE)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": self.path, "outcome": self.outcome,
                               "selector": self.selector, "before": self.before}
        if self.passes:
            out["after"] = self.after
        if self.outcome == "redacted":
            out["entities"] = self.entities
        return out


@dataclass
class Explanation:
    """The whole answer: one outcome per leaf, the forwarded document and notes."""

    vendor: str
    route: str
    direction: str
    contract_file: str
    contract_version: str
    fields: list[FieldOutcome]
    result: Any
    notes: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        counts = Counter(f.outcome for f in self.fields)
        entities: Counter[str] = Counter()
        for f in self.fields:
            entities.update(f.entities)
        return {"outcomes": dict(sorted(counts.items())),
                "entities": dict(sorted(entities.items()))}

    def to_dict(self) -> dict[str, Any]:
        return {"vendor": self.vendor, "route": self.route, "direction": self.direction,
                "contract_file": self.contract_file, "contract_version": self.contract_version,
                "fields": [f.to_dict() for f in self.fields], "summary": self.summary(),
                "result": self.result, "notes": self.notes}


def concrete_path(path: tuple[str | int, ...]) -> str:
    """A path with real list positions and unmasked keys (the user's own sample)."""
    out = ""
    for step in path:
        if isinstance(step, int):
            out += f"[{step}]"
        else:
            out += ("." if out else "") + format_key(step)
    return out


def _leaves(value: Any, path: tuple[str | int, ...]) -> list[tuple[tuple[str | int, ...], Any]]:
    if isinstance(value, dict) and value:
        return [leaf for k, v in value.items() for leaf in _leaves(v, path + (k,))]
    if isinstance(value, list) and value:
        return [leaf for i, v in enumerate(value) for leaf in _leaves(v, path + (i,))]
    return [(path, value)]


class _ExplainingMinimizer(BodyMinimizer):
    """The real minimizer, recording the outcome of every leaf it visits."""

    def __init__(self, trie: TrieNode[FieldRule], vendor: str,
                 pseudonymizer: Pseudonymizer | None, report: MessageReport) -> None:
        super().__init__(trie, vendor, pseudonymizer, report)
        self.outcomes: list[FieldOutcome] = []
        self.deferred: list[tuple[FieldOutcome, Deferred]] = []

    def _visit(self, value: Any, nodes: list[TrieNode[FieldRule]],
               path: tuple[str | int, ...]) -> Any:
        result = super()._visit(value, nodes, path)
        if isinstance(value, (dict, list)):
            if result is SKIP:  # the whole subtree is gone: report each leaf under it
                outcome = UNLISTED if not nodes else WRONG_SHAPE
                self.outcomes.extend(FieldOutcome(concrete_path(p), outcome, before=v)
                                     for p, v in _leaves(value, path))
            return result
        found = best_rule(nodes) if nodes else None
        selector = found[0].text if found else None
        entry = FieldOutcome(concrete_path(path), KEPT, selector=selector, before=value)
        if not nodes:
            entry.outcome = UNLISTED
        elif found is None:
            entry.outcome = WRONG_SHAPE
        elif result is SKIP:
            entry.outcome = DROPPED if found[1].action is Action.DROP else WRONG_SHAPE
        elif isinstance(result, Deferred):
            entry.outcome = "redacted"
            self.deferred.append((entry, result))
        else:
            rule = found[1]
            if value is not None and rule.action not in (Action.KEEP, Action.DROP):
                entry.outcome = _past(rule.action)
            entry.after = result
        self.outcomes.append(entry)
        return result


def find_route(config: LoadedConfig, vendor: str, route: str) -> CompiledRoute:
    """The route named ``METHOD /template`` (or matching ``METHOD /concrete/path``)."""
    compiled = config.vendors.get(vendor)
    if compiled is None:
        raise ExplainError(f"no contract for vendor '{vendor}'; known: "
                           + ", ".join(sorted(config.vendors)))
    method, _, path = route.strip().partition(" ")
    method, path = method.upper(), path.strip()
    for candidate in compiled.routes:
        if candidate.name == f"{method} {path}":
            return candidate
    try:
        return Router(config.vendors).match(method, f"/{vendor}{path}").route
    except (NotFound, ProxyError):
        pass
    raise ExplainError(f"vendor '{vendor}' has no route '{route}'; its routes: "
                       + ", ".join(r.name for r in compiled.routes))


def _pseudonymizer(config: LoadedConfig, notes: list[str]) -> Pseudonymizer:
    try:
        found = build_pseudonymizer(config)
    except ConfigError:
        found = None
    if found is None:
        notes.append("the pseudonymization secret is not set: pseudonyms use a random key for "
                     "this run and differ from production")
        return Pseudonymizer(secrets.token_bytes(32))
    return found


def explain(
    config: LoadedConfig,
    vendor: str,
    route: str,
    body: bytes,
    *,
    direction: str = "request",
    content_type: str = "application/json",
    detector: SupportsAnalyzeBatch | None = None,
    pseudonymizer: Pseudonymizer | None = None,
) -> Explanation:
    """Apply the route's contract for ``direction`` to ``body`` and explain every leaf."""
    compiled = find_route(config, vendor, route)
    notes: list[str] = []
    message: CompiledMessage | None = (compiled.request if direction == "request"
                                       else compiled.response)
    source = str(config.vendors[vendor].source)
    if message is None:
        document = _decode_any(body)
        notes.append("this route has no response contract: the body passes back unchanged")
        fields = [FieldOutcome(concrete_path(p), KEPT, before=v, after=v)
                  for p, v in _leaves(document, ())]
        return Explanation(vendor, compiled.name, direction, source, config.version, fields,
                           document, notes)
    codec = find_codec(message.contract.content_types, content_type)
    if codec is None:
        raise ExplainError(f"route {compiled.name} does not accept {content_type} "
                           f"(content_types: {', '.join(message.contract.content_types)})")
    try:
        document = codec.decode(body, parse_media_type(content_type)[1],
                                config.settings.limits.max_json_depth)
    except CodecError as exc:
        raise ExplainError(f"the sample is refused as the proxy would refuse it: {exc} "
                           f"({exc.reason})") from None
    if message.body_trie is None:
        notes.append(f"the {direction} contract of this route has no body section: no body "
                     "passes at all")
        fields = [FieldOutcome(concrete_path(p), UNLISTED, before=v)
                  for p, v in _leaves(document, ())]
        return Explanation(vendor, compiled.name, direction, source, config.version, fields,
                           None, notes)
    psn = pseudonymizer or _pseudonymizer(config, notes)
    report = MessageReport()
    minimizer = _ExplainingMinimizer(message.body_trie, vendor, psn, report)
    try:
        result = minimizer.minimize(document)
    except BodyShapeError:
        raise ExplainError("the sample must be a JSON object or array") from None
    if minimizer.pending:
        if detector is None:
            from recognizers.detector import Detector

            detector = Detector(config.settings.analyzer)
        spans = detector.analyze_batch(detection_requests(minimizer.pending))
        apply_redactions(minimizer.pending, spans, report)
        for (entry, deferred), found in zip(minimizer.deferred, spans, strict=True):
            entry.after, entry.entities = redact_text(deferred.text, found)
    return Explanation(vendor, compiled.name, direction, source, config.version,
                       minimizer.outcomes, result, notes)


def _decode_any(body: bytes) -> Any:
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        raise ExplainError("the sample is not JSON") from None


# -- rendering -----------------------------------------------------------------------------------

_COLOURS = {"red": "31", "green": "32", "yellow": "33", "dim": "2", "bold": "1"}


def use_colour(stream: IO[str]) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _short(value: Any, width: int = 60) -> str:
    text = orjson.dumps(value).decode()
    return text if len(text) <= width else text[: width - 1] + "…"


def render_text(explanation: Explanation, colour: bool = False) -> str:
    """A readable diff: ``=`` kept, ``-`` dropped, ``~`` transformed (with ``-``/``+`` lines)."""

    def paint(text: str, name: str) -> str:
        return f"\x1b[{_COLOURS[name]}m{text}\x1b[0m" if colour else text

    e = explanation
    lines = [paint(f"{e.vendor} {e.route} ({e.direction})", "bold")
             + paint(f"  contract {e.contract_file}, version {e.contract_version}", "dim"), ""]
    rows: list[tuple[str, str, str, list[tuple[str, str]]]] = []
    for f in e.fields:
        if f.outcome == KEPT:
            rows.append(("=", f"{f.path}: {_short(f.before)}", "keep", []))
        elif not f.passes:
            rows.append(("-", f"{f.path}: {_short(f.before)}", _REASONS[f.outcome], []))
        elif f.outcome == "redacted" and not f.entities:
            rows.append(("~", f"{f.path}: {_short(f.before)}", "redacted (no entity found)", []))
        else:
            label = f.outcome
            if f.outcome == "redacted":
                label += " (" + ", ".join(f.entities) + ")"
            rows.append(("~", f.path, label, [("-", _short(f.before, 100)),
                                               ("+", _short(f.after, 100))]))
    width = min(max((len(r[1]) for r in rows), default=0) + 4, 72)
    for sign, left, label, detail in rows:
        colour_name = {"=": "dim", "-": "red", "~": "yellow"}[sign]
        line = f"  {sign} {left}".ljust(width + 4) + f"  {label}"
        lines.append(paint(line, colour_name) if sign != "=" else line)
        for dsign, text in detail:
            lines.append(paint(f"      {dsign} {text}", "red" if dsign == "-" else "green"))
    summary = e.summary()
    outcomes = summary["outcomes"]
    gone = {name: outcomes.get(name, 0) for name in (UNLISTED, DROPPED, WRONG_SHAPE)}
    parts = [f"{n} {name}" for name, n in sorted(outcomes.items(), key=lambda kv: kv[0] != KEPT)
             if name not in gone]
    if sum(gone.values()):
        why = [f"{gone[UNLISTED]} not in the contract" if gone[UNLISTED] else "",
               f"{gone[DROPPED]} by a drop rule" if gone[DROPPED] else "",
               f"{gone[WRONG_SHAPE]} of the wrong shape" if gone[WRONG_SHAPE] else ""]
        parts.append(f"{sum(gone.values())} dropped ({', '.join(w for w in why if w)})")
    lines += ["", f"{len(e.fields)} field(s): {', '.join(parts) or 'none'}"]
    if summary["entities"]:
        lines.append("entities: " + ", ".join(f"{k} {v}" for k, v in summary["entities"].items()))
    lines += [paint(f"note: {note}", "yellow") for note in e.notes]
    lines += ["", "forwarded:", orjson.dumps(e.result, option=orjson.OPT_INDENT_2).decode()]
    return "\n".join(lines) + "\n"


def render_json(explanation: Explanation) -> str:
    return orjson.dumps(explanation.to_dict(), option=orjson.OPT_INDENT_2).decode() + "\n"
