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
from decimal import ROUND_FLOOR, Decimal

import orjson

from proxy.contract.models import Action, FieldRule, Generalization


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
        # Per vendor, an HMAC already keyed: each value copies it instead of keying a new one
        # (half the SHA-256 work; the same digests).
        self._keyed: dict[str, hmac.HMAC] = {}

    def _key(self, vendor: str) -> bytes:
        key = self._vendor_keys.get(vendor)
        if key is None:
            key = hmac.new(self._secret, b"pseudonymize/v1/" + vendor.encode(), "sha256").digest()
            self._vendor_keys[vendor] = key
        return key

    def pseudonymize(self, vendor: str, value: object) -> str:
        """A stable pseudonym of ``value`` for ``vendor``: ``psn_`` and 32 hex digits."""
        data = value.encode() if isinstance(value, str) else orjson.dumps(value)
        keyed = self._keyed.get(vendor)
        if keyed is None:
            keyed = self._keyed[vendor] = hmac.new(self._key(vendor), digestmod=hashlib.sha256)
        mac = keyed.copy()
        mac.update(data)
        return "psn_" + mac.hexdigest()[:32]


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


def generalize(
    rule: FieldRule, value: object, today: date | None = None
) -> str | int | float:
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
    if target is Generalization.COORDINATE_GRID:
        return _snap_coordinates(value, rule.grid or 0.1)
    if target is Generalization.NUMBER_BUCKET:
        return _bucket(_number(value), rule)
    raise TransformError("unknown generalization")


def _number(value: object) -> float | int:
    if isinstance(value, bool):
        raise TransformError("a number is needed")
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            raise TransformError("not a number") from None
        if number != number or number in (float("inf"), float("-inf")):
            raise TransformError("not a finite number")
        return number
    raise TransformError("a number is needed")


def _snap(number: float, grid: float) -> float:
    """The south-west corner of the grid cell: floor to a multiple of ``grid``."""
    if not -180.0 <= number <= 180.0:
        raise TransformError("not a coordinate")
    step = Decimal(str(grid))
    snapped = (Decimal(str(number)) / step).to_integral_value(rounding=ROUND_FLOOR) * step
    return float(snapped)


def _snap_coordinates(value: object, grid: float) -> float | str:
    """A latitude or longitude (number) snapped to the grid; ``"lat,lon"`` text likewise."""
    if isinstance(value, str) and "," in value:
        parts = value.split(",")
        if len(parts) != 2:
            raise TransformError("coordinates are 'lat,lon'")
        return ",".join(format(_snap(_number(p), grid), "g") for p in parts)
    return _snap(_number(value), grid)


def _bucket(number: float, rule: FieldRule) -> float | int:
    """The lower bound of the number's bucket (equal widths, or listed lower bounds)."""
    if rule.buckets is not None:
        lower = [b for b in rule.buckets if b <= number]
        if not lower:
            raise TransformError("below the first bucket")
        bound = lower[-1]
    else:
        assert rule.bucket_size is not None
        width = Decimal(str(rule.bucket_size))
        bound = float((Decimal(str(number)) / width).to_integral_value(rounding=ROUND_FLOOR)
                      * width)
    return int(bound) if float(bound).is_integer() else bound


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


