"""JSON parser differentials and content-type confusion, through the running proxy.

Each case: a fast 4xx, or a canonical re-serialization that carries no disallowed value; the
vendor never receives the marker value ``SECRET-9731`` (placed where the contract forbids it).
"""

from __future__ import annotations

import pytest

from proxy.testing import RecordingVendor
from tests.conftest import ProxyFactory

pytestmark = pytest.mark.functional

MARK = b"SECRET-9731"

CONTRACT = """
vendor: acme
upstream: https://api.acme.example
routes:
  - method: POST
    path: /v1/m
    request:
      body:
        name: keep
        n: {action: keep, type: integer}
  - method: GET
    path: /v1/m
"""

JSON = {"Content-Type": "application/json"}

# (body, expected status; 200 means: forwarded, canonical, without the marker)
DIFFERENTIALS = {
    "duplicate-key-allowed-first": (b'{"name": "ok", "name": "SECRET-9731"}', 400),
    "duplicate-key-disallowed-first": (b'{"name": "SECRET-9731", "name": "ok"}', 400),
    "escaped-key-duplicate": (b'{"name": "ok", "\\u006eame": "SECRET-9731"}', 400),
    "escaped-key-name": (b'{"\\u0073sn": "SECRET-9731", "name": "ok"}', 200),
    "lone-surrogate": (b'{"name": "\\ud800SECRET-9731"}', 400),
    "invalid-utf8": (b'{"name": "\xffSECRET-9731"}', 400),
    "bom": (b'\xef\xbb\xbf{"name": "SECRET-9731"}', 400),
    "nan": (b'{"n": NaN, "x": "SECRET-9731"}', 400),
    "comment": (b'{"name": "ok" /* SECRET-9731 */}', 400),
    "trailing-comma": (b'{"name": "ok", "x": "SECRET-9731",}', 400),
    "concatenated": (b'{"name": "ok"}{"name": "SECRET-9731"}', 400),
    "deep-nesting": (b'{"x": ' + b"[" * 5000 + b'"SECRET-9731"' + b"]" * 5000 + b"}", 400),
    "nesting-over-limit": (b'{"x": ' + b"[" * 70 + b"]" * 70 + b"}", 400),
    "integer-beyond-64-bits": (b'{"n": 123456789012345678901234567890, "x": "SECRET-9731"}', 400),
    "zero-width-lookalike-key": ('{"name\u200b": "SECRET-9731", "name": "ok"}'.encode(), 200),
    "fullwidth-lookalike-key": ('{"\uff4eame": "SECRET-9731", "name": "ok"}'.encode(), 200),
    "case-lookalike-key": (b'{"Name": "SECRET-9731", "name": "ok"}', 200),
    "number-as-string-smuggle": (b'{"n": "SECRET-9731"}', 200),
}


@pytest.mark.parametrize("case", list(DIFFERENTIALS))
async def test_json_differentials(start_proxy: ProxyFactory, vendor: RecordingVendor,
                                  case: str) -> None:
    body, status = DIFFERENTIALS[case]
    proxy = await start_proxy({"acme": CONTRACT}, upstream=vendor.url)
    resp = await proxy.session.post(f"{proxy.url}/acme/v1/m", data=body, headers=JSON)
    assert resp.status == status
    assert MARK not in await resp.read()
    assert MARK not in vendor.all_bytes()
    if status == 200:
        [received] = vendor.received
        assert received.body == received.body.strip() and b" " not in received.body.replace(
            b'"ok"', b"")  # canonical, compact
    else:
        assert vendor.received == []


CONFUSION = {
    "json-labelled-text": {"Content-Type": "text/plain"},
    "json-labelled-octet-stream": {"Content-Type": "application/octet-stream"},
    "json-unlabelled": {},
    "json-as-utf16": {"Content-Type": "application/json; charset=utf-16"},
    "json-as-form": {"Content-Type": "application/x-www-form-urlencoded"},
}


@pytest.mark.parametrize("case", list(CONFUSION))
async def test_content_type_confusion_is_415(start_proxy: ProxyFactory, vendor: RecordingVendor,
                                             case: str) -> None:
    proxy = await start_proxy({"acme": CONTRACT}, upstream=vendor.url)
    resp = await proxy.session.post(f"{proxy.url}/acme/v1/m", data=b'{"x": "SECRET-9731"}',
                                    headers=CONFUSION[case], skip_auto_headers=["Content-Type"])
    assert resp.status == 415
    assert vendor.received == []


async def test_utf16_body_is_not_forwarded(start_proxy: ProxyFactory,
                                           vendor: RecordingVendor) -> None:
    proxy = await start_proxy({"acme": CONTRACT}, upstream=vendor.url)
    resp = await proxy.session.post(f"{proxy.url}/acme/v1/m",
                                    data='{"x": "SECRET-9731"}'.encode("utf-16"), headers=JSON)
    assert resp.status == 400
    assert vendor.received == []


async def test_body_on_a_route_without_body_rules_is_dropped(
    start_proxy: ProxyFactory, vendor: RecordingVendor
) -> None:
    proxy = await start_proxy({"acme": CONTRACT}, upstream=vendor.url)
    resp = await proxy.session.get(f"{proxy.url}/acme/v1/m", data=b'{"x": "SECRET-9731"}',
                                   headers=JSON)
    assert resp.status == 200
    [received] = vendor.received
    assert received.body == b"" and "content-type" not in received.headers
    assert proxy.audit_lines()[0]["request"]["body_dropped"] is True
