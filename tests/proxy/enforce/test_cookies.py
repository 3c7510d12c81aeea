"""Cookie filtering without sockets."""

from __future__ import annotations

import pytest

from proxy.contract.models import FieldRule
from proxy.enforce.cookies import filter_cookies, filter_set_cookies, parse_cookie_header
from proxy.enforce.report import MessageReport
from proxy.enforce.transforms import Pseudonymizer
from proxy.errors import BadRequest

KEEP = FieldRule(action="keep")  # type: ignore[arg-type]
PSN = Pseudonymizer(b"0123456789abcdef0123")


def test_parse() -> None:
    assert parse_cookie_header(["a=1; b = 2;;c", "d=x=y"]) == [
        ("a", "1"), ("b", "2"), ("", "c"), ("d", "x=y")]


def test_only_listed_cookies_pass_and_the_header_is_rebuilt() -> None:
    report = MessageReport()
    rules = {"sid": FieldRule(action="pseudonymize"), "theme": KEEP}  # type: ignore[arg-type]
    out = filter_cookies(["sid=abc; track=jo@example.com; theme=dark"], rules, "v", PSN, report)
    assert out == f"sid={PSN.pseudonymize('v', 'abc')}; theme=dark"
    assert report.dropped == {"cookie:track"} and report.kept == {"cookie:theme"}
    assert filter_cookies(["track=1"], rules, "v", PSN, MessageReport()) is None


def test_listed_cookie_twice_is_refused() -> None:
    with pytest.raises(BadRequest):
        filter_cookies(["a=1", "a=2"], {"a": KEEP}, "v", None, MessageReport())


def test_a_value_that_would_split_the_header_is_dropped() -> None:
    report = MessageReport()
    rule = FieldRule(action="mask", mask_char=";")  # type: ignore[arg-type]
    assert filter_cookies(["a=secretvalue"], {"a": rule}, "v", None, report) is None
    assert report.wrong_shape == {"cookie:a"}


def test_set_cookie_keeps_attributes_of_listed_cookies() -> None:
    report = MessageReport()
    out = filter_set_cookies(["s=1; Path=/; HttpOnly", "t=2", "junk"], {"s": KEEP}, "v", None,
                             report)
    assert out == ["s=1; Path=/; HttpOnly"]
    assert report.dropped == {"cookie:t", "cookie:junk"}


def test_a_value_that_is_not_utf8_is_dropped() -> None:
    # Bytes that are not UTF-8 reach us as lone surrogates; pseudonymizing them raised.
    rules = {"sid": FieldRule(action="pseudonymize"), "theme": KEEP}  # type: ignore[arg-type]
    report = MessageReport()
    assert filter_cookies(["sid=a\udcffb; theme=dark"], rules, "v", PSN, report) == "theme=dark"
    assert report.wrong_shape == {"cookie:sid"}
    report = MessageReport()
    assert filter_set_cookies(["sid=\udcff; Path=/"], rules, "v", PSN, report) == []
    assert report.wrong_shape == {"cookie:sid"}
