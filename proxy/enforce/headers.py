"""Headers and query parameters: allow lists with the same actions as body fields.

Only names a route lists pass. Framing and hop-by-hop headers are never copied: the upstream
client builds ``Host``, ``Content-Length`` and ``Content-Type`` for the body it actually sends.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from multidict import CIMultiDict, CIMultiDictProxy

from proxy.contract.models import Action, FieldRule, Generalization, ValueType
from proxy.contract.selectors import format_path
from proxy.enforce.minimize import SKIP, Deferred, PendingRedaction, apply_scalar_rule
from proxy.enforce.report import MessageReport
from proxy.enforce.transforms import Pseudonymizer
from proxy.errors import BadRequest

# Headers the proxy always builds itself; a contract may not pass them through.
FRAMING_HEADERS = frozenset(
    {
        "connection", "keep-alive", "proxy-connection", "proxy-authenticate",
        "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "host",
        "content-length", "content-encoding",
    }
)
# Response headers that pass when a route has no response section (the body passes unchanged).
DEFAULT_RESPONSE_HEADERS: dict[str, FieldRule] = {
    "content-type": FieldRule(action="keep"),  # type: ignore[arg-type]
    "retry-after": FieldRule(action="keep"),  # type: ignore[arg-type]
}


def connection_nominated(headers: Mapping[str, str] | CIMultiDictProxy[str]) -> set[str]:
    """Header names the ``Connection`` header declares hop-by-hop (RFC 9110 7.6.1)."""
    names: set[str] = set()
    getall = getattr(headers, "getall", None)
    values = getall("Connection", []) if getall else [headers.get("Connection", "")]
    for value in values:
        names.update(part.strip().lower() for part in value.split(",") if part.strip())
    return names


def client_address(value: str) -> str:
    """The client's address in an ``X-Forwarded-For`` style value: the leftmost entry.

    ``203.0.113.7, 10.0.0.1`` -> ``203.0.113.7``; a port (``203.0.113.7:5050``,
    ``[2001:db8::1]:443``) is removed. Anything else is returned as it is (and then fails the
    ``ip_network`` generalization, which drops it).
    """
    first = value.split(",", 1)[0].strip()
    if first.startswith("["):
        return first[1:].split("]", 1)[0]
    if first.count(":") == 1:
        return first.split(":", 1)[0]
    return first


def is_text(value: str) -> bool:
    """False when ``value`` holds bytes that were not UTF-8.

    aiohttp keeps such header bytes as lone surrogates. No action can read them as text (the
    pseudonymizer cannot encode them, the detector fails on them) and aiohttp's writer drops
    them, so a listed value like this has the wrong shape: it is dropped and reported.
    """
    if value.isascii():
        return True
    try:
        value.encode()
    except UnicodeEncodeError:
        return False
    return True


def _safe_name(name: str) -> str:
    return format_path((name.lower(),))


# Declared types a header value (always text) fits; None: keep's default, any scalar.
_TEXT_FITTING = (None, ValueType.STRING, ValueType.SCALAR)

# Audit labels of header names seen so far: the same few names arrive on every request. Bounded,
# since callers choose the names; past the bound (and for masked names) labels are computed each
# time.
_HEADER_LABELS: dict[str, str] = {}
_MAX_HEADER_LABELS = 1024


# Header names as sent (any case) -> (lowercase name, audit label), for names whose label is
# kept in _HEADER_LABELS; bounded like it.
_NAMES_AS_SENT: dict[str, tuple[str, str]] = {}


def _header_label(lowered: str) -> str:
    label = _HEADER_LABELS.get(lowered)
    if label is None:
        label = f"header:{_safe_name(lowered)}"
        # Only names the label shows as they are: a data-shaped name is not kept in memory.
        if len(_HEADER_LABELS) < _MAX_HEADER_LABELS and label == f"header:{lowered}":
            _HEADER_LABELS[lowered] = label
    return label


def filter_headers(
    incoming: CIMultiDictProxy[str] | CIMultiDict[str] | Mapping[str, str],
    rules: Mapping[str, FieldRule],
    vendor: str,
    pseudonymizer: Pseudonymizer | None,
    report: MessageReport,
    pending: list[PendingRedaction],
    skip: Iterable[str] = (),
) -> dict[str, str]:
    """Return the headers that may pass, transformed; a listed header sent twice is refused.

    ``skip`` names headers never copied; a frozenset is taken as already lowercase (the
    exchange's constant sets are), anything else is lowercased here.
    """
    out: dict[str, str] = {}
    skipped = skip if isinstance(skip, frozenset) else {s.lower() for s in skip}
    seen: set[str] = set()
    for name, value in incoming.items():
        known = _NAMES_AS_SENT.get(name)
        if known is None:
            lowered = name.lower()
            label = _HEADER_LABELS.get(lowered) or _header_label(lowered)
            if lowered in _HEADER_LABELS and len(_NAMES_AS_SENT) < _MAX_HEADER_LABELS:
                _NAMES_AS_SENT[name] = (lowered, label)
        else:
            lowered, label = known
        if lowered in skipped:
            continue
        rule = rules.get(lowered)
        if rule is None:
            report.drop(label)
            continue
        if lowered in seen:
            raise BadRequest("a header the contract lists was sent more than once",
                             reason="duplicate_header")
        seen.add(lowered)
        if not is_text(value):
            report.shape_mismatch(label)
            continue
        if rule.action is Action.KEEP and rule.type in _TEXT_FITTING:
            report.keep(label)  # what apply_scalar_rule does with a text value under keep
            out[lowered] = value
            continue
        if rule.action is Action.GENERALIZE and rule.to is Generalization.IP_NETWORK:
            value = client_address(value)
        result = apply_scalar_rule(rule, value, label, vendor, pseudonymizer, report)
        if result is SKIP:
            continue
        if isinstance(result, Deferred):
            out[lowered] = ""
            pending.append(PendingRedaction(out, lowered, result.text, result.rule, result.label))
        else:
            out[lowered] = str(result)
    return out


def filter_query(
    pairs: Iterable[tuple[str, str]],
    rules: Mapping[str, FieldRule],
    vendor: str,
    pseudonymizer: Pseudonymizer | None,
    report: MessageReport,
    pending: list[PendingRedaction],
) -> list[list[str]]:
    """Return the query parameters that may pass, in order, as ``[name, value]`` pairs."""
    out: list[list[str]] = []
    for name, value in pairs:
        rule = rules.get(name)
        label = f"query:{_safe_name(name)}"
        if rule is None:
            report.drop_unlisted(label)
            continue
        result: Any = apply_scalar_rule(rule, value, label, vendor, pseudonymizer, report)
        if result is SKIP:
            continue
        pair = [name, ""]
        out.append(pair)
        if isinstance(result, Deferred):
            pending.append(PendingRedaction(pair, 1, result.text, result.rule, result.label))
        else:
            pair[1] = str(result)
    return out
