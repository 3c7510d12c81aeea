"""Every carrier besides JSON and form bodies, end to end through real sockets.

Compressed bodies (both directions), headers and cookies with actions, credentials held by the
proxy, path parameters, plain text and multipart bodies. Each case asserts what the vendor
received, what the caller got and the audit record, and that seeded values appear nowhere else.
"""

from __future__ import annotations

import base64
import gzip
import logging
import zlib
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path

import brotli
import orjson
import pytest
from aiohttp import FormData, web
from backports import zstd

from proxy.config.loader import load_config
from proxy.enforce.transforms import Pseudonymizer
from proxy.errors import ConfigError
from proxy.exchange.credentials import CredentialStore
from proxy.testing import ReceivedRequest, RecordingVendor
from tests.conftest import PSEUDONYMIZE_KEY, ProxyFactory, write_config
from tests.functional.raw_http import raw_request

pytestmark = pytest.mark.functional

NAME = "Jolene Brightwater"
EMAIL = "jolene.brightwater@example.com"
PHONE = "+14155552671"
SSN = "078-05-1120"
USER_ID = "user-77aa91"
CLIENT_IP = "203.0.113.77"
SECRET_KEY = "sk_live_51Hq9ZSECRETabcdefghijklmnop"
CALLER_KEY = "caller-held-key-0042"
SEEDED = [NAME, "Brightwater", EMAIL, PHONE, "4155552671", SSN, USER_ID, CLIENT_IP, SECRET_KEY,
          CALLER_KEY]


def assert_clean(*texts: str | bytes, extra: tuple[str, ...] = ()) -> None:
    for text in texts:
        blob = text.decode(errors="replace") if isinstance(text, bytes) else text
        for value in [*SEEDED, *extra]:
            assert value not in blob, f"a seeded value leaked: {value[:4]}..."


def psn(vendor: str, value: str) -> str:
    return Pseudonymizer(PSEUDONYMIZE_KEY.encode()).pseudonymize(vendor, value)


# --- compressed bodies -------------------------------------------------------------------------

ZIP = """
vendor: zipped
upstream: https://api.zipped.example
routes:
  - method: POST
    path: /v1/events
    request:
      body:
        event: keep
        note: redact
    response:
      body:
        id: keep
  - method: POST
    path: /v1/raw
    request:
      body:
        event: keep
"""
EVENT = orjson.dumps({"event": "signup", "note": f"from {NAME}", "email": EMAIL})


def _raw_deflate(data: bytes) -> bytes:
    c = zlib.compressobj(wbits=-15)
    return c.compress(data) + c.flush()


@pytest.mark.parametrize(("coding", "body"), [
    ("gzip", gzip.compress(EVENT)),
    ("deflate", zlib.compress(EVENT)),
    ("deflate", _raw_deflate(EVENT)),
    ("br", brotli.compress(EVENT)),
    ("zstd", zstd.compress(EVENT)),
    ("gzip, br", brotli.compress(gzip.compress(EVENT))),
], ids=["gzip", "deflate", "raw-deflate", "br", "zstd", "gzip-then-br"])
async def test_compressed_request_is_decoded_checked_and_sent_plain(
    start_proxy: ProxyFactory, vendor: RecordingVendor, coding: str, body: bytes
) -> None:
    proxy = await start_proxy({"zipped": ZIP}, upstream=vendor.url)
    resp = await proxy.session.post(f"{proxy.url}/zipped/v1/events", data=body, headers={
        "Content-Type": "application/json", "Content-Encoding": coding})
    assert resp.status == 200
    received = vendor.received[0]
    assert "content-encoding" not in received.headers
    assert received.json() == {"event": "signup", "note": "from <PERSON>"}
    assert int(received.headers["content-length"]) == len(received.body)
    [record] = proxy.audit_lines()
    assert record["bytes"]["from_client"] == len(body)
    assert "body:email" in record["request"]["dropped"]
    assert_clean(vendor.all_bytes(), orjson.dumps(record))


