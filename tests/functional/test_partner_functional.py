"""Partners pulling data: the partner listener in front of OUR API (proxy.exchange.partner).

"Our API" is a RecordingVendor answering rich customer/order objects; the partner calls the
partner listener with its API key. Real sockets, the real detection pool.
"""

from __future__ import annotations

import textwrap
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import orjson
import pytest
from aiohttp import web

from proxy.config.loader import LoadedConfig, load_config
from proxy.errors import ConfigError
from proxy.exchange.partner import build_partner_app, read_api_keys
from proxy.exchange.upstream import UpstreamClient
from proxy.observe.audit import MemorySink
from proxy.server.protocol import make_runner
from proxy.testing import ReceivedRequest, RecordingVendor
from recognizers import DetectionPool
from tests.conftest import REPO

pytestmark = pytest.mark.functional

KEY = "pk_live_7f3a9c1e5b2d4f6a8c0e"
OTHER_KEY = "pk_live_0000000000000000wrong"

PARTNER = """
partner: analytics
description: Order statistics for an analytics agency.
upstream: {upstream}
purposes: [analytics]
identity:
  api_keys: [{{env: PARTNER_TEST_KEY}}]
routes:
  - method: GET
    path: /v1/orders/{{id}}
    params: {{id: keep}}
    request:
      headers: [accept]
      query: [expand]
    response:
      body:
        id: keep
        status: keep
        totals.*: keep
        shipping_address.country: keep
        notes: redact
  - method: GET
    path: /v1/customers/{{id}}/export
    params: {{id: keep}}
"""

ORDER = {
    "id": "ord_1001",
    "status": "shipped",
    "totals": {"subtotal": 90.0, "tax": 9.0, "total": 99.0},
    "customer": {"name": "Maria Gonzalez", "email": "maria.gonzalez@example.com",
                 "phone": "+1 415 555 0134"},
    "shipping_address": {"name": "Maria Gonzalez", "street": "742 Evergreen Terrace",
                         "postal_code": "94110", "country": "US"},
    "notes": "Call Maria Gonzalez at maria.gonzalez@example.com before delivery.",
}
PII = [b"Maria", b"Gonzalez", b"maria.gonzalez@example.com", b"555 0134", b"Evergreen",
       b"94110"]


async def rich_responder(_: web.Request, received: ReceivedRequest) -> web.StreamResponse:
    return web.json_response(ORDER, headers={"X-Internal-Trace": "node-7", "Set-Cookie": "s=1"})


@dataclass
class PartnerProxy:
    url: str
    audit: MemorySink
    config: LoadedConfig
    session: aiohttp.ClientSession
    api: RecordingVendor

    async def get(self, path: str, key: str | None = KEY, **kw: object) -> aiohttp.ClientResponse:
        headers = dict(kw.pop("headers", {}) or {})  # type: ignore[call-overload]
        if key is not None:
            headers["X-Api-Key"] = key
        return await self.session.get(self.url + path, headers=headers, **kw)  # type: ignore[arg-type]


def write_partner(root: Path, text: str, name: str = "analytics") -> Path:
    (root / "partners").mkdir(parents=True, exist_ok=True)
    (root / "partners" / f"{name}.yaml").write_text(textwrap.dedent(text))
    return root


@pytest.fixture
async def partner_proxy(
    tmp_path: Path, detection_pool: DetectionPool, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Callable[..., Awaitable[PartnerProxy]]]:
    monkeypatch.setenv("PARTNER_TEST_KEY", KEY)
    cleanups: list[Callable[[], Awaitable[None]]] = []

    async def factory(text: str = PARTNER, audit: MemorySink | None = None) -> PartnerProxy:
        api = await RecordingVendor(responder=rich_responder).start()
        cleanups.append(api.stop)
        root = write_partner(tmp_path / f"cfg{len(cleanups)}", text.format(upstream=api.url))
        config = load_config(root)
        audit = audit if audit is not None else MemorySink()
        built = build_partner_app(
            config.partners, config.settings.partners, config.settings.limits, detection_pool,
            UpstreamClient(config.settings.limits), audit, None, config.version,
            own_upstream=True)
        runner = make_runner(built.app, config.settings.limits)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        cleanups.append(runner.cleanup)
        session = aiohttp.ClientSession()
        cleanups.append(session.close)
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return PartnerProxy(url=f"http://127.0.0.1:{port}", audit=audit, config=config,
                            session=session, api=api)

    yield factory
    for cleanup in reversed(cleanups):
        await cleanup()


