"""Vendor credentials the proxy holds (proxy.exchange.credentials): what goes where, and when not.

Covers the vendor-wide credential and a route's own one, headers with and without a scheme,
basic auth, a body field, secrets from the environment and from files, missing or unusable
secrets (a ConfigError naming where it looked, never the value), the audit naming the path only,
and, through the exchange handler with a fake upstream, that the caller's own credential header
is replaced or not passed on at all.
"""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
from aiohttp.test_utils import TestClient

from proxy.config.loader import LoadedConfig, load_config
from proxy.contract.routing import CompiledRoute, Router
from proxy.enforce.report import MessageReport
from proxy.errors import ConfigError
from proxy.exchange.credentials import INJECTED, Credential, CredentialStore
from proxy.exchange.handler import ExchangeHandler
from proxy.exchange.upstream import UpstreamResponse
from proxy.observe.audit import MemorySink
from tests.conftest import write_config
from tests.proxy.exchange.fakes import NoDetection, json_answer, serve

MAILER_KEY = "mk_live_7Hq2xV9pLm4R"
LEGACY_KEY = "legacy-Zt81Qw"
FORM_KEY = "fk-Ub6Yr0"
CALLER_TOKEN = "caller-own-token-55aa"
SECRETS = (MAILER_KEY, LEGACY_KEY, FORM_KEY, CALLER_TOKEN)

MAILER = """
vendor: mailer
upstream: https://api.mailer.example
credentials: {secret: {env: TEST_MAILER_KEY}, header: Authorization, scheme: Bearer}
routes:
  - method: POST
    path: /v1/send
    request: {body: {to: keep}}
  - method: POST
    path: /v1/legacy
    credentials: {secret: {env: TEST_LEGACY_KEY}, header: X-Api-Key}
    request:
      headers: [authorization]
      body: {to: keep}
  - method: POST
    path: /v1/form
    credentials: {secret: {file: FORM_FILE}, field: auth.key}
    request: {body: {to: keep}}
"""
PLAIN = """
vendor: plain
upstream: https://api.plain.example
routes:
  - method: POST
    path: /v1/x
    request: {body: {to: keep}}
"""
BASIC = """
vendor: basic
upstream: https://api.basic.example
credentials:
  basic: {username: {env: TEST_BASIC_USER}, password: {env: TEST_BASIC_PASS}}
routes:
  - method: GET
    path: /v1/x
"""


@pytest.fixture
def secrets_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("TEST_MAILER_KEY", MAILER_KEY)
    monkeypatch.setenv("TEST_LEGACY_KEY", LEGACY_KEY)
    form_file = tmp_path / "form.key"
    form_file.write_text(FORM_KEY + "\n")  # a trailing newline of a file is not part of it
    return form_file


def config(tmp_path: Path, form_file: Path, **contracts: str) -> LoadedConfig:
    texts = {n: t.replace("FORM_FILE", str(form_file)) for n, t in contracts.items()}
    return load_config(write_config(tmp_path / "cfg", texts))


def route(loaded: LoadedConfig, vendor: str, path: str) -> CompiledRoute:
    return next(r for r in loaded.vendors[vendor].routes if r.template.text == path)


def problems_of(loaded: LoadedConfig) -> list[str]:
    with pytest.raises(ConfigError) as info:
        CredentialStore.load(loaded.vendors.values())
    text = "\n".join(info.value.problems)
    assert not any(s in text for s in SECRETS), "a secret value is in the error"
    return info.value.problems


def test_vendor_credential_applies_to_routes_without_their_own(
    tmp_path: Path, secrets_env: Path
) -> None:
    loaded = config(tmp_path, secrets_env, mailer=MAILER, plain=PLAIN)
    store = CredentialStore.load(loaded.vendors.values())
    send = store.for_route(route(loaded, "mailer", "/v1/send"))
    legacy = store.for_route(route(loaded, "mailer", "/v1/legacy"))
    form = store.for_route(route(loaded, "mailer", "/v1/form"))
    assert send == Credential(header="authorization", header_value=f"Bearer {MAILER_KEY}")
    assert legacy == Credential(header="x-api-key", header_value=LEGACY_KEY)
    assert form == Credential(field_path=("auth", "key"), field_value=FORM_KEY)
    assert store.for_route(route(loaded, "plain", "/v1/x")) is None
    assert repr(store) == "CredentialStore(3 routes)"
    assert not any(s in repr(c) for c in (send, legacy, form) for s in SECRETS)


