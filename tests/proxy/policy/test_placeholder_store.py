"""The placeholder store on SQLite: sealed mappings per scope, TTL, first writer wins, erasure.

The same behaviours against a real Redis: test_placeholder_store_redis_functional.py.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from proxy.policy.consent import SqliteConsentStore, SubjectKeys
from proxy.policy.ledger import SqliteLedger
from proxy.policy.placeholder_store import PlaceholderStore, SqlitePlaceholderBackend
from proxy.policy.runtime import PolicyRuntime
from proxy.policy.stores import StoreUnavailable
from proxy.server.policy_admin import build_policy_admin_app

KEY = b"vault-secret-0123456789"
ALICE, BOB = "a" * 64, "b" * 64


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def store(tmp_path: Path, clock: Clock) -> AsyncIterator[PlaceholderStore]:
    opened = PlaceholderStore(SqlitePlaceholderBackend(tmp_path / "p.sqlite3"), KEY, ttl_s=100,
                              clock=clock)
    yield opened
    await opened.close()


def _sql(path: Path, statement: str, *args: object) -> None:
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(statement, args)
    conn.close()


async def test_round_trip_per_scope_and_sealed_at_rest(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite3"
    store = PlaceholderStore(SqlitePlaceholderBackend(path), KEY)
    await store.save("scope-1", {"<PERSON_7f3a9c01>": "Jane Müller",
                                 "<EMAIL_00c0ffee>": "jane@example.com"}, ALICE)
    await store.save("scope-1", {"<PHONE_12345678>": "+49 30 1234567"})
    assert await store.load("scope-1") == {"<PERSON_7f3a9c01>": "Jane Müller",
                                           "<EMAIL_00c0ffee>": "jane@example.com",
                                           "<PHONE_12345678>": "+49 30 1234567"}
    assert await store.load("scope-2") == {}
    await store.close()
    reopened = PlaceholderStore(SqlitePlaceholderBackend(path), KEY)
    assert len(await reopened.load("scope-1")) == 3
    other_key = PlaceholderStore(SqlitePlaceholderBackend(path), b"another-secret-0123456789")
    assert await other_key.load("scope-1") == {}  # another key: nothing decrypts
    await reopened.close()
    await other_key.close()
    stored = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert b"jane@example.com" not in stored and "Müller".encode() not in stored
    assert b"<EMAIL_00c0ffee>" in stored


async def test_scope_expires_after_ttl_of_disuse(store: PlaceholderStore, clock: Clock) -> None:
    await store.save("s", {"<P_1>": "one"})
    clock.now += 99
    assert await store.load("s") == {"<P_1>": "one"}
    await store.save("s", {})  # a save, even of nothing new, refreshes the expiry
    clock.now += 99
    assert await store.load("s") == {"<P_1>": "one"}
    clock.now += 1
    assert await store.load("s") == {}
    await store.save("s", {"<P_1>": "uno"})  # the expired binding no longer holds the name
    assert await store.load("s") == {"<P_1>": "uno"}


async def test_first_writer_wins(store: PlaceholderStore) -> None:
    await store.save("s", {"<P_1>": "first"})
    await store.save("s", {"<P_1>": "second", "<P_2>": "two"})
    assert await store.load("s") == {"<P_1>": "first", "<P_2>": "two"}
    await store.save("other", {"<P_1>": "second"})  # another scope is another namespace
    assert await store.load("other") == {"<P_1>": "second"}


async def test_tampered_or_moved_ciphertext_is_skipped(tmp_path: Path,
                                                       store: PlaceholderStore) -> None:
    path = tmp_path / "p.sqlite3"
    await store.save("s", {"<P_1>": "one", "<P_2>": "two", "<P_3>": "three", "<P_6>": "six"})
    await store.save("t", {"<P_9>": "nine"})
    conn = sqlite3.connect(path)
    blobs = dict(conn.execute("SELECT placeholder, sealed FROM placeholder_entries").fetchall())
    conn.close()
    tag, header = blobs["<P_1>"], blobs["<P_6>"]
    _sql(path, "UPDATE placeholder_entries SET sealed = ? WHERE placeholder = '<P_1>'",
         tag[:-1] + bytes([tag[-1] ^ 1]))  # the GCM tag
    _sql(path, "UPDATE placeholder_entries SET sealed = ? WHERE placeholder = '<P_6>'",
         header[:7] + bytes([header[7] ^ 1]) + header[8:])  # the creation time
    _sql(path, "UPDATE placeholder_entries SET placeholder = '<P_4>' WHERE placeholder = '<P_2>'")
    _sql(path, "UPDATE placeholder_entries SET scope = 's' WHERE placeholder = '<P_9>'")
    _sql(path, "INSERT INTO placeholder_entries VALUES ('s', '<P_5>', X'0102')")  # too short
    assert await store.load("s") == {"<P_3>": "three"}


async def test_max_entries_keeps_the_newest(tmp_path: Path, clock: Clock) -> None:
    path = tmp_path / "p.sqlite3"
    small = PlaceholderStore(SqlitePlaceholderBackend(path), KEY, max_entries=3, clock=clock)
    await small.save("s", {"<A>": "a", "<B>": "b"})
    clock.now += 1
    await small.save("s", {"<C>": "c"})
    clock.now += 1
    await small.save("s", {"<D>": "d", "<E>": "e"})
    assert await small.load("s") == {"<C>": "c", "<D>": "d", "<E>": "e"}
    rows = sqlite3.connect(path).execute("SELECT COUNT(*) FROM placeholder_entries").fetchone()
    assert rows[0] == 3  # the save pruned the store too, not only the load
    await small.close()
    tiny = PlaceholderStore(SqlitePlaceholderBackend(path), KEY, max_entries=2, clock=clock)
    assert await tiny.load("s") == {"<D>": "d", "<E>": "e"}
    await tiny.close()


async def test_erase_subject_removes_exactly_its_scopes(store: PlaceholderStore,
                                                        clock: Clock) -> None:
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
    assert await store.erase_subject(BOB) == 1  # s2 already went with alice's
    await store.save("s5", {"<P_6>": "later"}, ALICE)
    clock.now += 100
    assert await store.erase_subject(ALICE) == 0  # expired: nothing left to remove


async def test_a_broken_sqlite_store_fails_closed(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite3"
    store = PlaceholderStore(SqlitePlaceholderBackend(path), KEY)
    await store.save("s", {"<P_1>": "one"}, ALICE)
    _sql(path, "DROP TABLE placeholder_entries")
    for call in (store.load("s"), store.save("s", {"<P_2>": "two"}), store.erase_subject(ALICE)):
        with pytest.raises(StoreUnavailable) as info:
            await call
        assert info.value.status == 503 and info.value.reason == "policy_store_unavailable"
    await store.close()
    with pytest.raises(StoreUnavailable):
        await store.load("s")  # a closed database


async def test_arguments_are_checked(store: PlaceholderStore, tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        PlaceholderStore(SqlitePlaceholderBackend(tmp_path / "q.sqlite3"), b"short")
    with pytest.raises(ValueError):
        await store.load("x" * 201)
    with pytest.raises(ValueError):
        await store.save("", {"<P>": "v"})
    with pytest.raises(ValueError):
        await store.save("s", {"": "v"})
    with pytest.raises(ValueError):
        await store.erase_subject("")
    await store.save("x" * 200, {"<P>": "v"})
    assert await store.load("x" * 200) == {"<P>": "v"}


async def test_the_admin_erasure_erases_placeholder_mappings(tmp_path: Path) -> None:
    path, keys = tmp_path / "p.sqlite3", SubjectKeys(b"pseudonymize-0123456789")
    runtime = PolicyRuntime(keys=keys, consent=SqliteConsentStore(path), ledger=SqliteLedger(path),
                            placeholders=PlaceholderStore(SqlitePlaceholderBackend(path), KEY))
    runtime._closers += [runtime.consent, runtime.ledger, runtime.placeholders]
    assert runtime.placeholders is not None
    await runtime.placeholders.save("s1", {"<P_1>": "Alice"}, keys.key("alice"))
    await runtime.placeholders.save("s2", {"<P_2>": "Bob"}, keys.key("bob"))
    token = "admin-token-0123456789"
    async with TestClient(TestServer(build_policy_admin_app(runtime, token.encode()))) as client:
        resp = await client.post("/v1/erasures", json={"subject": "alice"},
                                 headers={"Authorization": f"Bearer {token}"})
        assert resp.status == 204, await resp.text()
    assert await runtime.placeholders.load("s1") == {}
    assert await runtime.placeholders.load("s2") == {"<P_2>": "Bob"}
    await runtime.close()