@pytest.mark.parametrize(("coding", "body", "status", "reason"), [
    ("gzip", gzip.compress(b'{"event": "' + b" " * 3_000_000 + b'"}'), 413,
     "decompressed_body_too_large"),
    ("br", brotli.compress(b"[" + b"0," * 400_000 + b"0]"), 413, "decompressed_body_too_large"),
    ("gzip", gzip.compress(EVENT)[:-6], 400, "invalid_content_encoding"),
    ("gzip", gzip.compress(EVENT) + b"trailing", 400, "invalid_content_encoding"),
    ("br", b"\x1b\xff corrupt", 400, "invalid_content_encoding"),
    ("gzip", EVENT, 400, "invalid_content_encoding"),  # the label lies
    ("compress", EVENT, 415, "unsupported_content_encoding"),
    ("gzip, gzip, gzip", gzip.compress(gzip.compress(gzip.compress(EVENT))), 415,
     "unsupported_content_encoding"),
], ids=["gzip-bomb", "br-bomb", "truncated", "trailing-bytes", "corrupt-br", "label-lies",
        "unknown", "three-layers"])
async def test_bad_compressed_request_is_refused(
    start_proxy: ProxyFactory, vendor: RecordingVendor, caplog: pytest.LogCaptureFixture,
    coding: str, body: bytes, status: int, reason: str,
) -> None:
    caplog.set_level(logging.DEBUG)
    proxy = await start_proxy({"zipped": ZIP}, upstream=vendor.url,
                              proxy_yaml="limits:\n  max_body_bytes: 100000\n")
    resp = await proxy.session.post(f"{proxy.url}/zipped/v1/events", data=body, headers={
        "Content-Type": "application/json", "Content-Encoding": coding})
    assert resp.status == status
    assert (await resp.json())["reason"] == reason
    assert vendor.received == []
    [record] = proxy.audit_lines()
    assert record["reason"] == reason
    assert_clean(await resp.read(), orjson.dumps(record), caplog.text)


async def test_compressed_answers_reach_the_caller_decoded_without_encoding_header(
    start_proxy: ProxyFactory, vendor: RecordingVendor
) -> None:
    async def answer(request: web.Request, received: ReceivedRequest) -> web.StreamResponse:
        data = orjson.dumps({"id": "ev_1", "email": EMAIL})
        coding = "br" if request.path.endswith("raw") else "gzip"
        payload = brotli.compress(data) if coding == "br" else gzip.compress(data)
        return web.Response(body=payload, content_type="application/json",
                            headers={"Content-Encoding": coding})

    vendor.responder = answer
    proxy = await start_proxy({"zipped": ZIP}, upstream=vendor.url)
    resp = await proxy.session.post(f"{proxy.url}/zipped/v1/events", json={"event": "x"},
                                    auto_decompress=False)
    assert resp.status == 200 and "Content-Encoding" not in resp.headers
    assert await resp.read() == b'{"id":"ev_1"}'
    # Without a response section the body passes unchanged, decoded, still without the label.
    resp = await proxy.session.post(f"{proxy.url}/zipped/v1/raw", json={"event": "x"},
                                    auto_decompress=False)
    assert resp.status == 200 and "Content-Encoding" not in resp.headers
    assert orjson.loads(await resp.read()) == {"id": "ev_1", "email": EMAIL}
    assert "content-encoding" not in vendor.received[0].headers  # nothing asked for compression


@pytest.mark.parametrize(("coding", "payload", "reason"), [
    ("gzip", gzip.compress(b'{"id": "' + b"x" * 200_000 + b'"}'), "upstream_response_too_large"),
    ("gzip, br", brotli.compress(gzip.compress(b'{"id": "x"}')),
     "upstream_unsupported_content_encoding"),
    ("compress", b'{"id": "x"}', "upstream_unsupported_content_encoding"),
], ids=["bomb", "stacked", "unknown"])
async def test_unusable_compressed_answers_are_withheld(
    start_proxy: ProxyFactory, vendor: RecordingVendor, coding: str, payload: bytes, reason: str
) -> None:
    # The vendor answered 200: its status stands (no 5xx inviting a retry), its body does not.
    async def answer(_: web.Request, received: ReceivedRequest) -> web.StreamResponse:
        return web.Response(body=payload, content_type="application/json",
                            headers={"Content-Encoding": coding})

    vendor.responder = answer
    proxy = await start_proxy({"zipped": ZIP}, upstream=vendor.url,
                              proxy_yaml="limits:\n  max_response_bytes: 4096\n")
    for path in ("/zipped/v1/events", "/zipped/v1/raw"):
        resp = await proxy.session.post(proxy.url + path, json={"event": "x"})
        assert resp.status == 200 and "answer withheld" in resp.headers["Proxy-Status"]
        assert (await resp.json())["reason"] == reason
    assert [r["outcome"] for r in proxy.audit.records] == ["withheld", "withheld"]