def test_basic_auth_is_built_from_two_secrets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEST_BASIC_USER", "svc-user")
    monkeypatch.setenv("TEST_BASIC_PASS", "pw-9f8e")
    loaded = load_config(write_config(tmp_path / "cfg", {"basic": BASIC}))
    credential = CredentialStore.load(loaded.vendors.values()).for_route(
        route(loaded, "basic", "/v1/x"))
    assert credential is not None and credential.header == "authorization"
    assert credential.header_value == "Basic " + base64.b64encode(b"svc-user:pw-9f8e").decode()


@pytest.mark.parametrize(("user", "password", "expected"), [
    (None, "pw", ["basic.username: environment variable TEST_BASIC_USER is not set or empty"]),
    ("a:b", "pw", ["basic.username: a basic-auth user name cannot contain ':'"]),
    ("user", "has space", ["basic.password: the secret in environment variable "
                           "TEST_BASIC_PASS must be printable ASCII without spaces"]),
])
def test_unusable_basic_auth_secrets_are_config_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, user: str | None, password: str,
    expected: list[str],
) -> None:
    monkeypatch.delenv("TEST_BASIC_USER", raising=False)
    if user is not None:
        monkeypatch.setenv("TEST_BASIC_USER", user)
    monkeypatch.setenv("TEST_BASIC_PASS", password)
    loaded = load_config(write_config(tmp_path / "cfg", {"basic": BASIC}))
    problems = problems_of(loaded)
    assert len(problems) == len(expected)
    for problem, want in zip(problems, expected, strict=True):
        assert "vendor 'basic': credentials." in problem and want in problem


