"""``python -m proxy suggest``: draft a vendor contract from captured traffic, for review.

Input is NDJSON, one exchange a line, in either form:

- a captured request: ``{"method", "path" (or "url"), "headers", "query", "body"}`` and
  optionally ``"response": {"headers", "body"}``; ``path`` may carry the proxy prefix
  ``/{vendor}/``;
- an audit line of the proxy (``{"vendor", "route", "request": {"kept", "dropped", ...}}``),
  which holds paths but no values, so only names guide the proposal there.

Every observed path is listed with a proposed action: free text (long strings with spaces, or
strings in which the NER model finds entities) ``redact``; identifier-like fields (``*_id``,
UUIDs, ``cus_xxx``-style tokens, e-mail addresses used as ids) ``pseudonymize``; obvious
sensitive PII by name (SSN, date of birth, IP address, passwords) ``drop``; everything else
``keep`` with a ``# review`` comment. Route paths get ``{id}`` where a segment looks like an id.
The output is a YAML file that ``python -m proxy check`` accepts; it is a draft: default deny
still applies, and the privacy team decides.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlsplit

import yaml

from proxy.contract.selectors import format_key
from proxy.enforce.headers import FRAMING_HEADERS
from recognizers.types import DetectionRequest, Span

MAX_SAMPLES_PER_PATH = 5
MAX_NER_TEXTS = 500

# Headers a client library sends on its own, or the proxy manages: not proposed.
_TRANSPORT_HEADERS = FRAMING_HEADERS | {
    "accept", "accept-encoding", "accept-language", "user-agent", "content-type", "date",
    "x-request-id", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "forwarded",
    "via", "cache-control", "pragma", "origin", "referer", "expect", "server",
}
_SENSITIVE_NAMES = re.compile(
    r"(^|_)(ssn|social_security(_number)?|sin|dob|date_of_birth|birth_?date|birthday|"
    r"ip|ip_?address|client_ip|remote_addr|password|passwd|pwd|secret|cvv|cvc|pin|"
    r"passport(_number)?|national_id|tax_id|driver_?licen[cs]e|card_number|pan|cookie|"
    r"set-cookie)$"
)
_ID_NAME = re.compile(r"(^|_)(id|uid|uuid|guid|external_id|user|customer|account|"
                      r"distinct_id|anonymous_id)$|_id$|Id$")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                   r"[0-9a-fA-F]{12}")
_PREFIXED_ID = re.compile(r"[a-z]{2,8}_[A-Za-z0-9]{4,}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")
_ID_SEGMENT = re.compile(r"\d+|[0-9a-fA-F-]{16,}|[A-Za-z]{1,8}_[A-Za-z0-9]{3,}"
                         r"|(?!v\d+$)(?=[^/]*\d)[A-Za-z0-9_-]{6,}")
_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_SAFE_KEY = re.compile(r"[A-Za-z_$][A-Za-z0-9_$\-]{0,63}")
_VENDOR_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,62}")


class SuggestError(ValueError):
    """The traffic cannot be turned into a draft; the message says what to do."""


class SupportsAnalyzeBatch(Protocol):
    def analyze_batch(self, requests: Sequence[DetectionRequest]) -> list[list[Span]]: ...


@dataclass
class PathStats:
    """What was seen at one selector: how often, which value kinds, a few samples."""

    seen: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    samples: list[Any] = field(default_factory=list)
    action_hint: str | None = None  # from an audit line's `transformed`

    def add(self, value: Any) -> None:
        self.seen += 1
        self.kinds[_kind(value)] += 1
        if value is not None and len(self.samples) < MAX_SAMPLES_PER_PATH \
                and value not in self.samples:
            self.samples.append(value)


@dataclass
class MessageStats:
    headers: dict[str, PathStats] = field(default_factory=dict)
    query: dict[str, PathStats] = field(default_factory=dict)
    body: dict[str, PathStats] = field(default_factory=dict)
    has_body: bool = False


@dataclass
class RouteStats:
    method: str
    path: str
    seen: int = 0
    request: MessageStats = field(default_factory=MessageStats)
    response: MessageStats | None = None


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    return "string"


def _data_shaped(key: str) -> bool:
    """A key that is probably data (an e-mail, a number): never written into the contract."""
    return not _SAFE_KEY.fullmatch(key) and (
        "@" in key or any(c.isdigit() for c in key) or len(key) > 40)


def _leaf_paths(value: Any, prefix: str = "") -> Iterable[tuple[str, Any]]:
    """Selector and value of every leaf; list positions as [*], data-shaped keys as *."""
    if isinstance(value, dict):
        for key, item in value.items():
            step = "*" if _data_shaped(key) else format_key(key)
            yield from _leaf_paths(item, f"{prefix}.{step}" if prefix else step)
    elif isinstance(value, list):
        for item in value:
            yield from _leaf_paths(item, f"{prefix}[*]")
    elif prefix:
        yield prefix, value


def template_path(path: str) -> str:
    """``/v1/charges/ch_123/refunds/42`` -> ``/v1/charges/{id}/refunds/{id2}``."""
    out: list[str] = []
    count = 0
    for segment in path.strip("/").split("/"):
        if not segment:
            continue
        if _ID_SEGMENT.fullmatch(segment) or _UUID.fullmatch(segment):
            count += 1
            out.append("{id}" if count == 1 else f"{{id{count}}}")
        else:
            out.append(segment)
    return "/" + "/".join(out)


class TrafficReader:
    """Collects route and path statistics from NDJSON lines."""

    def __init__(self, vendor: str | None) -> None:
        self.vendor = vendor
        self.vendors_seen: Counter[str] = Counter()
        self.upstreams: Counter[str] = Counter()
        self.routes: dict[tuple[str, str], RouteStats] = {}
        self.lines = 0

    def read(self, lines: Iterable[str]) -> None:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError:
                raise SuggestError(f"line {number}: not JSON; one exchange a line") from None
            if not isinstance(item, dict):
                raise SuggestError(f"line {number}: expected a JSON object")
            if item.get("phase") in ("intent", "sink_check"):  # a record follows, or none
                continue
            if "route" in item and isinstance(item.get("request"), dict) \
                    and "kept" in item["request"]:
                self._audit_line(item)
            elif "method" in item and ("path" in item or "url" in item):
                self._captured(item)
            else:
                raise SuggestError(f"line {number}: neither a captured request (method, path, "
                                   "headers, query, body) nor an audit line (vendor, route)")
            self.lines += 1

    def _route(self, vendor: str, method: str, path: str) -> RouteStats | None:
        self.vendors_seen[vendor] += 1
        if self.vendor is not None and vendor != self.vendor:
            return None
        key = (method.upper(), path)
        stats = self.routes.setdefault(key, RouteStats(method.upper(), path))
        stats.seen += 1
        return stats

    def _captured(self, item: dict[str, Any]) -> None:
        raw = str(item.get("url") or item["path"])
        parts = urlsplit(raw)
        if parts.scheme and parts.netloc:
            self.upstreams[f"{parts.scheme}://{parts.netloc}"] += 1
        path = parts.path or "/"
        segments = [s for s in path.split("/") if s]
        vendor = self.vendor
        if segments and vendor is not None and segments[0] == vendor:
            segments = segments[1:]
        elif vendor is None and not parts.netloc and segments:
            vendor, segments = segments[0], segments[1:]  # proxy-style /{vendor}/...
        if vendor is None:
            vendor = parts.hostname or "vendor"
        route = self._route(vendor, str(item["method"]), template_path("/".join(segments)))
        if route is None:
            return
        self._message(route.request, item.get("headers"), item.get("query") or parts.query,
                      item.get("body"), "body" in item and item.get("body") is not None)
        response = item.get("response")
        if isinstance(response, dict):
            route.response = route.response or MessageStats()
            self._message(route.response, response.get("headers"), None, response.get("body"),
                          response.get("body") is not None)

    @staticmethod
    def _message(stats: MessageStats, headers: Any, query: Any, body: Any, has_body: bool) -> None:
        pairs: Iterable[tuple[str, Any]]
        if isinstance(headers, dict):
            for name, value in headers.items():
                stats.headers.setdefault(name.lower(), PathStats()).add(value)
        if isinstance(query, str):
            pairs = parse_qsl(query.lstrip("?"), keep_blank_values=True)
        elif isinstance(query, dict):
            pairs = query.items()
        elif isinstance(query, list):
            pairs = [tuple(p) for p in query if isinstance(p, (list, tuple)) and len(p) == 2]
        else:
            pairs = ()
        for name, value in pairs:
            stats.query.setdefault(str(name), PathStats()).add(value)
        if isinstance(body, str):
            try:
                body = json.loads(body)
            except json.JSONDecodeError:
                return
        if has_body:
            stats.has_body = True
        for selector, value in _leaf_paths(body):
            stats.body.setdefault(selector, PathStats()).add(value)

    def _audit_line(self, item: dict[str, Any]) -> None:
        method, _, path = str(item["route"]).partition(" ")
        vendor = item.get("vendor") or "vendor"
        route = self._route(vendor, method, path or "/")
        if route is None:
            return
        for direction in ("request", "response"):
            report = item.get(direction)
            if not isinstance(report, dict):
                continue
            stats = route.request if direction == "request" else (
                route.response or MessageStats())
            if direction == "response":
                route.response = stats
            transformed = report.get("transformed") or {}
            names = [*report.get("kept", []), *report.get("dropped", []),
                     *report.get("unlisted", []), *transformed]
            for label in dict.fromkeys(names):
                carrier, _, selector = label.partition(":")
                selector = selector.replace("<key>", "*")
                target = {"header": stats.headers, "query": stats.query,
                          "body": stats.body}.get(carrier)
                if target is None or not selector:
                    continue
                entry = target.setdefault(selector, PathStats())
                entry.seen += 1
                if label in transformed:
                    entry.action_hint = transformed[label]
                if carrier == "body":
                    stats.has_body = True


# -- proposals ------------------------------------------------------------------------------------


@dataclass
class Proposal:
    action: str
    comment: str


def _last_name(selector: str) -> str:
    names = re.findall(r"[A-Za-z_$][A-Za-z0-9_$\-]*", selector.replace("[*]", ""))
    return names[-1] if names else ""


def _is_free_text(value: Any) -> bool:
    return isinstance(value, str) and len(value) >= 20 and len(value.split()) >= 3


def propose(selector: str, stats: PathStats, entities: dict[str, set[str]],
            direction: str = "request") -> Proposal:
    """The proposed action for one selector, with the reason as a review comment."""
    name = _last_name(selector)
    lowered = name.lower()
    if stats.action_hint and stats.action_hint != "keep":
        return Proposal(stats.action_hint, "as enforced today")
    if selector.startswith("*"):
        return Proposal("drop", "review: top-level keys that look like data; a wildcard here "
                        "would pass every unlisted field")
    if _SENSITIVE_NAMES.search(lowered):
        return Proposal("drop", f"review: '{name}' names sensitive PII; drop unless needed")
    strings = [s for s in stats.samples if isinstance(s, str)]
    found = set().union(*(entities.get(s, set()) for s in strings)) if strings else set()
    if any(_is_free_text(s) for s in strings) or (found and any(" " in s for s in strings)):
        what = f"NER found {', '.join(sorted(found))}" if found else "free text"
        return Proposal("redact", what)
    if "email" in lowered and not _ID_NAME.search(name):
        return Proposal("keep", "review: contact data; keep only if the vendor needs it")
    id_like = bool(strings) and all(
        _UUID.fullmatch(s) or _PREFIXED_ID.fullmatch(s) or _EMAIL.fullmatch(s) for s in strings)
    if (_ID_NAME.search(name) or id_like) and direction == "response":
        return Proposal("keep", "review: an identifier in the vendor's answer")
    if _ID_NAME.search(name) or id_like:
        why = "identifier" + (" (e-mail used as an id)" if any(_EMAIL.fullmatch(s)
                                                              for s in strings) else "")
        return Proposal("pseudonymize", f"{why}: the vendor gets a stable pseudonym")
    if found:
        return Proposal("redact", f"NER found {', '.join(sorted(found))}")
    kinds = ", ".join(k for k, _ in stats.kinds.most_common()) or "no values seen"
    return Proposal("keep", f"review ({kinds})")


def _header_proposal(name: str) -> Proposal | None:
    if name in _TRANSPORT_HEADERS or not _HEADER_NAME.fullmatch(name):
        return None
    if name in ("authorization", "x-api-key", "api-key"):
        return Proposal("keep", "the vendor's credential")
    if name == "idempotency-key":
        return Proposal("keep", "avoids double processing")
    if name in ("cookie", "set-cookie"):
        return Proposal("drop", "review: cookies carry session and tracking ids")
    return Proposal("keep", "review")


# -- output ---------------------------------------------------------------------------------------


def _yaml_key(key: str) -> str:
    try:
        if yaml.safe_load(f"{key}: x") == {key: "x"}:
            return key
    except yaml.YAMLError:
        pass
    return json.dumps(key)


def _rule_lines(indent: str, entries: list[tuple[str, Proposal, int]], total: int) -> list[str]:
    lines = []
    for key, proposal, seen in entries:
        note = f"{proposal.comment}; seen in {seen}/{total}" if seen < total else proposal.comment
        lines.append(f"{indent}{_yaml_key(key)}: {proposal.action}  # {note}")
    return lines


def _message_lines(stats: MessageStats, indent: str, total: int, direction: str,
                   entities: dict[str, set[str]]) -> list[str]:
    lines: list[str] = []
    headers = [(n, p, s.seen) for n, s in sorted(stats.headers.items())
               if (p := _header_proposal(n)) is not None]
    if headers:
        lines.append(f"{indent}headers:")
        lines += _rule_lines(indent + "  ", headers, total)
    def proposed(found: Any) -> list[tuple[str, Proposal, int]]:
        return [(key, propose(key, seen, entities, direction), seen.seen) for key, seen in found]

    query = proposed(sorted(stats.query.items())) if direction == "request" else []
    if query:
        lines.append(f"{indent}query:")
        lines += _rule_lines(indent + "  ", query, total)
    if stats.has_body:
        body = proposed(stats.body.items())
        lines += ([f"{indent}body:", *_rule_lines(indent + "  ", body, total)] if body
                  else [f"{indent}body: {{}}  # review: bodies seen, but no fields in them"])
    if not lines:
        lines.append(f"{indent}{{}}")
    return lines


def _ner_entities(reader: TrafficReader, detector: SupportsAnalyzeBatch | None,
                  use_ner: bool) -> dict[str, set[str]]:
    texts: list[str] = []
    for route in reader.routes.values():
        for message in (route.request, route.response):
            if message is None:
                continue
            for stats in (*message.body.values(), *message.query.values()):
                texts += [s for s in stats.samples if isinstance(s, str) and len(s) >= 3]
    texts = list(dict.fromkeys(texts))[:MAX_NER_TEXTS]
    if not texts or not use_ner:
        return {}
    if detector is None:
        from recognizers.detector import Detector
        from recognizers.settings import AnalyzerSettings

        detector = Detector(AnalyzerSettings())
    results = detector.analyze_batch([DetectionRequest(text=t) for t in texts])
    return {t: {s.entity_type for s in spans} for t, spans in zip(texts, results, strict=True)}


def draft_contract(reader: TrafficReader, upstream: str | None = None,
                   detector: SupportsAnalyzeBatch | None = None, use_ner: bool = True) -> str:
    """The draft contract YAML for the reader's (single) vendor."""
    vendors = sorted(reader.vendors_seen)
    if reader.vendor is None and len(vendors) > 1:
        raise SuggestError(f"the traffic holds several vendors ({', '.join(vendors)}); pass "
                           "--vendor NAME to draft one contract")
    vendor = reader.vendor or (vendors[0] if vendors else None)
    if vendor is None or not reader.routes:
        raise SuggestError("no exchange for this vendor in the traffic" if reader.vendor
                           else "the traffic is empty")
    if not _VENDOR_NAME.fullmatch(vendor):
        raise SuggestError(f"'{vendor}' cannot be a vendor name; pass --vendor NAME "
                           "(lowercase letters, digits, '-' and '_')")
    entities = _ner_entities(reader, detector, use_ner)
    guessed = upstream or (reader.upstreams.most_common(1)[0][0] if reader.upstreams else None)
    lines = [
        "# yaml-language-server: $schema=../schema/vendor-contract.schema.json",
        (f"# DRAFT contract for '{vendor}', written by `python -m proxy suggest` from "
         f"{reader.lines} exchange(s)."),
        "# Review every rule with the privacy team; anything not listed is dropped (default deny).",
        f"vendor: {vendor}",
        'description: "TODO: what this vendor does and why it receives data"  # review',
        f"upstream: {guessed or f'https://api.{vendor}.example'}"
        + ("" if guessed else "  # review: the vendor's base URL"),
        "purposes: []  # review: the purposes of the privacy policy this vendor serves",
        "routes:",
    ]
    for (method, path), route in sorted(reader.routes.items(), key=lambda kv: (kv[0][1],
                                                                               kv[0][0])):
        lines += [f"  - method: {method}", f"    path: {_yaml_key(path)}  # seen {route.seen}x",
                  "    request:"]
        lines += _message_lines(route.request, "      ", route.seen, "request", entities)
        if route.response is not None:
            lines.append("    response:")
            lines += _message_lines(route.response, "      ", route.seen, "response", entities)
    return "\n".join(lines) + "\n"


def suggest_from_file(path: str | Path, vendor: str | None = None, upstream: str | None = None,
                      detector: SupportsAnalyzeBatch | None = None, use_ner: bool = True) -> str:
    """Read NDJSON traffic from ``path`` and return the draft contract's YAML."""
    reader = TrafficReader(vendor)
    with open(path, encoding="utf-8") as fh:
        reader.read(fh)
    return draft_contract(reader, upstream=upstream, detector=detector, use_ner=use_ner)