async def test_allowed_route_passes_only_the_listed_response_fields(partner_proxy) -> None:
    p = await partner_proxy()
    resp = await p.get("/v1/orders/ord_1001?expand=items&customer_email=x@example.com",
                       headers={"Accept": "application/json", "X-Debug": "1"})
    assert resp.status == 200
    body = await resp.json()
    assert set(body) == {"id", "status", "totals", "shipping_address", "notes"}
    assert body["totals"] == ORDER["totals"]
    assert body["shipping_address"] == {"country": "US"}
    assert "Maria" not in body["notes"] and "example.com" not in body["notes"]
    assert "<PERSON>" in body["notes"] and "<EMAIL_ADDRESS>" in body["notes"]
    raw = await resp.read()
    for value in PII:
        assert value not in raw
    assert "X-Internal-Trace" not in resp.headers and "Set-Cookie" not in resp.headers
    # What our API received: the path, the allowed query only, no partner key, no stray header.
    [got] = p.api.received
    assert got.path == "/v1/orders/ord_1001"
    assert got.query_string == "expand=items"
    assert "x-api-key" not in got.headers and "x-debug" not in got.headers
    assert KEY.encode() not in p.api.all_bytes()


@pytest.mark.parametrize("key", [None, OTHER_KEY, "", KEY + "x", KEY[:-1]])
async def test_missing_or_wrong_key_is_401_and_nothing_is_forwarded(partner_proxy, key) -> None:
    p = await partner_proxy()
    resp = await p.get("/v1/orders/ord_1001", key=key)
    assert resp.status == 401
    assert await resp.json() == {"error": "unknown or missing partner credentials",
                                 "vendor": None, "route": None, "reason": "unknown_partner"}
    assert p.api.received == []
    [record] = p.audit.records
    assert record["reason"] == "unknown_partner" and record["status"] == 401
    assert record["direction"] == "inbound" and record["partner"] is None
    if key:
        assert key not in orjson.dumps(record).decode()


async def test_key_sent_twice_is_refused(partner_proxy) -> None:
    p = await partner_proxy()
    resp = await p.session.get(p.url + "/v1/orders/ord_1001",
                               headers=[("X-Api-Key", KEY), ("X-Api-Key", KEY)])
    assert resp.status == 401
    assert p.api.received == []


@pytest.mark.parametrize("method,path", [
    ("GET", "/v1/customers/cus_1"),          # not listed
    ("POST", "/v1/orders/ord_1001"),         # listed path, other method
    ("GET", "/analytics/v1/orders/ord_1"),   # no /{name}/ prefix on the partner listener
])
async def test_unlisted_route_is_404_and_nothing_is_forwarded(partner_proxy, method,
                                                              path) -> None:
    p = await partner_proxy()
    resp = await p.session.request(method, p.url + path, headers={"X-Api-Key": KEY})
    assert resp.status == 404
    body = await resp.json()
    assert body["reason"] == "unknown_route" and body["vendor"] == "analytics"
    assert p.api.received == []
    assert p.audit.records[0]["partner"] == "analytics"


async def test_errors_name_our_api_not_a_vendor(partner_proxy) -> None:
    p = await partner_proxy()
    await p.api.stop()  # our API is down

    resp = await p.get("/v1/orders/ord_1001")

    assert resp.status == 502
    body = await resp.json()
    assert body["reason"] == "upstream_unreachable"
    assert body["error"] == "the API could not be reached"
    assert p.audit.records[0]["reason"] == "upstream_unreachable"


class _FullDiskSink(MemorySink):
    def write(self, record: dict) -> None:
        if record.get("phase") == "intent":
            raise OSError(28, "No space left on device")
        super().write(record)


async def test_a_pull_without_an_audit_intent_is_refused(partner_proxy) -> None:
    """Partner pulls are disclosures too: no intent on record, nothing asked of our API."""
    p = await partner_proxy(audit=_FullDiskSink())
    resp = await p.get("/v1/orders/ord_1001")
    assert resp.status == 503 and (await resp.json())["reason"] == "audit_unavailable"
    assert p.api.received == []
    [record] = p.audit.records
    assert record["partner"] == "analytics" and record["reason"] == "audit_unavailable"


async def test_route_without_response_section_passes_no_body(partner_proxy) -> None:
    p = await partner_proxy()
    resp = await p.get("/v1/customers/cus_1/export")
    assert resp.status == 200
    assert await resp.read() == b""
    assert "X-Internal-Trace" not in resp.headers and "Set-Cookie" not in resp.headers
    assert len(p.api.received) == 1
    [record] = p.audit.records
    assert record["response"]["body_dropped"] is True
    assert record["bytes"]["to_client"] == 0
    assert any("no response section" in w for w in p.config.warnings)


