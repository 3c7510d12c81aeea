"""The proxy end to end through real sockets: client -> proxy -> recording vendor -> back.

Real Presidio and spaCy in a worker process, a real aiohttp vendor on 127.0.0.1 that keeps what it
received, and a real client. Every case asserts what the caller got AND what the vendor received.
"""

from __future__ import annotations

import asyncio
import gzip
import logging

import orjson
import pytest
from aiohttp import web

from proxy.testing import ReceivedRequest, RecordingVendor
from tests.conftest import ProxyFactory

pytestmark = pytest.mark.functional

# Distinctive values: none may appear in audit records, logs or error bodies.
NAME = "Jolene Brightwater"
EMAIL = "jolene.brightwater@example.com"
PHONE = "212-555-0198"
CARD = "4111 1111 1111 1111"
SSN = "078-05-1120"
CUSTOMER_ID = "cus_77aa91"
SECRET_NOTE = "vip-discount-code-XK42"
SEEDED = [NAME, "Brightwater", EMAIL, PHONE, CARD, "4111111111111111", SSN, CUSTOMER_ID,
          SECRET_NOTE]

CONTRACT = """
vendor: acme
upstream: https://api.acme.example
routes:
  - method: POST
    path: /v1/messages
    request:
      headers: [authorization, x-trace]
      query: [dry_run]
      body:
        to.email: keep
        to.name: keep
        subject: redact
        note: {action: redact, entities: [PERSON]}
        customer_id: pseudonymize
        card_number: {action: mask, keep_last: 4}
        birth_date: {action: generalize, to: year}
        client_ip: {action: generalize, to: ip_network}
        amount: {action: keep, type: integer}
        tags[*]: keep
        internal_flag: drop
    response:
      headers: [x-message-id]
      body:
        id: keep
        echo: redact
  - method: GET
    path: /v1/messages/{id}
    request:
      headers: [authorization]
  - method: POST
    path: /v1/open
    request:
      body:
        anything: keep
"""

OTHER = """
vendor: other
upstream: https://api.other.example
routes:
  - method: POST
    path: /v1/messages
    request:
      body:
        customer_id: pseudonymize
"""


def message() -> dict:
    return {
        "to": {"email": EMAIL, "name": NAME, "ssn": SSN},
        "subject": f"Order for {NAME}, call {PHONE} or mail {EMAIL}",
        "note": f"{NAME} asked, reach {EMAIL}",
        "customer_id": CUSTOMER_ID,
        "card_number": "4111111111111111",
        "birth_date": "1984-07-19",
        "client_ip": "203.0.113.77",
        "amount": 1299,
        "tags": ["order", "eu"],
        "internal_flag": True,
        "secret_note": SECRET_NOTE,
        "customer": {"ssn": SSN, "phone": PHONE},
    }


def assert_no_seeded_values(*texts: str | bytes) -> None:
    for text in texts:
        blob = text.decode(errors="replace") if isinstance(text, bytes) else text
        for value in SEEDED:
            assert value not in blob, f"a seeded value leaked: {value[:3]}..."


def vendor_body(vendor: RecordingVendor, index: int = -1) -> dict:
    return vendor.received[index].json()


async def test_every_action_reaches_the_vendor_as_the_contract_says(
    start_proxy: ProxyFactory, vendor: RecordingVendor
) -> None:
    proxy = await start_proxy({"acme": CONTRACT}, upstream=vendor.url)
    resp = await proxy.session.post(
        f"{proxy.url}/acme/v1/messages?dry_run=1&email={EMAIL}",
        json=message(),
        headers={"Authorization": "Bearer k1", "Cookie": f"sid={CUSTOMER_ID}",
                 "X-Internal-User": EMAIL, "X-Trace": "t-1"},
    )
    assert resp.status == 200
    got = vendor_body(vendor)
    assert got["to"] == {"email": EMAIL, "name": NAME}  # kept; ssn under "to" is unlisted
    assert NAME not in got["subject"] and PHONE not in got["subject"]
    assert EMAIL not in got["subject"]
    assert "<PERSON>" in got["subject"] and "<PHONE_NUMBER>" in got["subject"]
    # entities: [PERSON] only: the email in the note is not one of them and stays.
    assert got["note"] == f"<PERSON> asked, reach {EMAIL}"
    assert got["customer_id"].startswith("psn_") and CUSTOMER_ID not in got["customer_id"]
    assert got["card_number"] == "************1111"
    assert got["birth_date"] == "1984"
    assert got["client_ip"] == "203.0.113.0/24"
    assert got["amount"] == 1299 and got["tags"] == ["order", "eu"]
    for unlisted in ("internal_flag", "secret_note", "customer"):
        assert unlisted not in got
    received = vendor.received[-1]
    assert received.query_string == "dry_run=1"
    assert received.headers["authorization"] == "Bearer k1"
    assert received.headers["x-trace"] == "t-1"
    assert "cookie" not in received.headers and "x-internal-user" not in received.headers
    assert received.headers["content-type"] == "application/json"
    assert int(received.headers["content-length"]) == len(received.body)
    assert SECRET_NOTE.encode() not in vendor.all_bytes()
    assert SSN.encode() not in vendor.all_bytes()

    [record] = proxy.audit_lines()
    assert record["status"] == 200 and record["outcome"] == "forwarded"
    assert record["vendor"] == "acme" and record["route"] == "POST /v1/messages"
    req = record["request"]
    assert "body:to.email" in req["kept"] and "header:authorization" in req["kept"]
    assert {"body:secret_note", "body:customer", "body:to.ssn", "body:internal_flag",
            "header:cookie", "query:email"} <= set(req["dropped"])
    assert req["transformed"]["body:customer_id"] == "pseudonymize"
    assert req["transformed"]["body:subject"] == "redact"
    assert req["entities"]["PERSON"] >= 2 and req["entities"]["PHONE_NUMBER"] >= 1
    assert record["bytes"]["to_vendor"] == len(received.body)
    assert_no_seeded_values(orjson.dumps(record))


