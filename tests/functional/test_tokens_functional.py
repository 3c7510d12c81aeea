"""Reversible tokens and the new generalizations through real sockets, on both vault backends."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from pathlib import Path

import orjson
import pytest
import redis.asyncio
from aiohttp import web

from proxy.testing import ReceivedRequest, RecordingVendor
from tests.conftest import ProxyFactory
from tests.functional.policy_helpers import (
    REDIS_URL,
    VAULT_KEY,
    Backend,
    policy_config,
)

pytestmark = pytest.mark.functional

CARD = "4111 1111 1111 1111"
ACCOUNT = "DE-00123456789"
EMAIL = "dora.keene@example.com"

BILLING = """
vendor: {name}
upstream: https://api.billing.example
purposes: [service_delivery]
routes:
  - method: POST
    path: /v1/invoices
    request:
      body:
        card: {{action: tokenize, format: last4}}
        account: {{action: tokenize, format: digits}}
        email: tokenize                      # opaque by default
        pin: {{action: tokenize, format: digits}}   # too few digits to hide: dropped
        amount: keep
    response:
      body:
        card: detokenize                     # our service gets its card number back
        email: keep                          # ... but not the email: stays a token
        account: detokenize
"""


async def echo(_: web.Request, received: ReceivedRequest) -> web.StreamResponse:
    return web.json_response(received.json())


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


async def test_tokens_go_out_values_come_back_per_vendor_and_encrypted_at_rest(
    start_proxy: ProxyFactory, vendor: RecordingVendor, tmp_path: Path, backend: Backend,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PROXY_VAULT_KEY", VAULT_KEY)
    vendor.responder = echo
    config = policy_config(tmp_path / "cfg", {"billing": BILLING.format(name="billing"),
                                              "ledgerco": BILLING.format(name="ledgerco")},
                           backend)
    proxy = await start_proxy(config_dir=config, upstream=vendor.url)
    payload = {"card": CARD, "account": ACCOUNT, "email": EMAIL, "pin": "1234", "amount": 12}

    resp = await proxy.session.post(f"{proxy.url}/billing/v1/invoices", json=payload)
    assert resp.status == 200
    sent = vendor.received[-1].json()
    card_token, account_token, email_token = sent["card"], sent["account"], sent["email"]
    assert card_token != CARD and len(card_token) == len(CARD) and card_token.endswith("1111")
    assert card_token[4] == " " and not luhn_ok(card_token.replace(" ", ""))
    assert account_token.startswith("DE-") and len(account_token) == len(ACCOUNT)
    assert account_token != ACCOUNT and email_token.startswith("tok_")
    assert "pin" not in sent
    assert await resp.json() == {"card": CARD, "email": email_token, "account": ACCOUNT}
    audit = proxy.audit_lines()[-1]
    assert audit["request"]["transformed"]["body:card"] == "tokenize"
    assert audit["response"]["transformed"]["body:card"] == "detokenize"
    assert "body:pin" in audit["request"]["wrong_shape"]

    # The same value gets the same token for one vendor, another one for another vendor.
    await proxy.session.post(f"{proxy.url}/billing/v1/invoices", json=payload)
    assert vendor.received[-1].json()["card"] == card_token
    resp = await proxy.session.post(f"{proxy.url}/ledgerco/v1/invoices", json=payload)
    other = vendor.received[-1].json()
    assert other["card"] != card_token and other["email"] != email_token
    assert (await resp.json())["card"] == CARD

    # A vendor cannot detokenize another vendor's token: the value is dropped, not swapped.
    async def replay(_: web.Request, received: ReceivedRequest) -> web.StreamResponse:
        return web.json_response({"card": card_token, "account": "DE-99999999999"})

    vendor.responder = replay
    resp = await proxy.session.post(f"{proxy.url}/ledgerco/v1/invoices", json=payload)
    assert resp.status == 200 and await resp.json() == {}
    assert sorted(proxy.audit_lines()[-1]["response"]["wrong_shape"]) == ["body:account",
                                                                          "body:card"]

    for value in (CARD, "4111111111111111", ACCOUNT, EMAIL):
        assert value not in orjson.dumps(proxy.audit_lines()).decode()
    if backend.sqlite_path is not None:
        stored = backend.sqlite_path.read_bytes()
        stored += b"".join(p.read_bytes() for p in backend.sqlite_path.parent.glob("*-wal"))
    else:
        client = redis.asyncio.Redis.from_url(REDIS_URL)
        keys = [k async for k in client.scan_iter(match=backend.prefix + "vault:*")]
        stored = b"\n".join(keys + [await client.get(k) for k in keys])
        await client.aclose()
        assert len(keys) == 12  # 3 values x 2 vendors x (token, index)
    assert stored
    for value in (CARD, "1111 1111", ACCOUNT, "00123456789", EMAIL):
        assert value.encode() not in stored


async def test_serve_refuses_tokenize_without_a_vault_key(
    start_proxy: ProxyFactory, tmp_path: Path, sqlite_backend: Backend,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from proxy.errors import ConfigError

    monkeypatch.delenv("PROXY_VAULT_KEY", raising=False)
    config = policy_config(tmp_path / "cfg", {"billing": BILLING.format(name="billing")},
                           sqlite_backend)
    with pytest.raises(ConfigError) as info:
        await start_proxy(config_dir=config)
    assert "secrets.vault_key" in info.value.problems[0]
    assert "PROXY_VAULT_KEY" in info.value.problems[0]


GEO = """
vendor: geo
upstream: https://api.geo.example
purposes: [analytics]
routes:
  - method: POST
    path: /v1/events
    request:
      body:
        location.lat: {action: generalize, to: coordinate_grid, grid: 0.1}
        location.lon: {action: generalize, to: coordinate_grid, grid: 0.1}
        where: {action: generalize, to: coordinate_grid, grid: 1}
        basket_value: {action: generalize, to: number_bucket, bucket_size: 50}
        income: {action: generalize, to: number_bucket, buckets: [0, 20000, 50000, 100000]}
        birth_date: {action: generalize, to: age_band}
        visited_at: {action: generalize, to: month}
        postcode: {action: generalize, to: postcode_prefix, prefix_length: 2}
        ip: {action: generalize, to: ip_network}