async def test_audit_names_the_partner_without_key_or_pii(partner_proxy) -> None:
    p = await partner_proxy()
    assert (await p.get("/v1/orders/ord_1001")).status == 200
    assert (await p.get("/v1/orders/ord_1001", key=OTHER_KEY)).status == 401
    ok, refused = p.audit.records
    assert ok["partner"] == "analytics" and ok["vendor"] == "analytics"
    assert ok["direction"] == "inbound" and ok["route"] == "GET /v1/orders/{id}"
    assert "body:customer" in ok["response"]["dropped"]
    assert ok["response"]["transformed"] == {"body:notes": "redact"}
    text = orjson.dumps(p.audit.records)
    for secret in (KEY.encode(), OTHER_KEY.encode(), *PII):
        assert secret not in text
    assert refused["partner"] is None


async def test_missing_key_variable_is_named(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("PARTNER_TEST_KEY", raising=False)
    config = load_config(write_partner(tmp_path, PARTNER.format(upstream="http://127.0.0.1:9")))
    with pytest.raises(ConfigError) as exc:
        read_api_keys(config.partners)
    [line] = exc.value.problems
    assert "partner 'analytics': identity.api_keys[0]" in line
    assert "PARTNER_TEST_KEY" in line and str(tmp_path) in line
    with pytest.raises(ConfigError):
        build_partner_app(config.partners, config.settings.partners, config.settings.limits,
                          None, UpstreamClient(config.settings.limits), MemorySink(), None,  # type: ignore[arg-type]
                          config.version)


BAD_PARTNER = """
partner: analytics
upstream: http://127.0.0.1:9
identity: {api_keys: [{env: PARTNER_TEST_KEY}], tokens: [x]}
routes:
  - method: GET
    path: /v1/orders/{id}
    request: {headers: [x-api-key]}
    response: {body: {notes: redcat}}
"""


def test_bad_partner_file_names_file_partner_and_key(tmp_path: Path) -> None:
    write_partner(tmp_path, BAD_PARTNER)
    with pytest.raises(ConfigError) as exc:
        load_config(tmp_path)
    path = tmp_path / "partners" / "analytics.yaml"
    problems = exc.value.problems
    assert any(p.startswith(f"{path}: partner 'analytics': identity.tokens: unknown key")
               for p in problems), problems
    assert any(f"{path}: partner 'analytics': routes[0].response.body.notes.action: unknown "
               "action 'redcat'" in p for p in problems), problems


def test_partner_may_not_list_its_own_key_header(tmp_path: Path) -> None:
    write_partner(tmp_path, BAD_PARTNER.replace(", tokens: [x]", "").replace("redcat", "keep"))
    with pytest.raises(ConfigError) as exc:
        load_config(tmp_path)
    [problem] = exc.value.problems
    assert "routes[0].request.headers.x-api-key" in problem and "API key header" in problem


def test_sample_partner_checks_without_its_key(monkeypatch) -> None:
    monkeypatch.delenv("PARTNER_ANALYTICS_KEY", raising=False)
    config = load_config(REPO / "config")
    assert set(config.partners) == {"analytics_partner"}
    assert not config.warnings  # both sample routes have a response section


def _make_certs(root: Path) -> dict[str, Path]:
    """A CA, a server certificate for 127.0.0.1 and a client certificate per CN."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.UTC)
    out: dict[str, Path] = {}

    def write(name: str, cert: x509.Certificate, key: ec.EllipticCurvePrivateKey) -> None:
        (root / f"{name}.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        (root / f"{name}.key").write_bytes(key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()))
        out[name] = root / f"{name}.pem"
        out[name + "_key"] = root / f"{name}.key"

    def build(cn: str, issuer: x509.Name, issuer_key, ca: bool = False, san=None):
        key = ec.generate_private_key(ec.SECP256R1())
        builder = (x509.CertificateBuilder()
                   .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)]))
                   .issuer_name(issuer).public_key(key.public_key())
                   .serial_number(x509.random_serial_number())
                   .not_valid_before(now - datetime.timedelta(minutes=1))
                   .not_valid_after(now + datetime.timedelta(days=1))
                   .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
        if san is not None:
            builder = builder.add_extension(x509.SubjectAlternativeName(san), critical=False)
        return builder.sign(issuer_key or key, hashes.SHA256()), key

    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test Partner CA")])
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
               .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(minutes=1))
               .not_valid_after(now + datetime.timedelta(days=1))
               .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
               .sign(ca_key, hashes.SHA256()))
    write("ca", ca_cert, ca_key)
    cert, key = build("127.0.0.1", ca_name, ca_key,
                      san=[x509.IPAddress(ipaddress.ip_address("127.0.0.1"))])
    write("server", cert, key)
    for cn in ("analytics.partner.example", "stranger.example"):
        cert, key = build(cn, ca_name, ca_key)
        write(cn, cert, key)
    return out


async def test_mtls_client_certificate_identifies_the_partner(
    tmp_path: Path, detection_pool: DetectionPool, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ssl

    from proxy.contract.settings import PartnerSettings
    from proxy.exchange.partner import server_ssl_context

    monkeypatch.setenv("PARTNER_TEST_KEY", KEY)
    certs = _make_certs(tmp_path)
    api = await RecordingVendor(responder=rich_responder).start()
    text = PARTNER.format(upstream=api.url).replace(
        "api_keys: [{env: PARTNER_TEST_KEY}]",
        "client_cert_names: [analytics.partner.example]")
    config = load_config(write_partner(tmp_path / "cfg", text))
    settings = PartnerSettings(enabled=True, tls={
        "cert_file": str(certs["server"]), "key_file": str(certs["server_key"]),
        "client_ca_file": str(certs["ca"])})
    audit = MemorySink()
    built = build_partner_app(config.partners, settings, config.settings.limits, detection_pool,
                              UpstreamClient(config.settings.limits), audit, None,
                              config.version, own_upstream=True)
    runner = make_runner(built.app, config.settings.limits)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=server_ssl_context(settings))
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    url = f"https://127.0.0.1:{port}/v1/orders/ord_1001"
    try:
        statuses = {}
        for cn in ("analytics.partner.example", "stranger.example"):
            client = ssl.create_default_context(cafile=str(certs["ca"]))
            client.load_cert_chain(str(certs[cn]), str(certs[cn + "_key"]))
            async with aiohttp.ClientSession() as session, session.get(url, ssl=client) as resp:
                statuses[cn] = resp.status
                if resp.status == 200:
                    assert (await resp.json())["shipping_address"] == {"country": "US"}
        assert statuses == {"analytics.partner.example": 200, "stranger.example": 401}
        assert len(api.received) == 1
        assert [r.get("partner") for r in audit.records] == ["analytics", None]
        # Without a client certificate the TLS handshake itself fails.
        no_cert = ssl.create_default_context(cafile=str(certs["ca"]))
        async with aiohttp.ClientSession() as session:
            with pytest.raises(aiohttp.ClientError):
                async with session.get(url, ssl=no_cert) as resp:
                    await resp.read()
        assert len(api.received) == 1
    finally:
        await runner.cleanup()
        await api.stop()


async def test_partner_contracts_reload(tmp_path: Path, detection_pool: DetectionPool,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """A reload swaps the partner set: a removed route is refused, a new key is honoured."""
    from proxy.server.reload import fingerprint

    monkeypatch.setenv("PARTNER_TEST_KEY", KEY)
    api = await RecordingVendor(responder=rich_responder).start()
    root = write_partner(tmp_path / "cfg", PARTNER.format(upstream=api.url))
    config = load_config(root)
    built = build_partner_app(
        config.partners, config.settings.partners, config.settings.limits, detection_pool,
        UpstreamClient(config.settings.limits), MemorySink(), None, config.version,
        own_upstream=True)
    runner = make_runner(built.app, config.settings.limits)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"  # type: ignore[union-attr]
    try:
        async with aiohttp.ClientSession() as session:
            resp = await session.get(f"{url}/v1/orders/ord_1", headers={"X-Api-Key": KEY})
            assert resp.status == 200
            before = fingerprint(root)
            narrowed = PARTNER.split("  - method: GET\n    path: /v1/customers")[0].replace(
                "/v1/orders/{{id}}", "/v1/orders/{{id}}/status")
            write_partner(root, narrowed.format(upstream=api.url))
            assert fingerprint(root) != before  # the reloader's poll sees partner files
            monkeypatch.setenv("PARTNER_TEST_KEY", OTHER_KEY)
            new = load_config(root)
            assert built.reload is not None
            built.reload(new.partners, new.version)
            resp = await session.get(f"{url}/v1/orders/ord_1", headers={"X-Api-Key": OTHER_KEY})
            assert resp.status == 404
            resp = await session.get(f"{url}/v1/orders/ord_1/status", headers={"X-Api-Key": KEY})
            assert resp.status == 401  # the old key no longer identifies anyone
            resp = await session.get(f"{url}/v1/orders/ord_1/status",
                                     headers={"X-Api-Key": OTHER_KEY})
            assert resp.status == 200
            assert [r.path for r in api.received] == ["/v1/orders/ord_1", "/v1/orders/ord_1/status"]
    finally:
        await runner.cleanup()
        await api.stop()


def test_reload_refuses_partner_keys_it_cannot_read(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from proxy.tools.cli import partner_key_problems

    monkeypatch.setenv("PARTNER_TEST_KEY", KEY)
    root = write_partner(tmp_path / "cfg", PARTNER.format(upstream="http://127.0.0.1:9"))
    (root / "proxy.yaml").write_text("partners: {enabled: true}\n")
    running = load_config(root)
    assert partner_key_problems(running, running) == []
    monkeypatch.delenv("PARTNER_TEST_KEY")
    [problem] = partner_key_problems(running, load_config(root))
    assert "PARTNER_TEST_KEY" in problem