async def test_pseudonyms_are_stable_per_vendor_and_differ_between_vendors(
    start_proxy: ProxyFactory, vendor: RecordingVendor
) -> None:
    proxy = await start_proxy({"acme": CONTRACT, "other": OTHER}, upstream=vendor.url)
    for path in ("/acme/v1/messages", "/acme/v1/messages", "/other/v1/messages"):
        resp = await proxy.session.post(proxy.url + path, json={"customer_id": CUSTOMER_ID})
        assert resp.status == 200
    first, second, other = (r.json()["customer_id"] for r in vendor.received)
    assert first == second and first != other


async def test_response_contract_applies_default_deny(
    start_proxy: ProxyFactory, vendor: RecordingVendor
) -> None:
    async def answer(_: web.Request, received: ReceivedRequest) -> web.StreamResponse:
        return web.json_response(
            {"id": "m_1", "echo": f"sent to {NAME}", "customer": {"email": EMAIL}},
            headers={"X-Message-Id": "m_1", "Set-Cookie": f"sid={CUSTOMER_ID}",
                     "X-Vendor-Debug": EMAIL},
        )

    vendor.responder = answer
    proxy = await start_proxy({"acme": CONTRACT}, upstream=vendor.url)
    resp = await proxy.session.post(f"{proxy.url}/acme/v1/messages", json={"amount": 1})
    assert resp.status == 200
    body = await resp.json()
    assert body == {"id": "m_1", "echo": "sent to <PERSON>"}
    assert resp.headers["X-Message-Id"] == "m_1"
    assert "Set-Cookie" not in resp.headers and "X-Vendor-Debug" not in resp.headers
    record = proxy.audit_lines()[0]
    assert "body:customer" in record["response"]["dropped"]
    assert record["response"]["entities"] == {"PERSON": 1}
    assert_no_seeded_values(orjson.dumps(record))


async def test_vendor_error_answers_are_minimized_too(
    start_proxy: ProxyFactory, vendor: RecordingVendor
) -> None:
    async def answer(_: web.Request, received: ReceivedRequest) -> web.StreamResponse:
        return web.json_response({"error": "bad", "request": {"to": EMAIL}}, status=400)

    vendor.responder = answer
    proxy = await start_proxy({"acme": CONTRACT}, upstream=vendor.url)
    resp = await proxy.session.post(f"{proxy.url}/acme/v1/messages", json={"amount": 1})
    assert resp.status == 400
    assert await resp.json() == {}
    assert EMAIL not in await resp.text()


async def test_route_without_response_section_passes_body_unchanged(
    start_proxy: ProxyFactory, vendor: RecordingVendor
) -> None:
    async def answer(_: web.Request, received: ReceivedRequest) -> web.StreamResponse:
        return web.Response(body=b"plain answer", content_type="text/plain",
                            headers={"X-Vendor-Debug": "1"})

    vendor.responder = answer
    proxy = await start_proxy({"acme": CONTRACT}, upstream=vendor.url)
    resp = await proxy.session.get(f"{proxy.url}/acme/v1/messages/m%201",
                                   headers={"Authorization": "k"})
    assert resp.status == 200
    assert await resp.read() == b"plain answer"
    assert resp.headers["Content-Type"].startswith("text/plain")
    assert "X-Vendor-Debug" not in resp.headers
    assert vendor.received[0].path == "/v1/messages/m%201"
    assert vendor.received[0].body == b""


