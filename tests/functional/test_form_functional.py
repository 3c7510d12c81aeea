"""Form-encoded bodies end to end: bracket nesting, arrays, repeated keys, canonical re-encoding,
and every decoding quirk that could smuggle a field past the contract (each its own test case).

Client -> proxy -> recording vendor through real sockets; each case asserts what the vendor got
(bytes and their decoded form), what the caller got, and the audit record.
"""

from __future__ import annotations

import logging
from urllib.parse import parse_qsl

import orjson
import pytest
from aiohttp import web

from proxy.enforce.transforms import Pseudonymizer
from proxy.testing import ReceivedRequest, RecordingVendor
from tests.conftest import PSEUDONYMIZE_KEY, ProxyFactory

pytestmark = pytest.mark.functional

NAME = "Jolene Brightwater"
EMAIL = "jolene.brightwater@example.com"
SSN = "078-05-1120"
LINE1 = "17 Wisteria Lane"
SEEDED = [NAME, "Brightwater", EMAIL, "brightwater%40example", SSN, LINE1, "Wisteria"]
FORM = {"Content-Type": "application/x-www-form-urlencoded"}

CONTRACT = """
vendor: formpay
upstream: https://api.formpay.example
routes:
  - method: POST
    path: /v1/customers
    request:
      content_types: [form]
      body:
        email: pseudonymize
        name: redact
        shipping.address.city: keep
        shipping.address.postal_code: {action: generalize, to: postcode_prefix}
        metadata.order_id: keep
        metadata.note: redact
        items[*].price: keep
        items[*].quantity: keep
        expand[*]: keep
        MediaUrl: keep
        MediaUrl[*]: keep
        a: keep
    response:
      content_types: [form, json]
      body:
        id: keep
        shipping.address.city: keep
"""


def assert_clean(*texts: str | bytes) -> None:
    for text in texts:
        blob = text.decode(errors="replace") if isinstance(text, bytes) else text
        for value in SEEDED:
            assert value not in blob, f"a seeded value leaked: {value[:3]}..."


def psn(value: str) -> str:
    return Pseudonymizer(PSEUDONYMIZE_KEY.encode()).pseudonymize("formpay", value)


async def post_form(proxy, body: bytes, content_type: str = FORM["Content-Type"]):
    return await proxy.session.post(f"{proxy.url}/formpay/v1/customers", data=body,
                                    headers={"Content-Type": content_type})


async def test_nested_form_is_minimized_and_re_encoded_canonically(
    start_proxy: ProxyFactory, vendor: RecordingVendor
) -> None:
    proxy = await start_proxy({"formpay": CONTRACT}, upstream=vendor.url)
    body = (
        f"email={EMAIL.replace('@', '%40')}&name={NAME.replace(' ', '+')}"
        f"&shipping[address][city]=New+York&shipping[address][line1]={LINE1.replace(' ', '+')}"
        "&shipping[address][postal_code]=10001&items[0][price]=price_1&items[0][quantity]=2"
        f"&items[0][ssn]={SSN}&items[1][price]=price_2&expand[]=customer&expand[]=invoice"
        f"&metadata[order_id]=o_1&metadata[email]={EMAIL}&ssn={SSN}"
    ).encode()
    resp = await post_form(proxy, body)
    assert resp.status == 200
    received = vendor.received[0]
    assert received.headers["content-type"] == "application/x-www-form-urlencoded"
    assert "content-encoding" not in received.headers
    assert received.body.decode() == (
        f"email={psn(EMAIL)}&name=%3CPERSON%3E&shipping[address][city]=New+York"
        "&shipping[address][postal_code]=100&items[0][price]=price_1&items[0][quantity]=2"
        "&items[1][price]=price_2&expand[]=customer&expand[]=invoice&metadata[order_id]=o_1"
    )
    assert int(received.headers["content-length"]) == len(received.body)
    assert_clean(vendor.all_bytes())

    [record] = proxy.audit_lines()
    req = record["request"]
    assert {"body:shipping.address.city", "body:items[*].price", "body:expand[*]",
            "body:metadata.order_id"} <= set(req["kept"])
    assert {"body:ssn", "body:shipping.address.line1", "body:items[*].ssn",
            "body:metadata.email"} <= set(req["dropped"])
    assert req["transformed"]["body:email"] == "pseudonymize"
    assert req["transformed"]["body:name"] == "redact"
    assert req["entities"] == {"PERSON": 1}
    assert_clean(orjson.dumps(record))


