"""Placeholder mappings of the ``placeholder`` action, encrypted at rest and expiring.

A value sent to a model under ``placeholder`` is replaced by a placeholder such as
``<PERSON_7f3a9c01>``; the model's answer has the placeholders restored. The mapping
placeholder -> value is kept per *scope* (an opaque id up to 200 characters that the caller
derives by HMAC, never a raw id), so a later exchange of the same conversation restores the
placeholders of an earlier one.

Values are sealed like the token vault's (``proxy.policy.vault``): AES-256-GCM under a key derived
by HKDF (info ``placeholders``) from the vault secret, with the scope, the placeholder and the
creation time as associated data, so a ciphertext moved to another scope or placeholder (or
tampered with) does not decrypt and is skipped. Stored blobs are
``creation time (8 bytes, big-endian double) + nonce (12) + ciphertext``; backends only ever see
scope ids, placeholders, subject keys (HMAC) and these blobs.

A scope expires ``ttl_s`` after its last ``save``; a scope holds at most ``max_entries``
mappings (the oldest go first). ``erase_subject`` removes every scope a subject's data was saved
in. Two backends, like the vault's: SQLite (embedded) and Redis (replicas); any failure of either
is a ``StoreUnavailable`` (503, nothing forwarded).
"""

from __future__ import annotations

import math
import os
import sqlite3
import struct
import time
from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from proxy.policy.stores import RedisTarget, SqliteDatabase, redis_call

MAX_SCOPE_CHARS = 200
MAX_PLACEHOLDER_CHARS = 200
_TIME = struct.Struct(">d")
_MIN_BLOB = _TIME.size + 12 + 16  # time + nonce + GCM tag


class PlaceholderBackend(Protocol):
    """Where sealed mappings live; sees scope ids, placeholders, subject keys and blobs only."""

    async def entries(self, scope: str, now: float) -> dict[str, bytes]:
        """Every stored placeholder of an unexpired scope and its blob."""
        ...

    async def put(self, scope: str, sealed: Mapping[str, bytes], subject_key: str | None,
                  now: float, ttl_s: int) -> int:
        """Add the placeholders the scope lacks (an existing one keeps its blob), set the
        scope's expiry to ``now + ttl_s``, link it to ``subject_key``; return how many
        placeholders the scope now holds."""
        ...

    async def remove(self, scope: str, placeholders: Collection[str]) -> None: ...

    async def erase_subject(self, subject_key: str, now: float) -> int:
        """Remove every scope linked to the subject; return how many existed."""
        ...

    async def close(self) -> None: ...


def _check_scope(scope: str) -> None:
    if not isinstance(scope, str) or not 0 < len(scope) <= MAX_SCOPE_CHARS:
        raise ValueError(f"a placeholder scope is a string of 1 to {MAX_SCOPE_CHARS} characters")


def _created(blob: bytes) -> float:
    """The creation time in a blob's header (-inf for a blob too short to have one)."""
    if len(blob) < _MIN_BLOB:
        return -math.inf
    created: float = _TIME.unpack_from(blob)[0]
    return created if math.isfinite(created) else -math.inf


def _newest_first(blobs: Mapping[str, bytes]) -> list[str]:
    return sorted(blobs, key=lambda p: (-_created(blobs[p]), p))