async def test_request_id_is_taken_or_generated(
    start_proxy: ProxyFactory, vendor: RecordingVendor
) -> None:
    proxy = await start_proxy({"acme": CONTRACT}, upstream=vendor.url)
    resp = await proxy.session.post(f"{proxy.url}/acme/v1/open", json={},
                                    headers={"X-Request-Id": "req-123"})
    assert resp.headers["X-Request-Id"] == "req-123"
    resp = await proxy.session.post(f"{proxy.url}/acme/v1/open", json={},
                                    headers={"X-Request-Id": EMAIL + " <script>"})
    assert len(resp.headers["X-Request-Id"]) == 32
    assert [r["request_id"] for r in proxy.audit_lines()][0] == "req-123"


async def test_the_vendor_receives_only_framing_and_listed_headers(
    start_proxy: ProxyFactory, vendor: RecordingVendor
) -> None:
    proxy = await start_proxy({"acme": CONTRACT}, upstream=vendor.url)
    resp = await proxy.session.post(
        f"{proxy.url}/acme/v1/messages", json={"amount": 1},
        headers={"Authorization": "Bearer k1", "User-Agent": "svc/1", "Accept": "*/*",
                 "Accept-Encoding": "gzip", "X-Other": "1"})
    assert resp.status == 200
    # Nothing the proxy's own client would add by default (User-Agent, Accept, Accept-Encoding),
    # and every line once: names from every line received, repeats included.
    assert sorted(name for name, _ in vendor.received[-1].header_lines) == [
        "authorization", "content-length", "content-type", "host", "x-request-id"]
    await proxy.session.get(f"{proxy.url}/acme/v1/messages/m1")
    assert sorted(name for name, _ in vendor.received[-1].header_lines) == ["host",
                                                                             "x-request-id"]


async def test_vendor_cookies_are_not_kept_between_exchanges(
    start_proxy: ProxyFactory, vendor: RecordingVendor
) -> None:
    async def answer(_: web.Request, received: ReceivedRequest) -> web.StreamResponse:
        response = web.json_response({"id": "m1"})
        response.set_cookie("vendor_session", "tied-to-the-first-caller")
        return response

    vendor.responder = answer
    # A host name, not an address: a cookie jar would keep cookies for it.
    proxy = await start_proxy({"acme": CONTRACT},
                              upstream=vendor.url.replace("127.0.0.1", "localhost"))
    for _ in range(2):
        resp = await proxy.session.post(f"{proxy.url}/acme/v1/open", json={"anything": 1})
        assert resp.status == 200
    assert len(vendor.received) == 2
    assert "cookie" not in vendor.received[1].headers


# --- errors: the documented answer, and nothing reached the vendor -----------------------------

REQUEST_ERRORS = [
    # (method, path, kwargs, status, reason)
    ("POST", "/nobody/v1/messages", {"json": message()}, 404, "unknown_vendor"),
    ("POST", "/acme/v1/unknown", {"json": message()}, 404, "unknown_route"),
    ("DELETE", "/acme/v1/messages", {"json": message()}, 404, "unknown_route"),
    ("POST", "/acme/v1/messages",
     {"data": b'{"subject": "' + NAME.encode() + b'", ', "headers": {
         "Content-Type": "application/json"}}, 400, "invalid_json"),
    ("POST", "/acme/v1/messages",
     {"data": b'{"amount": 1, "amount": "' + CARD.encode() + b'"}',
      "headers": {"Content-Type": "application/json"}}, 400, "duplicate_key"),
    ("POST", "/acme/v1/messages", {"data": b'"' + EMAIL.encode() + b'"',
                                    "headers": {"Content-Type": "application/json"}},
     400, "unexpected_body_shape"),
    ("POST", "/acme/v1/messages",
     {"data": orjson.dumps(message()), "headers": {"Content-Type": "text/plain"}},
     415, "unsupported_media_type"),
    ("POST", "/acme/v1/messages",
     {"data": orjson.dumps(message()),
      "headers": {"Content-Type": "application/json; charset=utf-16"}},
     415, "unsupported_media_type"),
    ("POST", "/acme/v1/messages",
     {"data": gzip.compress(orjson.dumps(message())),
      "headers": {"Content-Type": "application/json", "Content-Encoding": "compress"}},
     415, "unsupported_content_encoding"),  # gzip, deflate, br, zstd are decoded (carriers)
    ("POST", "/acme/v1/messages",
     {"data": orjson.dumps({"subject": NAME * 200}),
      "headers": {"Content-Type": "application/json"}}, 413, "body_too_large"),
    ("POST", "/acme/v1/messages",
     {"data": b"[" * 80 + b"]" * 80, "headers": {"Content-Type": "application/json"}},
     400, "json_too_deep"),
    ("GET", "/acme/v1/messages/a%2F..%2Fadmin", {}, 400, "bad_path"),
]


