"""Value transformations: mask, pseudonymize, generalize.

Each takes one scalar and returns its replacement, or raises ``TransformError`` when the value
does not have the shape the action needs (the value is then dropped and audited). Detection-based
redaction lives in ``redaction``; this module never looks inside free text.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
from datetime import date

import orjson

from proxy.contract import Action, FieldRule, Generalization


class TransformError(ValueError):
    """The value cannot be transformed as the rule says; the message names no value."""


class Pseudonymizer:
    """Keyed HMAC-SHA256 with one key per vendor, derived from the proxy's secret.

    The same input gives the same output for one vendor (so it can still join its own records),
    and different outputs for two vendors (so they cannot join theirs).
    """

    def __init__(self, secret: bytes) -> None:
        if len(secret) < 16:
            raise ValueError("the pseudonymization secret must be at least 16 bytes")
        self._secret = secret
        self._vendor_keys: dict[str, bytes] = {}

    def _key(self, vendor: str) -> bytes:
        key = self._vendor_keys.get(vendor)
        if key is None:
            key = hmac.new(self._secret, b"pseudonymize/v1/" + vendor.encode(), "sha256").digest()
            self._vendor_keys[vendor] = key
        return key

    def pseudonymize(self, vendor: str, value: object) -> str:
        """A stable pseudonym of ``value`` for ``vendor``: ``psn_`` and 32 hex digits."""
        data = value.encode() if isinstance(value, str) else orjson.dumps(value)
        return "psn_" + hmac.new(self._key(vendor), data, hashlib.sha256).hexdigest()[:32]


def mask(rule: FieldRule, value: object) -> str:
    """Replace all but ``keep_first`` / ``keep_last`` characters (default: last 4) by ``*``."""
    if not isinstance(value, str):
        raise TransformError("mask applies to strings")
    first = rule.keep_first or 0
    last = 4 if rule.keep_last is None else rule.keep_last
    char = rule.mask_char or "*"
    if len(value) <= first + last:
        return char * len(value)  # keeping that many would reveal the whole value
    return value[:first] + char * (len(value) - first - last) + (value[-last:] if last else "")


_ISO_DATE = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?")


def _parse_date(value: object) -> date:
    if not isinstance(value, str):
        raise TransformError("date generalization applies to ISO date strings")
    m = _ISO_DATE.match(value)
    if not m:
        raise TransformError("not an ISO date")
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1))
    except ValueError:
        raise TransformError("not a valid date") from None


def generalize(rule: FieldRule, value: object, today: date | None = None) -> str | int:
    """Coarsen a value: date to year or month, IP to network, postcode to prefix, age to band."""
    target = rule.to
    if target is Generalization.YEAR:
        return str(_parse_date(value).year)
    if target is Generalization.MONTH:
        d = _parse_date(value)
        return f"{d.year:04d}-{d.month:02d}"
    if target is Generalization.IP_NETWORK:
        if not isinstance(value, str):
            raise TransformError("ip_network applies to strings")
        try:
            ip = ipaddress.ip_address(value.strip())
        except ValueError:
            raise TransformError("not an IP address") from None
        default = 24 if ip.version == 4 else 48
        prefix = min(rule.prefix_length if rule.prefix_length is not None else default,
                     ip.max_prefixlen)
        return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))
    if target is Generalization.POSTCODE_PREFIX:
        if not isinstance(value, str) or not value.strip():
            raise TransformError("postcode_prefix applies to non-empty strings")
        keep = rule.prefix_length if rule.prefix_length is not None else 3
        return value.strip().replace(" ", "")[:keep].upper()
    if target is Generalization.AGE_BAND:
        if isinstance(value, bool):
            raise TransformError("age_band applies to ages or birth dates")
        if isinstance(value, int):
            age = value
        else:
            born = _parse_date(value)
            now = today or date.today()
            age = now.year - born.year - ((now.month, now.day) < (born.month, born.day))
        if age < 0 or age > 150:
            raise TransformError("age out of range")
        low = (age // 10) * 10
        return f"{low}-{low + 9}"
    raise TransformError("unknown generalization")


def transform_scalar(
    rule: FieldRule, value: object, vendor: str, pseudonymizer: Pseudonymizer | None
) -> object:
    """Apply a non-detection action to one scalar value."""
    action = rule.action
    if action is Action.KEEP:
        return value
    if action is Action.MASK:
        return mask(rule, value)
    if action is Action.PSEUDONYMIZE:
        if pseudonymizer is None:  # checked at start; this guards programming errors
            raise TransformError("no pseudonymization secret configured")
        return pseudonymizer.pseudonymize(vendor, value)
    if action is Action.GENERALIZE:
        return generalize(rule, value)
    raise TransformError(f"action {action.value} is not a scalar transformation")