class PlaceholderStore:
    """Placeholder mappings per scope, sealed at rest, expiring after ttl_s of disuse."""

    def __init__(self, backend: PlaceholderBackend, secret: bytes, ttl_s: int = 86400,
                 max_entries: int = 10000, clock: Callable[[], float] = time.time) -> None:
        if len(secret) < 16:
            raise ValueError("the placeholder key must be at least 16 bytes")
        if ttl_s < 1 or max_entries < 1:
            raise ValueError("ttl_s and max_entries must be at least 1")
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                   info=b"placeholders").derive(secret)
        self._aead = AESGCM(key)
        # Names placeholders and scopes (proxy.enforce.placeholders): a key of its own.
        self.naming_key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                               info=b"placeholder-names").derive(secret)
        self._backend = backend
        self._ttl_s = int(ttl_s)
        self._max_entries = max_entries
        self._clock = clock

    @staticmethod
    def _associated(scope: str, placeholder: str, header: bytes) -> bytes:
        scope_bytes = scope.encode()
        return struct.pack(">H", len(scope_bytes)) + scope_bytes + header + placeholder.encode()

    def _seal(self, scope: str, placeholder: str, value: str, created: float) -> bytes:
        header = _TIME.pack(created)
        nonce = os.urandom(12)
        return header + nonce + self._aead.encrypt(
            nonce, value.encode(), self._associated(scope, placeholder, header))

    def _open(self, scope: str, placeholder: str, blob: bytes) -> str | None:
        if len(blob) < _MIN_BLOB:
            return None
        header, nonce = blob[:_TIME.size], blob[_TIME.size:_TIME.size + 12]
        try:
            plain = self._aead.decrypt(nonce, blob[_TIME.size + 12:],
                                       self._associated(scope, placeholder, header))
            return plain.decode()
        except (InvalidTag, UnicodeDecodeError):
            return None

    async def load(self, scope: str) -> dict[str, str]:
        """Every unexpired mapping of the scope (placeholder -> value), newest ``max_entries``;
        a blob that does not decrypt (moved, tampered, another key) is skipped."""
        _check_scope(scope)
        blobs = await self._backend.entries(scope, self._clock())
        found: dict[str, str] = {}
        for placeholder in _newest_first(blobs):
            value = self._open(scope, placeholder, blobs[placeholder])
            if value is not None:
                found[placeholder] = value
                if len(found) >= self._max_entries:
                    break
        return found

    async def save(self, scope: str, new: Mapping[str, str],
                   subject_key: str | None = None) -> None:
        """Store ``new`` (sealed; a placeholder already bound keeps its first value) and refresh
        the scope's expiry to now + ttl_s, even when ``new`` is empty; with ``subject_key``,
        remember that the scope holds that subject's data (for ``erase_subject``)."""
        _check_scope(scope)
        if subject_key is not None and not subject_key:
            raise ValueError("a subject key must not be empty")
        now = self._clock()
        sealed: dict[str, bytes] = {}
        for placeholder, value in new.items():
            if not 0 < len(placeholder) <= MAX_PLACEHOLDER_CHARS:
                raise ValueError(f"a placeholder has 1 to {MAX_PLACEHOLDER_CHARS} characters")
            sealed[placeholder] = self._seal(scope, placeholder, value, now)
        held = await self._backend.put(scope, sealed, subject_key, now, self._ttl_s)
        if held > self._max_entries:
            blobs = await self._backend.entries(scope, now)
            oldest = _newest_first(blobs)[self._max_entries:]
            if oldest:
                await self._backend.remove(scope, oldest)

    async def erase_subject(self, subject_key: str) -> int:
        """Remove every scope saved with ``subject_key``; return how many were removed."""
        if not subject_key:
            raise ValueError("a subject key must not be empty")
        return await self._backend.erase_subject(subject_key, self._clock())

    async def close(self) -> None:
        await self._backend.close()


_SCHEMA = """
CREATE TABLE IF NOT EXISTS placeholder_scopes (
    scope TEXT PRIMARY KEY,      -- HMAC-derived id given by the caller
    expires_at REAL NOT NULL     -- unix time; refreshed by every save
);
CREATE INDEX IF NOT EXISTS placeholder_scopes_expiry ON placeholder_scopes (expires_at);
CREATE TABLE IF NOT EXISTS placeholder_entries (
    scope TEXT NOT NULL,
    placeholder TEXT NOT NULL,
    sealed BLOB NOT NULL,        -- creation time + nonce + AES-GCM ciphertext of the value
    PRIMARY KEY (scope, placeholder)
);
CREATE TABLE IF NOT EXISTS placeholder_subjects (
    subject_key TEXT NOT NULL,   -- HMAC key of the data subject
    scope TEXT NOT NULL,
    PRIMARY KEY (subject_key, scope)
);
CREATE INDEX IF NOT EXISTS placeholder_subjects_scope ON placeholder_subjects (scope);
"""

_EXPIRED = "SELECT scope FROM placeholder_scopes WHERE expires_at <= ?"


def _transaction(conn: sqlite3.Connection, fn: Callable[[], int]) -> int:
    conn.execute("BEGIN IMMEDIATE")
    try:
        result = fn()
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return result


def _purge_expired(conn: sqlite3.Connection, now: float) -> None:
    conn.execute(f"DELETE FROM placeholder_entries WHERE scope IN ({_EXPIRED})", (now,))
    conn.execute(f"DELETE FROM placeholder_subjects WHERE scope IN ({_EXPIRED})", (now,))
    conn.execute("DELETE FROM placeholder_scopes WHERE expires_at <= ?", (now,))


