"""The consent store, both backends: HMAC keys only, opt-out/in, erasure, batch reads."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from proxy.policy.consent import (
    ConsentState,
    ConsentStore,
    RedisConsentStore,
    SqliteConsentStore,
    SubjectKeys,
)
from proxy.policy.stores import StoreUnavailable, open_redis

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture(params=["sqlite", "redis"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[ConsentStore]:
    if request.param == "sqlite":
        sqlite = SqliteConsentStore(tmp_path / "c.sqlite3")
        yield sqlite
        await sqlite.close()
        return
    target = open_redis(REDIS_URL, f"test-{uuid.uuid4().hex}:")
    yield RedisConsentStore(target)
    keys = [k async for k in target.client.scan_iter(match=target.prefix + "*")]
    if keys:
        await target.client.delete(*keys)
    await target.client.aclose()


def test_subject_keys_are_keyed_stable_and_not_the_id() -> None:
    keys = SubjectKeys(b"0123456789abcdef")
    assert keys.key("alice") == keys.key("alice") != keys.key("bob")
    assert keys.key("alice") != SubjectKeys(b"fedcba9876543210").key("alice")
    assert "alice" not in keys.key("alice") and len(keys.key("alice")) == 64
    with pytest.raises(ValueError):
        SubjectKeys(b"short")


async def test_opt_out_opt_in_and_erasure(store: ConsentStore) -> None:
    a, b, c = "a" * 64, "b" * 64, "c" * 64
    assert await store.states([]) == {}
    await store.opt_out(a, "marketing")
    await store.opt_out(a, "marketing")  # idempotent
    await store.opt_out(a, "analytics")
    await store.erase(b)
    states = await store.states([a, b, c, a])
    assert states == {a: ConsentState(frozenset({"marketing", "analytics"}), False),
                      b: ConsentState(frozenset(), True), c: ConsentState()}
    await store.opt_in(a, "marketing")
    assert (await store.states([a]))[a].opted_out == frozenset({"analytics"})


async def test_an_unreachable_redis_fails_closed() -> None:
    store = RedisConsentStore(open_redis("redis://127.0.0.1:1/0", "x:"))
    with pytest.raises(StoreUnavailable) as info:
        await store.states(["a" * 64])
    assert info.value.status == 503 and info.value.reason == "policy_store_unavailable"


async def test_sqlite_file_holds_no_subject_id(tmp_path: Path) -> None:
    keys = SubjectKeys(b"0123456789abcdef")
    store = SqliteConsentStore(tmp_path / "c.sqlite3")
    await store.opt_out(keys.key("alice@example.com"), "marketing")
    await store.close()
    assert b"alice@example.com" not in (tmp_path / "c.sqlite3").read_bytes()