async def test_repeated_keys_stay_repeated(
    start_proxy: ProxyFactory, vendor: RecordingVendor
) -> None:
    proxy = await start_proxy({"formpay": CONTRACT}, upstream=vendor.url)
    resp = await post_form(proxy, b"MediaUrl=https://a.example/1.png&ssn=x&MediaUrl=https://b.example/2")
    assert resp.status == 200
    assert vendor.received[0].body == (
        b"MediaUrl=https%3A%2F%2Fa.example%2F1.png&MediaUrl=https%3A%2F%2Fb.example%2F2")
    # One occurrence is a plain value (the selector MediaUrl), several a list (MediaUrl[*]).
    resp = await post_form(proxy, b"MediaUrl=https://a.example/1.png")
    assert vendor.received[1].body == b"MediaUrl=https%3A%2F%2Fa.example%2F1.png"
    assert "body:MediaUrl[*]" in proxy.audit_lines()[0]["request"]["kept"]


# Each quirk: (body, what the vendor must receive, its decoded pairs, audit path kept or dropped).
QUIRKS_FORWARDED = [
    pytest.param(f"s%73n={SSN}&a=1".encode(), b"a=1", [("a", "1")], "body:ssn",
                 id="percent-encoded-key-is-the-key-ssn"),
    pytest.param(b"shipping%5Baddress%5D%5Bcity%5D=Berlin&shipping%5bssn%5d=" + SSN.encode(),
                 b"shipping[address][city]=Berlin", [("shipping[address][city]", "Berlin")],
                 "body:shipping.ssn", id="percent-encoded-brackets-are-brackets"),
    pytest.param(b"a=New+York%2B1", b"a=New+York%2B1", [("a", "New York+1")], None,
                 id="plus-is-space-and-encoded-plus-stays-plus"),
    pytest.param(b"a=1;ssn=2", b"a=1%3Bssn%3D2", [("a", "1;ssn=2")], None,
                 id="semicolon-is-never-a-separator"),
    pytest.param(b"a=%e2%82%ac%7e%21", b"a=%E2%82%AC~%21", [("a", "\u20ac~!")], None,
                 id="percent-encoding-is-made-canonical"),
    pytest.param(b"&&a=1&", b"a=1", [("a", "1")], None, id="empty-pairs-are-ignored"),
    pytest.param(b"A=1&a=2", b"a=2", [("a", "2")], "body:A", id="keys-are-case-sensitive"),
]


@pytest.mark.parametrize(("body", "sent", "pairs", "dropped"), QUIRKS_FORWARDED)
async def test_decoding_quirk_cannot_smuggle_a_field(
    start_proxy: ProxyFactory, vendor: RecordingVendor,
    body: bytes, sent: bytes, pairs: list[tuple[str, str]], dropped: str | None,
) -> None:
    proxy = await start_proxy({"formpay": CONTRACT}, upstream=vendor.url)
    resp = await post_form(proxy, body)
    assert resp.status == 200
    received = vendor.received[0]
    assert received.body == sent
    assert parse_qsl(received.body.decode(), keep_blank_values=True) == pairs
    [record] = proxy.audit_lines()
    if dropped is not None:
        assert dropped in record["request"]["dropped"]
    assert SSN.encode() not in vendor.all_bytes()