class SqlitePlaceholderBackend:
    """Three tables in the policy stores' SQLite file; expired scopes are purged on writes."""

    def __init__(self, path: str | Path) -> None:
        self._db = SqliteDatabase(path, _SCHEMA)

    async def entries(self, scope: str, now: float) -> dict[str, bytes]:
        rows = await self._db.run(lambda c: c.execute(
            "SELECT e.placeholder, e.sealed FROM placeholder_entries e JOIN placeholder_scopes s"
            " ON s.scope = e.scope WHERE s.scope = ? AND s.expires_at > ?",
            (scope, now)).fetchall())
        return {str(p): bytes(b) for p, b in rows}

    async def put(self, scope: str, sealed: Mapping[str, bytes], subject_key: str | None,
                  now: float, ttl_s: int) -> int:
        def write(conn: sqlite3.Connection) -> int:
            def body() -> int:
                _purge_expired(conn, now)
                conn.execute("INSERT INTO placeholder_scopes VALUES (?, ?) ON CONFLICT (scope) "
                             "DO UPDATE SET expires_at = excluded.expires_at", (scope, now + ttl_s))
                conn.executemany("INSERT OR IGNORE INTO placeholder_entries VALUES (?, ?, ?)",
                                 [(scope, p, b) for p, b in sealed.items()])
                if subject_key is not None:
                    conn.execute("INSERT OR IGNORE INTO placeholder_subjects VALUES (?, ?)",
                                 (subject_key, scope))
                row = conn.execute("SELECT COUNT(*) FROM placeholder_entries WHERE scope = ?",
                                   (scope,)).fetchone()
                return int(row[0])

            return _transaction(conn, body)

        return await self._db.run(write)

    async def remove(self, scope: str, placeholders: Collection[str]) -> None:
        rows = [(scope, p) for p in placeholders]
        await self._db.run(lambda c: c.executemany(
            "DELETE FROM placeholder_entries WHERE scope = ? AND placeholder = ?", rows))

    async def erase_subject(self, subject_key: str, now: float) -> int:
        def write(conn: sqlite3.Connection) -> int:
            def body() -> int:
                _purge_expired(conn, now)
                scopes = [(str(r[0]),) for r in conn.execute(
                    "SELECT scope FROM placeholder_subjects WHERE subject_key = ?",
                    (subject_key,)).fetchall()]
                conn.executemany("DELETE FROM placeholder_entries WHERE scope = ?", scopes)
                conn.executemany("DELETE FROM placeholder_subjects WHERE scope = ?", scopes)
                return conn.executemany("DELETE FROM placeholder_scopes WHERE scope = ?",
                                        scopes).rowcount

            return _transaction(conn, body)

        return await self._db.run(write)

    async def close(self) -> None:
        self._db.close()


class RedisPlaceholderBackend:
    """``ph:s:<scope>`` hash placeholder -> blob; ``ph:o:<scope>`` set of the subject keys whose
    data the scope holds; ``ph:k:<subject key>`` set of that subject's scopes. All three carry
    the scope TTL (Redis' own clock; ``now`` is not used), refreshed by every save, so a
    subject's set never expires before one of its scopes."""

    def __init__(self, target: RedisTarget) -> None:
        self._redis = target

    def _key(self, kind: str, name: str) -> str:
        return self._redis.key("ph", kind, name)

    async def entries(self, scope: str, now: float) -> dict[str, bytes]:
        raw = await redis_call(self._redis.client.hgetall(self._key("s", scope)))
        return {bytes(p).decode(errors="replace"): bytes(b) for p, b in raw.items()}

    async def put(self, scope: str, sealed: Mapping[str, bytes], subject_key: str | None,
                  now: float, ttl_s: int) -> int:
        hash_key, owners_key = self._key("s", scope), self._key("o", scope)
        pipe = self._redis.client.pipeline(transaction=True)
        for placeholder, blob in sealed.items():
            pipe.hsetnx(hash_key, placeholder, blob)
        pipe.expire(hash_key, ttl_s)
        if subject_key is not None:
            pipe.sadd(owners_key, subject_key)
            pipe.sadd(self._key("k", subject_key), scope)
            pipe.expire(self._key("k", subject_key), ttl_s)
        pipe.expire(owners_key, ttl_s)
        pipe.smembers(owners_key)
        pipe.hlen(hash_key)
        results = await redis_call(pipe.execute())
        owners = {bytes(o).decode() for o in results[-2]}
        owners.discard(subject_key or "")
        if owners:  # other subjects' sets must outlive this scope too
            refresh = self._redis.client.pipeline(transaction=False)
            for owner in sorted(owners):
                refresh.expire(self._key("k", owner), ttl_s)
            await redis_call(refresh.execute())
        return int(results[-1])

    async def remove(self, scope: str, placeholders: Collection[str]) -> None:
        if placeholders:
            await redis_call(self._redis.client.hdel(self._key("s", scope), *placeholders))

    async def erase_subject(self, subject_key: str, now: float) -> int:
        subject_set = self._key("k", subject_key)
        members = await redis_call(self._redis.client.smembers(subject_set))
        scopes = sorted(bytes(m).decode() for m in members)
        if not scopes:
            return 0
        pipe = self._redis.client.pipeline(transaction=True)
        for scope in scopes:
            pipe.delete(self._key("s", scope))
        pipe.delete(*[self._key("o", scope) for scope in scopes])
        pipe.srem(subject_set, *scopes)  # a scope added meanwhile stays listed
        results = await redis_call(pipe.execute())
        return sum(int(n) for n in results[:len(scopes)])

    async def close(self) -> None:
        pass