# --- headers and cookies ----------------------------------------------------------------------

HEADERS = """
vendor: analytics
upstream: https://api.analytics.example
routes:
  - method: POST
    path: /v1/track
    request:
      headers:
        x-trace: keep
        x-user-id: pseudonymize
        x-forwarded-for: {action: generalize, to: ip_network}
      cookies:
        sid: pseudonymize
        theme: keep
      body:
        event: keep
    response:
      headers: [x-vendor-id]
      cookies:
        vendor_session: pseudonymize
        consent: keep
      body:
        ok: keep
"""


@pytest.mark.parametrize(("forwarded", "network"), [
    (f"{CLIENT_IP}, 10.0.0.1, 10.0.0.2", "203.0.113.0/24"),
    (f"{CLIENT_IP}:5050", "203.0.113.0/24"),
    ("[2001:db8:85a3::8a2e:370:7334]:443, 10.0.0.1", "2001:db8:85a3::/48"),
])
async def test_headers_and_cookies_take_actions(
    start_proxy: ProxyFactory, vendor: RecordingVendor, forwarded: str, network: str
) -> None:
    async def answer(_: web.Request, received: ReceivedRequest) -> web.StreamResponse:
        resp = web.json_response({"ok": True, "email": EMAIL}, headers={"X-Vendor-Id": "v1"})
        resp.headers.add("Set-Cookie", f"vendor_session={USER_ID}; Path=/; HttpOnly")
        resp.headers.add("Set-Cookie", "consent=yes; Max-Age=3600")
        resp.headers.add("Set-Cookie", f"tracker={EMAIL}; Path=/")
        return resp

    vendor.responder = answer
    proxy = await start_proxy({"analytics": HEADERS}, upstream=vendor.url)
    resp = await proxy.session.post(
        f"{proxy.url}/analytics/v1/track", json={"event": "view", "email": EMAIL},
        headers={"X-Trace": "t-1", "X-User-Id": USER_ID, "X-Forwarded-For": forwarded,
                 "Cookie": f"sid={USER_ID}; theme=dark; tracking={EMAIL}; flag",
                 "X-Real-IP": CLIENT_IP})
    assert resp.status == 200
    received = vendor.received[0]
    assert received.headers["x-trace"] == "t-1"
    assert received.headers["x-user-id"] == psn("analytics", USER_ID)
    assert received.headers["x-forwarded-for"] == network
    assert received.headers["cookie"] == f"sid={psn('analytics', USER_ID)}; theme=dark"
    assert "x-real-ip" not in received.headers
    assert received.json() == {"event": "view"}
    assert resp.headers.getall("Set-Cookie") == [
        f"vendor_session={psn('analytics', USER_ID)}; Path=/; HttpOnly",
        "consent=yes; Max-Age=3600"]
    assert resp.headers["X-Vendor-Id"] == "v1"
    assert await resp.json() == {"ok": True}
    assert_clean(vendor.all_bytes(), "\n".join(resp.headers.getall("Set-Cookie")))

    [record] = proxy.audit_lines()
    req = record["request"]
    assert req["transformed"]["header:x-user-id"] == "pseudonymize"
    assert req["transformed"]["header:x-forwarded-for"] == "generalize"
    assert req["transformed"]["cookie:sid"] == "pseudonymize"
    assert "cookie:theme" in req["kept"]
    assert {"cookie:tracking", "cookie:<unnamed>", "header:x-real-ip"} <= set(req["dropped"])
    assert "cookie:tracker" in record["response"]["dropped"]
    assert_clean(orjson.dumps(record))


async def test_listed_cookie_sent_twice_is_refused(
    start_proxy: ProxyFactory, vendor: RecordingVendor
) -> None:
    proxy = await start_proxy({"analytics": HEADERS}, upstream=vendor.url)
    resp = await proxy.session.post(f"{proxy.url}/analytics/v1/track", json={"event": "v"},
                                    headers={"Cookie": f"sid=a; theme=dark; sid={USER_ID}"})
    assert resp.status == 400 and (await resp.json())["reason"] == "duplicate_cookie"
    assert vendor.received == []