QUIRKS_REJECTED = [
    pytest.param(b"a=%zz", FORM["Content-Type"], 400, "invalid_form", id="malformed-percent"),
    pytest.param(b"a=1%2", FORM["Content-Type"], 400, "invalid_form", id="truncated-percent"),
    pytest.param(b"s%7=1", FORM["Content-Type"], 400, "invalid_form", id="malformed-percent-in-key"),
    pytest.param(b"a=%ff%fe", FORM["Content-Type"], 400, "invalid_form", id="invalid-utf8"),
    pytest.param(b"a=\xc3\x28", FORM["Content-Type"], 400, "invalid_form", id="raw-invalid-utf8"),
    pytest.param(b"a=1&a[b]=2", FORM["Content-Type"], 400, "invalid_form",
                 id="scalar-then-object"),
    pytest.param(b"a[b]=2&a=1", FORM["Content-Type"], 400, "invalid_form",
                 id="object-then-scalar"),
    pytest.param(b"items[0][price]=1&items[price]=2", FORM["Content-Type"], 400, "invalid_form",
                 id="list-then-object"),
    pytest.param(b"expand[]=a&expand[1]=b", FORM["Content-Type"], 400, "invalid_form",
                 id="two-list-styles"),
    pytest.param(b"MediaUrl=a&MediaUrl=b&MediaUrl[]=c", FORM["Content-Type"], 400,
                 "invalid_form", id="repeated-key-then-brackets"),
    pytest.param(b"items[1][price]=1", FORM["Content-Type"], 400, "invalid_form",
                 id="sparse-index"),
    pytest.param(b"items[00][price]=1", FORM["Content-Type"], 400, "invalid_form",
                 id="zero-padded-index"),
    pytest.param(b"shipping[address]]=1", FORM["Content-Type"], 400, "invalid_form",
                 id="unbalanced-brackets"),
    pytest.param(b"shipping[address=1", FORM["Content-Type"], 400, "invalid_form",
                 id="unclosed-bracket"),
    pytest.param(b"=1", FORM["Content-Type"], 400, "invalid_form", id="empty-key"),
    pytest.param(b"expand[][x]=1", FORM["Content-Type"], 400, "invalid_form",
                 id="append-then-nesting"),
    pytest.param(b"metadata[order_id]=1&metadata[order_id]=2", FORM["Content-Type"], 400,
                 "duplicate_key", id="nested-key-twice"),
    pytest.param(b"a" + b"[b]" * 80 + b"=1", FORM["Content-Type"], 400, "form_too_deep",
                 id="too-deep"),
    pytest.param(b"a=1", FORM["Content-Type"] + "; charset=iso-8859-1", 415,
                 "unsupported_media_type", id="other-charset"),
]


@pytest.mark.parametrize(("body", "content_type", "status", "reason"), QUIRKS_REJECTED)
async def test_malformed_form_is_refused_and_nothing_forwarded(
    start_proxy: ProxyFactory, vendor: RecordingVendor, caplog: pytest.LogCaptureFixture,
    body: bytes, content_type: str, status: int, reason: str,
) -> None:
    caplog.set_level(logging.DEBUG)
    proxy = await start_proxy({"formpay": CONTRACT}, upstream=vendor.url)
    resp = await post_form(proxy, body + f"&email={EMAIL}&ssn={SSN}".encode(), content_type)
    assert resp.status == status
    answer = await resp.json()
    assert answer["reason"] == reason and answer["vendor"] == "formpay"
    assert vendor.received == []
    [record] = proxy.audit_lines()
    assert record["outcome"] == "rejected" and record["reason"] == reason
    assert_clean(await resp.read(), orjson.dumps(record), caplog.text)


async def test_form_answer_is_minimized_on_the_way_back(
    start_proxy: ProxyFactory, vendor: RecordingVendor
) -> None:
    async def answer(_: web.Request, received: ReceivedRequest) -> web.StreamResponse:
        return web.Response(
            body=f"id=cus_1&email={EMAIL}&shipping[address][city]=Berlin"
                 f"&shipping[address][line1]={LINE1}".encode(),
            content_type="application/x-www-form-urlencoded")

    vendor.responder = answer
    proxy = await start_proxy({"formpay": CONTRACT}, upstream=vendor.url)
    resp = await post_form(proxy, b"a=1")
    assert resp.status == 200
    assert resp.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert await resp.read() == b"id=cus_1&shipping[address][city]=Berlin"
    record = proxy.audit_lines()[0]
    assert {"body:email", "body:shipping.address.line1"} <= set(record["response"]["dropped"])
    assert_clean(orjson.dumps(record))
