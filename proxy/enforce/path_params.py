"""Path parameters: the route template's ``{params}`` get actions like any other field.

``params: {PhoneNumber: pseudonymize}`` transforms the segment before the path is rebuilt for the
vendor. A parameter the route does not list passes unchanged, unless its value looks like
personal data (an email address, a phone number, a payment card number, a US SSN): then the
request is refused with ``400 pii_in_path``, since a lookup by email or phone in the URL would
otherwise reach the vendor (and its access logs) untouched. The checks are cheap (regex,
libphonenumber, Luhn), no NER. A listed parameter whose action cannot apply (``wrong_shape``) is
refused with ``400 bad_path_param``: a path with a hole cannot be forwarded.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import quote

import phonenumbers

from proxy.contract.routing import RouteMatch
from proxy.contract.selectors import format_path
from proxy.enforce.minimize import SKIP, Deferred, apply_scalar_rule
from proxy.enforce.report import MessageReport
from proxy.enforce.transforms import Pseudonymizer
from proxy.errors import BadRequest

_PCHAR_SAFE = ":@!$&'()*+,;="  # as proxy.contract.routing: RFC 3986 pchar characters left unescaped
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
_CARD_RUN = re.compile(r"(?<!\d)(?:\d[ \-]?){12,18}\d(?!\d)")
_SSN = re.compile(r"(?<!\d)\d{3}-\d{2}-\d{4}(?!\d)")
_PHONE_CHARS = re.compile(r"\+?[\d\s().\-/]{7,24}")


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _looks_like_phone(value: str) -> bool:
    text = value.strip()
    if not _PHONE_CHARS.fullmatch(text):
        return False
    digits = sum(ch.isdigit() for ch in text)
    if not 7 <= digits <= 15:
        return False
    try:
        number = phonenumbers.parse(text, None if text.startswith("+") else "US")
    except phonenumbers.NumberParseException:
        return False
    return bool(phonenumbers.is_valid_number(number))


def looks_like_pii(value: str) -> bool:
    """Whether a path segment looks like an email, phone number, card number or SSN."""
    if _EMAIL.search(value) or _SSN.search(value):
        return True
    for run in _CARD_RUN.findall(value):
        digits = re.sub(r"\D", "", run)
        if 13 <= len(digits) <= 19 and _luhn(digits):
            return True
    return _looks_like_phone(value)


@lru_cache(maxsize=1024)
def _literal_url(base: str, segments: tuple[str | None, ...]) -> str:
    """The vendor URL of a template without parameters (its segments are all literals)."""
    if not segments:
        return base
    return base + "/" + "/".join(quote(str(seg), safe=_PCHAR_SAFE) for seg in segments)


def checked_upstream_url(
    match: RouteMatch, pseudonymizer: Pseudonymizer | None, report: MessageReport
) -> str:
    """The vendor URL rebuilt from the template's literals and the checked parameter values."""
    if not match.params:  # only literal segments: the same URL for every request
        return _literal_url(match.vendor.upstream_base, match.route.template.segments)
    rules = match.route.route.params
    vendor = match.vendor.contract.vendor
    values: dict[str, str] = {}
    for name, value in match.params.items():
        label = "path:" + format_path((name,))
        rule = rules.get(name)
        if rule is None:
            if looks_like_pii(value):
                raise BadRequest("a path segment the contract does not govern looks like "
                                 "personal data", reason="pii_in_path")
            values[name] = value
            continue
        result = apply_scalar_rule(rule, value, label, vendor, pseudonymizer, report)
        if result is SKIP or result is None or isinstance(result, Deferred):
            raise BadRequest("a path parameter cannot be transformed as the contract says",
                             reason="bad_path_param")
        values[name] = str(result)
    names = iter(match.route.template.params)
    segments = [seg if seg is not None else values[next(names)]
                for seg in match.route.template.segments]
    if not segments:
        return match.vendor.upstream_base
    return match.vendor.upstream_base + "/" + "/".join(
        quote(seg, safe=_PCHAR_SAFE) for seg in segments)
