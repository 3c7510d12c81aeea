"""Cookies, one by one: the ``Cookie`` request header and ``Set-Cookie`` answers.

A route with a ``cookies`` section governs these headers cookie by cookie with the usual actions
(``cookies: {session_id: pseudonymize, locale: keep}``); unlisted cookies are dropped and the
header is rebuilt from what is kept (``a=1; b=2``), or left out when nothing is. Without a
``cookies`` section the headers are governed like any other (unlisted: dropped). ``redact`` does
not apply to cookies (the loader refuses it). A listed cookie sent twice is refused (``400
duplicate_cookie``): servers disagree on which one wins.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from proxy.contract.models import FieldRule
from proxy.contract.selectors import format_path
from proxy.enforce.headers import is_text
from proxy.enforce.minimize import SKIP, Deferred, apply_scalar_rule
from proxy.enforce.report import MessageReport
from proxy.enforce.transforms import Pseudonymizer
from proxy.errors import BadRequest

# RFC 6265 cookie-value characters (optionally inside double quotes).
_COOKIE_VALUE = re.compile(r'"?[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*"?')
_COOKIE_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")


def _label(name: str) -> str:
    return "cookie:" + format_path((name,))


def parse_cookie_header(values: Iterable[str]) -> list[tuple[str, str]]:
    """``a=1; b=2`` (several headers are joined) -> ``[("a", "1"), ("b", "2")]``.

    A piece without ``=`` has the empty name and is never listed, so it is dropped.
    """
    pairs: list[tuple[str, str]] = []
    for value in values:
        for piece in value.split(";"):
            piece = piece.strip()
            if not piece:
                continue
            name, sep, cookie = piece.partition("=")
            pairs.append((name.strip(), cookie.strip()) if sep else ("", piece))
    return pairs


def _checked_value(
    rule: FieldRule, name: str, value: str, vendor: str, pseudonymizer: Pseudonymizer | None,
    report: MessageReport,
) -> str | None:
    label = _label(name)
    if not is_text(value):  # bytes that were not UTF-8: no cookie-value, and no action reads it
        report.shape_mismatch(label)
        return None
    result = apply_scalar_rule(rule, value, label, vendor, pseudonymizer, report)
    if result is SKIP:
        return None
    if isinstance(result, Deferred):  # the loader refuses redact; never forward unchecked text
        report.shape_mismatch(label)
        return None
    text = "" if result is None else str(result)
    if not _COOKIE_VALUE.fullmatch(text):  # e.g. a mask character that would split the header
        report.shape_mismatch(label)
        return None
    return text


def filter_cookies(
    values: Iterable[str],
    rules: Mapping[str, FieldRule],
    vendor: str,
    pseudonymizer: Pseudonymizer | None,
    report: MessageReport,
) -> str | None:
    """The rebuilt ``Cookie`` header from the listed cookies, or None when none is kept."""
    kept: list[str] = []
    seen: set[str] = set()
    for name, value in parse_cookie_header(values):
        rule = rules.get(name) if _COOKIE_NAME.fullmatch(name) else None
        if rule is None:
            report.drop_unlisted(_label(name) if name else "cookie:<unnamed>")
            continue
        if name in seen:
            raise BadRequest("a cookie the contract lists was sent more than once",
                             reason="duplicate_cookie")
        seen.add(name)
        checked = _checked_value(rule, name, value, vendor, pseudonymizer, report)
        if checked is not None:
            kept.append(f"{name}={checked}")
    return "; ".join(kept) or None


def filter_set_cookies(
    values: Iterable[str],
    rules: Mapping[str, FieldRule],
    vendor: str,
    pseudonymizer: Pseudonymizer | None,
    report: MessageReport,
) -> list[str]:
    """The ``Set-Cookie`` values for listed cookies; attributes (Path, Max-Age, ...) are kept."""
    out: list[str] = []
    for header in values:
        pair, sep, attributes = header.partition(";")
        name, has_value, value = pair.partition("=")
        name = name.strip()
        rule = rules.get(name) if has_value and _COOKIE_NAME.fullmatch(name) else None
        if rule is None:
            report.drop_unlisted(_label(name) if name else "cookie:<unnamed>")
            continue
        checked = _checked_value(rule, name, value.strip(), vendor, pseudonymizer, report)
        if checked is not None:
            out.append(f"{name}={checked}" + (sep + attributes if sep else ""))
    return out
