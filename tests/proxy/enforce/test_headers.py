"""Header filtering: allow list, actions, skipped names, duplicates of listed headers."""

from __future__ import annotations

import pytest
from multidict import CIMultiDict, CIMultiDictProxy

from proxy.contract.models import FieldRule
from proxy.enforce.headers import filter_headers
from proxy.enforce.minimize import PendingRedaction
from proxy.enforce.report import MessageReport
from proxy.errors import BadRequest


def rules(**given: object) -> dict[str, FieldRule]:
    return {name.replace("_", "-"): FieldRule.model_validate(rule) for name, rule in given.items()}


def run(headers: list[tuple[str, str]], contract: dict[str, FieldRule],
        skip: object = frozenset()) -> tuple[dict[str, str], MessageReport]:
    report = MessageReport()
    pending: list[PendingRedaction] = []
    out = filter_headers(CIMultiDictProxy(CIMultiDict(headers)), contract, "acme", None, report,
                         pending, skip=skip)  # type: ignore[arg-type]
    return out, report


def test_keep_passes_text_unless_another_type_is_declared() -> None:
    out, report = run([("X-A", "1"), ("X-B", "2"), ("X-C", "3"), ("X-D", "4")],
                      rules(x_a="keep", x_b={"action": "keep", "type": "string"},
                            x_c={"action": "keep", "type": "scalar"},
                            x_d={"action": "keep", "type": "integer"}))
    assert out == {"x-a": "1", "x-b": "2", "x-c": "3"}
    assert report.kept == {"header:x-a", "header:x-b", "header:x-c"}
    assert report.wrong_shape == {"header:x-d"}


def test_unlisted_headers_are_dropped_and_skipped_ones_are_not_reported() -> None:
    out, report = run([("Host", "h"), ("User-Agent", "u"), ("X-A", "1")], rules(x_a="keep"),
                      skip=["HOST"])  # not a frozenset: lowercased here
    assert out == {"x-a": "1"}
    assert report.dropped == {"header:user-agent"}
    out, report = run([("Host", "h"), ("X-A", "1")], rules(x_a="keep"), skip=frozenset({"host"}))
    assert out == {"x-a": "1"} and report.dropped == set()


def test_a_listed_header_sent_twice_is_refused() -> None:
    with pytest.raises(BadRequest):
        run([("X-A", "1"), ("x-a", "2")], rules(x_a="keep"))


def test_a_value_that_is_not_utf8_is_dropped_whatever_the_action() -> None:
    # aiohttp keeps header bytes that are not UTF-8 as lone surrogates: no action can read
    # them as text (pseudonymize raised, redaction failed as a detector fault, and aiohttp's
    # writer silently drops them), so the value has the wrong shape.
    out, report = run([("X-A", "a\udcffb"), ("X-B", "\udc80"), ("X-C", "café")],
                      rules(x_a="keep", x_b="redact", x_c="keep"))
    assert out == {"x-c": "café"}
    assert report.wrong_shape == {"header:x-a", "header:x-b"}
