"""The placeholder store against a real Redis (127.0.0.1:6379), a fresh key prefix per test.

TTLs here are Redis' own (EXPIRE), so expiry is observed by waiting a second or two.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest

from proxy.policy.placeholder_store import PlaceholderStore, RedisPlaceholderBackend
from proxy.policy.stores import RedisTarget, StoreUnavailable, open_redis

pytestmark = pytest.mark.functional

REDIS_URL = "redis://127.0.0.1:6379/0"
KEY = b"vault-secret-0123456789"
ALICE, BOB = "a" * 64, "b" * 64


@pytest.fixture
async def target() -> AsyncIterator[RedisTarget]:
    opened = open_redis(REDIS_URL, f"test-{uuid.uuid4().hex}:")
    yield opened
    keys = [k async for k in opened.client.scan_iter(match=opened.prefix + "*")]
    if keys:
        await opened.client.delete(*keys)
    await opened.client.aclose()


def _store(target: RedisTarget, ttl_s: int = 3600, max_entries: int = 10000) -> PlaceholderStore:
    return PlaceholderStore(RedisPlaceholderBackend(target), KEY, ttl_s=ttl_s,
                            max_entries=max_entries)


async def _raw(target: RedisTarget) -> dict[bytes, object]:
    """Every key of the test prefix and its content (hash or set)."""
    found: dict[bytes, object] = {}
    async for key in target.client.scan_iter(match=target.prefix + "*"):
        kind = (await target.client.type(key)).decode()
        found[key] = await (target.client.hgetall(key) if kind == "hash"
                            else target.client.smembers(key))
    return found


async def test_round_trip_sealed_and_under_the_prefix(target: RedisTarget) -> None:
    store = _store(target)
    await store.save("scope-1", {"<PERSON_7f3a9c01>": "Jane Müller",
                                 "<EMAIL_00c0ffee>": "jane@example.com"}, ALICE)
    await store.save("scope-1", {"<PHONE_12345678>": "+49 30 1234567"})
    assert await store.load("scope-1") == {"<PERSON_7f3a9c01>": "Jane Müller",
                                           "<EMAIL_00c0ffee>": "jane@example.com",
                                           "<PHONE_12345678>": "+49 30 1234567"}
    assert await store.load("scope-2") == {}
    other_key = PlaceholderStore(RedisPlaceholderBackend(target), b"another-secret-0123456789")
    assert await other_key.load("scope-1") == {}
    raw = await _raw(target)
    p = target.prefix
    assert set(raw) == {f"{p}ph:s:scope-1".encode(), f"{p}ph:o:scope-1".encode(),
                        f"{p}ph:k:{ALICE}".encode()}
    assert raw[f"{p}ph:k:{ALICE}".encode()] == {b"scope-1"}
    assert b"jane@example.com" not in repr(raw).encode() and "Müller" not in repr(raw)
    for key in raw:
        assert 3500 < await target.client.ttl(key) <= 3600


async def test_scope_expires_after_ttl_of_disuse(target: RedisTarget) -> None:
    store = _store(target, ttl_s=2)
    await store.save("s", {"<P_1>": "one"}, ALICE)
    await asyncio.sleep(1.2)
    await store.save("s", {})  # refreshes the scope, its owners and the subject's set
    for kind, name in (("s", "s"), ("o", "s"), ("k", ALICE)):
        assert await target.client.pttl(target.key("ph", kind, name)) > 1500
    await asyncio.sleep(1.2)
    assert await store.load("s") == {"<P_1>": "one"}
    await asyncio.sleep(1.0)
    assert await store.load("s") == {}
    assert await _raw(target) == {}  # every key of the store expired with the scope


async def test_first_writer_wins_also_between_replicas(target: RedisTarget) -> None:
    store = _store(target)
    await store.save("s", {"<P_1>": "first"})
    await store.save("s", {"<P_1>": "second", "<P_2>": "two"})
    assert await store.load("s") == {"<P_1>": "first", "<P_2>": "two"}
    replicas = [_store(target) for _ in range(8)]
    await asyncio.gather(*(r.save("race", {"<P_9>": f"value {i}"})
                           for i, r in enumerate(replicas)))
    seen = [await r.load("race") for r in replicas]
    assert len(seen[0]) == 1 and all(s == seen[0] for s in seen)


async def test_tampered_or_moved_ciphertext_is_skipped(target: RedisTarget) -> None:
    store = _store(target)
    await store.save("s", {"<P_1>": "one", "<P_2>": "two", "<P_3>": "three"})
    await store.save("t", {"<P_9>": "nine"})
    client, s_key = target.client, target.key("ph", "s", "s")
    blob = await client.hget(s_key, "<P_1>")
    await client.hset(s_key, "<P_1>", blob[:-1] + bytes([blob[-1] ^ 1]))
    await client.hset(s_key, "<P_4>", await client.hget(s_key, "<P_2>"))
    await client.hdel(s_key, "<P_2>")
    await client.hset(s_key, "<P_9>", await client.hget(target.key("ph", "s", "t"), "<P_9>"))
    await client.hset(s_key, "<P_5>", b"\x01\x02")
    assert await store.load("s") == {"<P_3>": "three"}


async def test_max_entries_keeps_the_newest(target: RedisTarget) -> None:
    small = _store(target, max_entries=3)
    await small.save("s", {"<A>": "a", "<B>": "b"})
    await asyncio.sleep(0.01)
    await small.save("s", {"<C>": "c"})
    await asyncio.sleep(0.01)
    await small.save("s", {"<D>": "d", "<E>": "e"})
    assert await small.load("s") == {"<C>": "c", "<D>": "d", "<E>": "e"}
    assert await target.client.hlen(target.key("ph", "s", "s")) == 3
    assert await _store(target, max_entries=2).load("s") == {"<D>": "d", "<E>": "e"}


async def test_erase_subject_removes_exactly_its_scopes(target: RedisTarget) -> None:
    store = _store(target)
    await store.save("s1", {"<P_1>": "alice"}, ALICE)
    await store.save("s2", {"<P_2>": "alice and bob"}, ALICE)
    await store.save("s2", {"<P_3>": "bob"}, BOB)
    await store.save("s3", {"<P_4>": "bob only"}, BOB)
    await store.save("s4", {"<P_5>": "nobody"})
    assert await store.erase_subject(ALICE) == 2
    assert await store.load("s1") == {} and await store.load("s2") == {}
    assert await store.load("s3") == {"<P_4>": "bob only"}
    assert await store.load("s4") == {"<P_5>": "nobody"}
    assert await store.erase_subject(ALICE) == 0
    raw = await _raw(target)
    assert target.key("ph", "k", ALICE).encode() not in raw
    assert target.key("ph", "o", "s1").encode() not in raw
    assert await store.erase_subject(BOB) == 1  # s2 already went with alice's
    assert set(raw) - {target.key("ph", k, n).encode()
                       for k, n in (("s", "s3"), ("o", "s3"), ("k", BOB), ("s", "s4"))} == set()


async def test_an_unreachable_or_broken_redis_fails_closed(target: RedisTarget) -> None:
    down = open_redis("redis://127.0.0.1:1/0", "x:")
    store = PlaceholderStore(RedisPlaceholderBackend(down), KEY)
    for call in (store.load("s"), store.save("s", {"<P>": "v"}, ALICE), store.erase_subject(ALICE)):
        with pytest.raises(StoreUnavailable) as info:
            await call
        assert info.value.status == 503 and info.value.reason == "policy_store_unavailable"
    await down.client.aclose()
    await target.client.set(target.key("ph", "s", "wrong"), b"not a hash")
    with pytest.raises(StoreUnavailable):
        await _store(target).save("wrong", {"<P>": "v"})
    with pytest.raises(StoreUnavailable):
        await _store(target).load("wrong")