@pytest.mark.parametrize(("method", "path", "kwargs", "status", "reason"), REQUEST_ERRORS,
                         ids=[e[4] + "-" + e[1].split("/")[1] for e in REQUEST_ERRORS])
async def test_request_errors_forward_nothing(
    start_proxy: ProxyFactory, vendor: RecordingVendor, caplog: pytest.LogCaptureFixture,
    method: str, path: str, kwargs: dict, status: int, reason: str,
) -> None:
    caplog.set_level(logging.DEBUG)
    proxy = await start_proxy({"acme": CONTRACT}, upstream=vendor.url,
                              proxy_yaml="limits:\n  max_body_bytes: 2048\n")
    resp = await proxy.session.request(method, proxy.url + path, **kwargs)
    assert resp.status == status
    body = await resp.json()
    assert set(body) == {"error", "vendor", "route", "reason"}
    assert body["reason"] == reason
    if reason != "unknown_vendor" and reason != "bad_path":
        assert body["vendor"] == "acme"
    assert vendor.received == []
    [record] = proxy.audit_lines()
    assert record["status"] == status and record["outcome"] == "rejected"
    assert record["reason"] == reason
    assert_no_seeded_values(await resp.read(), orjson.dumps(record), caplog.text)


async def test_unreachable_vendor_is_502(start_proxy: ProxyFactory) -> None:
    proxy = await start_proxy({"acme": CONTRACT}, upstream="http://127.0.0.1:9")
    resp = await proxy.session.post(f"{proxy.url}/acme/v1/messages", json=message())
    assert resp.status == 502
    body = await resp.json()
    assert body == {"error": body["error"], "vendor": "acme", "route": "POST /v1/messages",
                    "reason": "upstream_unreachable"}
    assert_no_seeded_values(await resp.read(), orjson.dumps(proxy.audit_lines()))


async def test_slow_vendor_is_504(start_proxy: ProxyFactory, vendor: RecordingVendor) -> None:
    async def slow(_: web.Request, received: ReceivedRequest) -> web.StreamResponse:
        await asyncio.sleep(2)
        return web.json_response({"id": "late"})

    vendor.responder = slow
    proxy = await start_proxy({"acme": CONTRACT}, upstream=vendor.url,
                              proxy_yaml="limits:\n  upstream_timeout_s: 0.3\n")
    resp = await proxy.session.post(f"{proxy.url}/acme/v1/messages", json={"amount": 1})
    assert resp.status == 504
    assert (await resp.json())["reason"] == "upstream_timeout"


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (lambda: web.Response(body=f"<html>{EMAIL}</html>".encode(), content_type="text/html"),
         "upstream_unsupported_media_type"),
        (lambda: web.Response(body=f'{{"id": "{EMAIL}"'.encode(),
                              content_type="application/json"), "upstream_invalid_json"),
        (lambda: web.json_response({"id": "x" * 5000}), "upstream_response_too_large"),
    ],
    ids=["html", "broken-json", "too-large"],
)
async def test_unusable_vendor_answers_are_withheld_with_the_vendors_status(
    start_proxy: ProxyFactory, vendor: RecordingVendor, answer: object, reason: str
) -> None:
    # The vendor accepted the request: a 502 would make the caller retry (a second disclosure).
    # The caller gets the vendor's status, our error body and Proxy-Status; never the answer.
    async def respond(_: web.Request, received: ReceivedRequest) -> web.StreamResponse:
        return answer()  # type: ignore[operator]

    vendor.responder = respond
    proxy = await start_proxy({"acme": CONTRACT}, upstream=vendor.url,
                              proxy_yaml="limits:\n  max_response_bytes: 4096\n")
    resp = await proxy.session.post(f"{proxy.url}/acme/v1/messages", json={"amount": 1})
    assert resp.status == 200
    assert (await resp.json())["reason"] == reason
    assert resp.headers["Proxy-Status"] == f'privacy-proxy; details="answer withheld: {reason}"'
    [record] = proxy.audit.records
    assert (record["outcome"], record["reason"], record["vendor_status"]) == (
        "withheld", reason, 200)
    assert len(vendor.received) == 1
    assert_no_seeded_values(await resp.read(), orjson.dumps(proxy.audit_lines()))


async def test_health_and_readiness(start_proxy: ProxyFactory) -> None:
    proxy = await start_proxy({"acme": CONTRACT})
    resp = await proxy.session.get(f"{proxy.url}/_/healthz")
    assert resp.status == 200
    resp = await proxy.session.get(f"{proxy.url}/_/readyz")
    assert resp.status == 200 and (await resp.json())["ready"] is True