FRAMING_LINES = ["content-length", "content-type", "host", "x-request-id"]


@pytest.mark.parametrize(("lines", "status", "reason", "forwarded"), [
    # Two Cookie lines are one cookie list: the listed cookies pass, in one rebuilt line.
    ([(b"Cookie", f"sid={USER_ID}; theme=dark".encode()), (b"Cookie", f"tracking={EMAIL}".encode())],
     200, None, [("cookie", f"sid={psn('analytics', USER_ID)}; theme=dark")]),
    # A listed cookie in each line: two values, and servers disagree on which one wins.
    ([(b"Cookie", b"sid=a"), (b"Cookie", f"sid={USER_ID}".encode())], 400, "duplicate_cookie", []),
    # A listed header twice, the second copy carrying PII: no copy passes.
    ([(b"X-Trace", b"t-1"), (b"X-Trace", EMAIL.encode())], 400, "duplicate_header", []),
    ([(b"X-User-Id", b"u-1"), (b"x-user-id", USER_ID.encode())], 400, "duplicate_header", []),
    ([(b"X-Forwarded-For", b"10.0.0.1"), (b"X-Forwarded-For", CLIENT_IP.encode())],
     400, "duplicate_header", []),
    # An unlisted header twice: both copies are dropped.
    ([(b"X-Real-IP", b"10.0.0.1"), (b"X-Real-IP", CLIENT_IP.encode())], 200, None, []),
], ids=["two-cookie-lines", "listed-cookie-in-two-lines", "listed-header-twice",
        "listed-header-twice-other-case", "generalized-header-twice", "unlisted-header-twice"])
async def test_repeated_header_lines(
    start_proxy: ProxyFactory, vendor: RecordingVendor, lines: list[tuple[bytes, bytes]],
    status: int, reason: str | None, forwarded: list[tuple[str, str]],
) -> None:
    proxy = await start_proxy({"analytics": HEADERS}, upstream=vendor.url)
    answer = await raw_request(proxy.url, "/analytics/v1/track", lines, b'{"event": "view"}')

    assert answer.status == status
    assert_clean(answer.body)
    [record] = proxy.audit_lines()
    assert_clean(orjson.dumps(record))
    if reason is not None:
        assert answer.json()["reason"] == reason and record["reason"] == reason
        assert vendor.received == []
        return
    [received] = vendor.received
    # Every line the vendor received, repeats included: framing, then what the contract allows.
    assert sorted(name for name, _ in received.header_lines) == sorted(
        FRAMING_LINES + [name for name, _ in forwarded])
    assert [line for line in received.header_lines if line[0] not in FRAMING_LINES] == forwarded
    assert_clean(vendor.all_bytes())


async def test_header_and_cookie_values_that_are_not_utf8_are_dropped(
    start_proxy: ProxyFactory, vendor: RecordingVendor
) -> None:
    # Was: pseudonymize answered 500 internal_error, keep forwarded the value with the bytes
    # silently removed (aiohttp's writer skips them).
    proxy = await start_proxy({"analytics": HEADERS}, upstream=vendor.url)
    lines = [(b"X-User-Id", USER_ID.encode() + b"\xff"), (b"X-Trace", b"t-\xe9\x80"),
             (b"Cookie", b"sid=" + USER_ID.encode() + b"\xfe; theme=dark")]
    answer = await raw_request(proxy.url, "/analytics/v1/track", lines, b'{"event": "view"}')

    assert answer.status == 200
    [received] = vendor.received
    assert [line for line in received.header_lines if line[0] not in FRAMING_LINES] == [
        ("cookie", "theme=dark")]
    assert_clean(vendor.all_bytes(), answer.body)
    [record] = proxy.audit_lines()
    assert {"header:x-user-id", "header:x-trace", "cookie:sid"} <= set(
        record["request"]["wrong_shape"])
    assert_clean(orjson.dumps(record))


