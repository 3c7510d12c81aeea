"""Mask, pseudonymize and generalize, value by value."""

from __future__ import annotations

import hashlib
import hmac
from datetime import date

import orjson
import pytest

from proxy.contract.models import FieldRule
from proxy.enforce.transforms import Pseudonymizer, TransformError, generalize, mask


def rule(**kw: object) -> FieldRule:
    return FieldRule.model_validate(kw)


def test_pseudonyms_are_stable_per_vendor_and_differ_across_vendors() -> None:
    p = Pseudonymizer(b"s" * 32)
    a1, a2 = p.pseudonymize("mailer", "cus_1"), p.pseudonymize("mailer", "cus_1")
    b = p.pseudonymize("shipping", "cus_1")
    assert a1 == a2 and a1 != b and a1.startswith("psn_") and len(a1) == 36
    assert p.pseudonymize("mailer", 42) != p.pseudonymize("mailer", "cus_2")
    assert Pseudonymizer(b"t" * 32).pseudonymize("mailer", "cus_1") != a1


def test_short_secret_refused() -> None:
    with pytest.raises(ValueError):
        Pseudonymizer(b"short")


@pytest.mark.parametrize(
    ("kw", "value", "expected"),
    [
        ({}, "4111111111111111", "************1111"),
        ({"keep_last": 0}, "secret", "******"),
        ({"keep_first": 2, "keep_last": 2}, "abcdefgh", "ab****gh"),
        ({"mask_char": "#"}, "123456", "##3456"),
        ({}, "1234", "****"),  # keeping 4 of 4 would reveal everything
    ],
)
def test_mask(kw: dict, value: str, expected: str) -> None:
    assert mask(rule(action="mask", **kw), value) == expected


@pytest.mark.parametrize(
    ("kw", "value", "expected"),
    [
        ({"to": "year"}, "1990-04-02", "1990"),
        ({"to": "year"}, "1990-04-02T10:00:00Z", "1990"),
        ({"to": "month"}, "1990-04-02", "1990-04"),
        ({"to": "ip_network"}, "203.0.113.77", "203.0.113.0/24"),
        ({"to": "ip_network", "prefix_length": 16}, "203.0.113.77", "203.0.0.0/16"),
        ({"to": "ip_network"}, "2001:db8:abcd:12::1", "2001:db8:abcd::/48"),
        ({"to": "postcode_prefix"}, "sw1a 1aa", "SW1"),
        ({"to": "age_band"}, 37, "30-39"),
    ],
)
def test_generalize(kw: dict, value: object, expected: str) -> None:
    assert generalize(rule(action="generalize", **kw), value) == expected


def test_age_band_from_birth_date() -> None:
    r = rule(action="generalize", to="age_band")
    assert generalize(r, "1990-12-31", today=date(2026, 11, 28)) == "30-39"


@pytest.mark.parametrize(
    ("kw", "value"),
    [({"to": "year"}, "not a date"), ({"to": "year"}, 1990), ({"to": "ip_network"}, "10.0.0"),
     ({"to": "age_band"}, 400), ({"to": "month"}, "2020-13-01")],
)
def test_generalize_refuses_wrong_shapes(kw: dict, value: object) -> None:
    with pytest.raises(TransformError):
        generalize(rule(action="generalize", **kw), value)


def test_pseudonyms_are_the_documented_hmac() -> None:
    # psn_ + the first 32 hex digits of HMAC-SHA256(vendor key, value), the vendor key being
    # HMAC-SHA256(secret, "pseudonymize/v1/" + vendor): pseudonyms stay stable across versions.
    secret = b"s" * 32
    vendor_key = hmac.new(secret, b"pseudonymize/v1/mailer", hashlib.sha256).digest()
    p = Pseudonymizer(secret)
    for value in ("cus_1", "cus_2", "é", 42, None, True, 1.5):
        data = value.encode() if isinstance(value, str) else orjson.dumps(value)
        expected = "psn_" + hmac.new(vendor_key, data, hashlib.sha256).hexdigest()[:32]
        assert p.pseudonymize("mailer", value) == expected