"""


async def test_generalizations_reach_the_vendor_coarsened(
    start_proxy: ProxyFactory, vendor: RecordingVendor, tmp_path: Path, sqlite_backend: Backend,
) -> None:
    config = policy_config(tmp_path / "cfg", {"geo": GEO}, sqlite_backend)
    proxy = await start_proxy(config_dir=config, upstream=vendor.url)
    resp = await proxy.session.post(f"{proxy.url}/geo/v1/events", json={
        "location": {"lat": 52.520008, "lon": 13.404954}, "where": "48.8566,2.3522",
        "basket_value": 137.5, "income": 64000, "birth_date": "1990-02-14",
        "visited_at": "2024-03-17T10:00:00Z", "postcode": "SW1A 1AA",
        "ip": "2001:db8:85a3::8a2e:370:7334"})
    assert resp.status == 200
    got = vendor.received[-1].json()
    assert got["location"] == {"lat": 52.5, "lon": 13.4} and got["where"] == "48,2"
    assert got["basket_value"] == 100 and got["income"] == 50000
    assert got["birth_date"].endswith("-" + str(int(got["birth_date"].split("-")[0]) + 9))
    assert got["visited_at"] == "2024-03" and got["postcode"] == "SW"
    assert got["ip"] == "2001:db8:85a3::/48"


class _Relay:
    """A TCP relay to Redis that a test can cut: the store going away mid-exchange."""

    def __init__(self) -> None:
        self.server: asyncio.Server | None = None
        self.writers: list[asyncio.StreamWriter] = []

    async def start(self) -> int:
        self.server = await asyncio.start_server(self._pipe, "127.0.0.1", 0)
        return int(self.server.sockets[0].getsockname()[1])

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", 6379)
        self.writers += [writer, up_writer]

        async def copy(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            with contextlib.suppress(ConnectionError):
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            dst.close()

        await asyncio.gather(copy(reader, up_writer), copy(up_reader, writer))

    def cut(self) -> None:
        assert self.server is not None
        self.server.close()
        for writer in self.writers:
            writer.transport.abort()


async def test_the_vault_failing_after_the_vendor_answered_withholds_the_answer(
    start_proxy: ProxyFactory, vendor: RecordingVendor, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Detokenizing needs the vault; if it is gone by the time the answer comes, the vendor has
    already acted: the caller gets its status with the answer withheld, never a 5xx."""
    monkeypatch.setenv("PROXY_VAULT_KEY", VAULT_KEY)
    relay = _Relay()
    port = await relay.start()
    prefix = f"test-{uuid.uuid4().hex}:"
    backend = Backend("redis", f"stores: {{backend: redis, redis_url: 'redis://127.0.0.1:{port}/0',"
                      f" key_prefix: '{prefix}'}}\n", prefix, None)

    async def answer_after_the_store_is_gone(_: web.Request,
                                             received: ReceivedRequest) -> web.StreamResponse:
        relay.cut()
        return web.json_response(received.json(), status=201)

    vendor.responder = answer_after_the_store_is_gone
    config = policy_config(tmp_path / "cfg", {"billing": BILLING.format(name="billing")}, backend)
    proxy = await start_proxy(config_dir=config, upstream=vendor.url)
    resp = await proxy.session.post(f"{proxy.url}/billing/v1/invoices",
                                    json={"card": CARD, "amount": 12})
    payload = await resp.read()
    assert resp.status == 201 and "answer withheld" in resp.headers["Proxy-Status"]
    assert orjson.loads(payload)["reason"] == "policy_store_unavailable"
    assert len(vendor.received) == 1 and vendor.received[0].json()["card"] != CARD
    assert b"1111" not in payload  # neither the token nor the card
    [record] = proxy.audit_lines()
    assert (record["outcome"], record["vendor_status"]) == ("withheld", 201)
    client = redis.asyncio.Redis.from_url(REDIS_URL)
    keys = [k async for k in client.scan_iter(match=prefix + "*")]
    if keys:
        await client.delete(*keys)
    await client.aclose()