async def test_unparseable_forwarded_for_is_dropped(
    start_proxy: ProxyFactory, vendor: RecordingVendor
) -> None:
    proxy = await start_proxy({"analytics": HEADERS}, upstream=vendor.url)
    resp = await proxy.session.post(f"{proxy.url}/analytics/v1/track", json={"event": "v"},
                                    headers={"X-Forwarded-For": f"unknown, {CLIENT_IP}"})
    assert resp.status == 200
    assert "x-forwarded-for" not in vendor.received[0].headers
    assert "header:x-forwarded-for" in proxy.audit_lines()[0]["request"]["wrong_shape"]


# --- credentials held by the proxy --------------------------------------------------------------

CREDENTIALS = """
vendor: keyed
upstream: https://api.keyed.example
credentials: {header: Authorization, scheme: Bearer, secret: {env: KEYED_TEST_API_KEY}}
routes:
  - method: POST
    path: /v1/bearer
    request:
      headers: [x-trace]
      body:
        event: keep
  - method: POST
    path: /v1/custom
    credentials: {header: X-Api-Key, secret: {file: SECRET_FILE}}
    request:
      body:
        event: keep
  - method: POST
    path: /v1/basic
    credentials:
      basic: {username: {env: KEYED_TEST_ACCOUNT}, password: {file: SECRET_FILE}}
    request:
      content_types: [form]
      body:
        Body: keep
  - method: POST
    path: /v1/field
    credentials: {field: auth.api_key, secret: {env: KEYED_TEST_API_KEY}}
    request:
      content_types: [form, json]
      body:
        event: keep
  - method: GET
    path: /v1/allowed
    credentials: {header: X-Api-Key, secret: {env: KEYED_TEST_API_KEY}}
    request:
      headers: [authorization]
"""