def test_every_missing_secret_is_listed_with_its_route(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TEST_MAILER_KEY", raising=False)
    monkeypatch.setenv("TEST_LEGACY_KEY", LEGACY_KEY)
    missing_file = tmp_path / "absent.key"
    problems = problems_of(config(tmp_path, missing_file, mailer=MAILER))
    assert len(problems) == 2
    assert "vendor 'mailer': credentials.secret: environment variable TEST_MAILER_KEY" \
        in problems[0] and "set it before starting" in problems[0]
    assert "routes[2].credentials.secret: secret file " + str(missing_file) in problems[1]


def test_a_secret_that_is_not_printable_ascii_is_refused(
    tmp_path: Path, secrets_env: Path
) -> None:
    secrets_env.write_bytes("clé secrète".encode())
    [problem] = problems_of(config(tmp_path, secrets_env, mailer=MAILER))
    assert f"file {secrets_env} must be printable ASCII without spaces" in problem


def test_injection_reports_the_path_never_the_value() -> None:
    report = MessageReport()
    headers: dict[str, str] = {"authorization": CALLER_TOKEN}
    Credential(header="authorization", header_value="Bearer k").inject_headers(headers, report)
    assert headers == {"authorization": "Bearer k"}
    document: dict[str, Any] = {"auth": "not an object", "to": "x"}
    assert Credential(field_path=("auth", "key"), field_value="v").inject_field(document, report)
    assert document == {"auth": {"key": "v"}, "to": "x"}
    assert report.transformed == {"header:authorization": INJECTED, "body:auth.key": INJECTED}
    assert Credential(field_path=("k",), field_value="v").inject_field([1], report) is False
    assert Credential(header="x").inject_field([1], report) is True  # nothing to inject


class FakeUpstream:
    """Records what would reach the vendor; answers 200 with an empty JSON object."""

    def __init__(self) -> None:
        self.sent: list[tuple[dict[str, str], bytes | None]] = []

    async def send(self, method: str, url: Any, query: Any, headers: dict[str, str],
                   body: bytes | None) -> UpstreamResponse:
        self.sent.append((dict(headers), body))
        return json_answer()


Exchange = Callable[[LoadedConfig], Awaitable[tuple[TestClient, FakeUpstream, MemorySink]]]


@pytest.fixture
async def exchange() -> AsyncIterator[Exchange]:
    clients: list[TestClient] = []

    async def make(loaded: LoadedConfig) -> tuple[TestClient, FakeUpstream, MemorySink]:
        upstream, sink = FakeUpstream(), MemorySink()
        # No ``credentials=``: the steps read the secrets themselves (as build_app's would).
        handler = ExchangeHandler(router=Router(loaded.vendors), limits=loaded.settings.limits,
                                  detector=NoDetection(), upstream=upstream,  # type: ignore[arg-type]
                                  audit=sink, pseudonymizer=None, contract_version="v1")
        client = await serve(handler.handle)
        clients.append(client)
        return client, upstream, sink

    yield make
    for client in clients:
        await client.close()


def lowered(headers: dict[str, str]) -> dict[str, str]:
    return {k.lower(): v for k, v in headers.items()}


async def test_the_caller_credential_is_replaced_or_dropped_on_the_wire(
    exchange: Exchange, tmp_path: Path, secrets_env: Path
) -> None:
    client, upstream, sink = await exchange(config(tmp_path, secrets_env, mailer=MAILER,
                                                   plain=PLAIN))
    caller = {"Authorization": f"Bearer {CALLER_TOKEN}", "X-Api-Key": CALLER_TOKEN}
    for path in ("/mailer/v1/send", "/mailer/v1/legacy", "/mailer/v1/form", "/plain/v1/x"):
        resp = await client.post(path, json={"to": "a", "auth": CALLER_TOKEN}, headers=caller)
        assert resp.status == 200, path
    (send_h, send_b), (legacy_h, _), (form_h, form_b), (plain_h, _) = upstream.sent
    assert lowered(send_h)["authorization"] == f"Bearer {MAILER_KEY}"
    assert "x-api-key" not in lowered(send_h) and orjson.loads(send_b or b"") == {"to": "a"}
    # The legacy route lists Authorization: the caller's passes, the proxy's key goes alongside.
    assert lowered(legacy_h)["x-api-key"] == LEGACY_KEY
    assert lowered(legacy_h)["authorization"] == f"Bearer {CALLER_TOKEN}"
    assert orjson.loads(form_b or b"") == {"to": "a", "auth": {"key": FORM_KEY}}
    assert "authorization" not in lowered(form_h)  # route's own credential: no vendor header
    assert not {"authorization", "x-api-key"} & set(lowered(plain_h))
    records = orjson.dumps(sink.records).decode()
    assert not any(s in records for s in SECRETS), "a credential is in the audit records"
    assert sink.records[0]["request"]["transformed"] == {"header:authorization": INJECTED}
    assert sink.records[2]["request"]["transformed"] == {"body:auth.key": INJECTED}


async def test_a_field_credential_needs_an_object_body(
    exchange: Exchange, tmp_path: Path, secrets_env: Path
) -> None:
    client, upstream, sink = await exchange(config(tmp_path, secrets_env, mailer=MAILER))
    resp = await client.post("/mailer/v1/form", json=[{"to": "a"}])
    assert resp.status == 400
    assert (await resp.json())["reason"] == "unexpected_body_shape"
    assert upstream.sent == []
    resp = await client.post("/mailer/v1/form")  # no body: one is started for the credential
    assert resp.status == 200
    assert orjson.loads(upstream.sent[0][1] or b"") == {"auth": {"key": FORM_KEY}}
    assert FORM_KEY not in orjson.dumps(sink.records).decode()


def test_a_handler_cannot_start_without_its_secrets(
    tmp_path: Path, secrets_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loaded = config(tmp_path, secrets_env, mailer=MAILER)
    monkeypatch.delenv("TEST_LEGACY_KEY")
    with pytest.raises(ConfigError) as info:
        ExchangeHandler(router=Router(loaded.vendors), limits=loaded.settings.limits,
                        detector=NoDetection(), upstream=FakeUpstream(),  # type: ignore[arg-type]
                        audit=MemorySink(), pseudonymizer=None, contract_version="v1")
    assert ["TEST_LEGACY_KEY" in p for p in info.value.problems] == [True]