@pytest.fixture
def keyed_contract(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    secret_file = tmp_path / "keyed_secret"
    secret_file.write_text(SECRET_KEY + "\n")
    monkeypatch.setenv("KEYED_TEST_API_KEY", SECRET_KEY)
    monkeypatch.setenv("KEYED_TEST_ACCOUNT", "AC0001")
    return CREDENTIALS.replace("SECRET_FILE", str(secret_file))


async def test_the_proxy_injects_the_vendor_key_and_strips_the_callers(
    start_proxy: ProxyFactory, vendor: RecordingVendor, keyed_contract: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    proxy = await start_proxy({"keyed": keyed_contract}, upstream=vendor.url)
    caller = {"Authorization": f"Bearer {CALLER_KEY}", "X-Api-Key": CALLER_KEY}
    url = f"{proxy.url}/keyed/v1"
    assert (await proxy.session.post(url + "/bearer", json={"event": "e", "api_key": CALLER_KEY},
                                     headers=caller)).status == 200
    assert (await proxy.session.post(url + "/custom", json={"event": "e"},
                                     headers=caller)).status == 200
    assert (await proxy.session.post(url + "/basic", data={"Body": "hi", "api_key": CALLER_KEY},
                                     headers=caller)).status == 200
    assert (await proxy.session.post(url + "/field", data={"event": "e", "auth[api_key]": CALLER_KEY},
                                     headers=caller)).status == 200
    assert (await proxy.session.post(url + "/field", json={"event": "e"})).status == 200
    assert (await proxy.session.post(url + "/field")).status == 200  # no body: one is made
    assert (await proxy.session.get(url + "/allowed", headers=caller)).status == 200

    bearer, custom, basic, form_field, json_field, empty, allowed = vendor.received
    assert bearer.headers["authorization"] == f"Bearer {SECRET_KEY}"
    assert "x-api-key" not in bearer.headers and bearer.json() == {"event": "e"}
    assert custom.headers["x-api-key"] == SECRET_KEY and "authorization" not in custom.headers
    expected_basic = base64.b64encode(f"AC0001:{SECRET_KEY}".encode()).decode()
    assert basic.headers["authorization"] == f"Basic {expected_basic}"
    assert basic.body == b"Body=hi"
    assert form_field.body == f"event=e&auth[api_key]={SECRET_KEY}".encode()
    assert "authorization" not in form_field.headers
    assert json_field.json() == {"event": "e", "auth": {"api_key": SECRET_KEY}}
    assert empty.body == f"auth[api_key]={SECRET_KEY}".encode()
    assert empty.headers["content-type"] == "application/x-www-form-urlencoded"
    # A route may let the caller's own header through; the injected one is separate.
    assert allowed.headers["authorization"] == f"Bearer {CALLER_KEY}"
    assert allowed.headers["x-api-key"] == SECRET_KEY
    for received in vendor.received[:-1]:
        assert CALLER_KEY.encode() not in b"\n".join(
            [received.body, *(v.encode() for v in received.headers.values())])

    records = proxy.audit_lines()
    assert records[0]["request"]["transformed"]["header:authorization"] == "inject_credential"
    assert "header:authorization" in records[0]["request"]["dropped"]
    assert records[3]["request"]["transformed"]["body:auth.api_key"] == "inject_credential"
    audit_and_logs = orjson.dumps(records).decode() + caplog.text
    assert SECRET_KEY not in audit_and_logs and expected_basic not in audit_and_logs
    assert CALLER_KEY not in audit_and_logs


@pytest.mark.parametrize(("unset", "named"), [
    ("KEYED_TEST_API_KEY", "environment variable KEYED_TEST_API_KEY"),
    ("KEYED_TEST_ACCOUNT", "environment variable KEYED_TEST_ACCOUNT"),
    ("file", "keyed_secret"),
])
def test_a_missing_secret_is_a_config_error_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, keyed_contract: str, unset: str, named: str
) -> None:
    if unset == "file":
        (tmp_path / "keyed_secret").unlink()
    else:
        monkeypatch.delenv(unset)
    config = load_config(write_config(tmp_path / "cfg", {"keyed": keyed_contract}))
    with pytest.raises(ConfigError) as exc:
        CredentialStore.load(config.vendors.values())
    assert named in str(exc.value) and "keyed.yaml: vendor 'keyed'" in str(exc.value)
    assert SECRET_KEY not in str(exc.value)


# --- path parameters ----------------------------------------------------------------------------

PATHS = """
vendor: lookup
upstream: https://api.lookup.example
routes:
  - method: GET
    path: /v2/PhoneNumbers/{PhoneNumber}
    params: {PhoneNumber: pseudonymize}
  - method: GET
    path: /v1/customers/{id}/orders/{order}
  - method: GET
    path: /v1/networks/{ip}
    params: {ip: {action: generalize, to: ip_network}}
  - method: GET
    path: /v1/cards/{card}
    params: {card: {action: mask, keep_last: 4}}
"""


async def test_path_parameters_take_actions(
    start_proxy: ProxyFactory, vendor: RecordingVendor
) -> None:
    proxy = await start_proxy({"lookup": PATHS}, upstream=vendor.url)
    for path in ("/v2/PhoneNumbers/%2B14155552671", "/v1/customers/cus_1/orders/ord%201",
                 f"/v1/networks/{CLIENT_IP}", "/v1/cards/4111111111111111"):
        resp = await proxy.session.get(proxy.url + "/lookup" + path)
        assert resp.status == 200
    phone, order, network, card = (r.path for r in vendor.received)
    assert phone == "/v2/PhoneNumbers/" + psn("lookup", PHONE)
    assert order == "/v1/customers/cus_1/orders/ord%201"
    assert network == "/v1/networks/203.0.113.0%2F24"
    assert card == "/v1/cards/************1111"
    assert_clean(vendor.all_bytes(), extra=("4111111111111111",))
    records = proxy.audit_lines()
    assert records[0]["request"]["transformed"] == {"path:PhoneNumber": "pseudonymize"}
    assert_clean(orjson.dumps(records), extra=("4111111111111111",))


@pytest.mark.parametrize("value", [
    "jolene.brightwater%40example.com", "%2B14155552671", "(415)%20555-2671", "4155552671",
    "4111111111111111", "4111-1111-1111-1111", SSN, "ref-jolene.brightwater@example.com",
], ids=["email", "e164", "us-formatted", "us-digits", "card", "card-dashes", "ssn",
        "email-inside"])
async def test_unlisted_path_parameter_that_looks_like_pii_fails_closed(
    start_proxy: ProxyFactory, vendor: RecordingVendor, caplog: pytest.LogCaptureFixture,
    value: str,
) -> None:
    caplog.set_level(logging.DEBUG)
    proxy = await start_proxy({"lookup": PATHS}, upstream=vendor.url)
    resp = await proxy.session.get(f"{proxy.url}/lookup/v1/customers/{value}/orders/o_1")
    assert resp.status == 400
    assert (await resp.json())["reason"] == "pii_in_path"
    assert vendor.received == []
    [record] = proxy.audit_lines()
    assert record["reason"] == "pii_in_path"
    assert_clean(await resp.read(), orjson.dumps(record), caplog.text,
                 extra=("4111111111111111", "4111-1111", "555-2671"))


# --- plain text ---------------------------------------------------------------------------------

TEXT = """
vendor: notes
upstream: https://api.notes.example
routes:
  - method: POST
    path: /v1/notes
    request:
      content_types: [text, json]
      body:
        $text: redact
        note: keep
    response:
      content_types: [text]
      body:
        $text: {action: redact, entities: [EMAIL_ADDRESS]}
  - method: POST
    path: /v1/unlisted
    request:
      content_types: [text]
      body: {}
"""


async def test_plain_text_body_is_one_redacted_field(
    start_proxy: ProxyFactory, vendor: RecordingVendor
) -> None:
    async def answer(_: web.Request, received: ReceivedRequest) -> web.StreamResponse:
        return web.Response(text=f"Saved. Contact {EMAIL}.", content_type="text/plain")

    vendor.responder = answer
    proxy = await start_proxy({"notes": TEXT}, upstream=vendor.url)
    text = f"Call {NAME} at 212-555-0198 about the parcel."
    resp = await proxy.session.post(f"{proxy.url}/notes/v1/notes", data=text.encode(),
                                    headers={"Content-Type": "text/plain; charset=utf-8"})
    assert resp.status == 200
    received = vendor.received[0]
    assert received.headers["content-type"] == "text/plain; charset=utf-8"
    assert received.body == b"Call <PERSON> at <PHONE_NUMBER> about the parcel."
    assert await resp.text() == "Saved. Contact <EMAIL_ADDRESS>."
    [record] = proxy.audit_lines()
    assert record["request"]["transformed"] == {"body:$text": "redact"}
    assert record["response"]["entities"] == {"EMAIL_ADDRESS": 1}
    assert_clean(vendor.all_bytes(), orjson.dumps(record))

    # Not listed: default deny leaves an empty body.
    resp = await proxy.session.post(f"{proxy.url}/notes/v1/unlisted", data=text.encode(),
                                    headers={"Content-Type": "text/plain"})
    assert resp.status == 200 and vendor.received[1].body == b""
    assert "body:$text" in proxy.audit_lines()[1]["request"]["dropped"]


@pytest.mark.parametrize(("body", "content_type", "status", "reason"), [
    (b"caf\xe9 " + NAME.encode(), "text/plain", 400, "invalid_text"),
    (NAME.encode(), "text/plain; charset=iso-8859-1", 415, "unsupported_media_type"),
    (NAME.encode(), "text/html", 415, "unsupported_media_type"),
])
async def test_text_that_cannot_be_checked_is_refused(
    start_proxy: ProxyFactory, vendor: RecordingVendor,
    body: bytes, content_type: str, status: int, reason: str,
) -> None:
    proxy = await start_proxy({"notes": TEXT}, upstream=vendor.url)
    resp = await proxy.session.post(f"{proxy.url}/notes/v1/notes", data=body,
                                    headers={"Content-Type": content_type})
    assert resp.status == status and (await resp.json())["reason"] == reason
    assert vendor.received == []


# --- multipart ----------------------------------------------------------------------------------

MULTIPART = """
vendor: tickets
upstream: https://api.tickets.example
routes:
  - method: POST
    path: /v1/tickets
    request:
      content_types: [multipart]
      body:
        subject: keep
        description: redact
      files:
        attachment: [application/pdf, image/png]
        screenshot: [image/png]
"""
PDF = b"%PDF-1.7\n% a tiny pdf\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


def parse_multipart(received: ReceivedRequest) -> list[tuple[str, str | None, str, bytes]]:
    """(name, filename, content type, payload) per part, parsed by the standard library."""
    head = f"Content-Type: {received.headers['content-type']}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + received.body)
    parts = []
    for part in message.iter_parts():
        parts.append((part.get_param("name", header="content-disposition"), part.get_filename(),
                      part.get_content_type(), part.get_payload(decode=True)))
    return parts


async def test_multipart_parts_are_governed_by_name_and_files_by_type(
    start_proxy: ProxyFactory, vendor: RecordingVendor
) -> None:
    proxy = await start_proxy({"tickets": MULTIPART}, upstream=vendor.url)
    form = FormData()
    form.add_field("subject", "Broken parcel")
    form.add_field("description", f"{NAME} says the parcel arrived broken")
    form.add_field("email", EMAIL)
    form.add_field("attachment", PDF, filename=f"{NAME} passport.pdf",
                   content_type="application/pdf")
    form.add_field("screenshot", PDF, filename="shot.png", content_type="image/png")  # lies
    form.add_field("extra", PNG, filename="x.png", content_type="image/png")
    resp = await proxy.session.post(f"{proxy.url}/tickets/v1/tickets", data=form)
    assert resp.status == 200
    received = vendor.received[0]
    assert received.headers["content-type"].startswith("multipart/form-data; boundary=proxy-")
    assert parse_multipart(received) == [
        ("subject", None, "text/plain", b"Broken parcel"),
        ("description", None, "text/plain", b"<PERSON> says the parcel arrived broken"),
        ("attachment", "file.pdf", "application/pdf", PDF),
    ]
    assert_clean(vendor.all_bytes())
    [record] = proxy.audit_lines()
    req = record["request"]
    assert {"body:subject", "body:attachment"} <= set(req["kept"])
    assert {"body:email", "body:screenshot", "body:extra"} <= set(req["dropped"])
    assert req["transformed"] == {"body:description": "redact"}
    assert_clean(orjson.dumps(record))


def _multipart(*parts: bytes, boundary: str = "XyZ") -> bytes:
    out = b"".join(b"--" + boundary.encode() + b"\r\n" + p + b"\r\n" for p in parts)
    return out + b"--" + boundary.encode() + b"--\r\n"


SUBJECT = b'Content-Disposition: form-data; name="subject"\r\n\r\nhello'


@pytest.mark.parametrize(("body", "status", "reason"), [
    (_multipart(SUBJECT, b'Content-Disposition: form-data; name="attachment"; '
                b'filename="a.pdf"\r\nContent-Type: application/pdf\r\n'
                b"Content-Transfer-Encoding: base64\r\n\r\n" + base64.b64encode(PDF)),
     415, "unsupported_part_encoding"),
    (_multipart(SUBJECT, b'Content-Disposition: form-data; name="attachment"\r\n'
                b"Content-Type: multipart/mixed; boundary=inner\r\n\r\n"
                b"--inner\r\n\r\nx\r\n--inner--"), 415, "nested_multipart"),
    (_multipart(SUBJECT, SUBJECT), 400, "invalid_multipart"),
    (_multipart(b"Content-Disposition: form-data; name*=UTF-8''subject\r\n\r\nx"), 400,
     "invalid_multipart"),
    (_multipart(b'Content-Disposition: form-data; name="sub\\"ject"\r\n\r\nx'), 400,
     "invalid_multipart"),
    (_multipart(b'Content-Disposition: attachment; name="subject"\r\n\r\nx'), 400,
     "invalid_multipart"),
    (_multipart(b'Content-Disposition: form-data; name="subject"\r\n\r\n\xff\xfe'), 400,
     "invalid_multipart"),
    (b"--XyZ\r\n" + SUBJECT, 400, "invalid_multipart"),
    (_multipart(SUBJECT, boundary="other"), 400, "invalid_multipart"),
], ids=["base64-part", "nested", "duplicate-name", "rfc2231-name", "escaped-quote",
        "not-form-data", "invalid-utf8", "unterminated", "wrong-boundary"])
async def test_multipart_that_cannot_be_checked_is_refused(
    start_proxy: ProxyFactory, vendor: RecordingVendor, body: bytes, status: int, reason: str
) -> None:
    proxy = await start_proxy({"tickets": MULTIPART}, upstream=vendor.url)
    resp = await proxy.session.post(f"{proxy.url}/tickets/v1/tickets", data=body, headers={
        "Content-Type": "multipart/form-data; boundary=XyZ"})
    assert resp.status == status
    assert (await resp.json())["reason"] == reason
    assert vendor.received == []
