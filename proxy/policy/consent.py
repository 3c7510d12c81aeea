"""Opt-outs and erasure requests, keyed by an HMAC of the subject id (never the id itself).

``ConsentStore`` has two backends: SQLite (default) and Redis (replicas sharing state). Every
check reads the store (one query, or one pipelined round trip, per exchange, whatever the number
of records), so a change recorded through any replica's admin API or the CLI applies to the next
exchange on every replica: well within the one second the policy promises, with no cache to
invalidate. If the store cannot be read, the exchange fails closed (503).
"""

from __future__ import annotations

import hashlib
import hmac
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from proxy.policy.stores import RedisTarget, SqliteDatabase, redis_call


class SubjectKeys:
    """Turns a subject id into the key every store uses: HMAC-SHA256 with a derived key."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) < 16:
            raise ValueError("the secret must be at least 16 bytes")
        self._key = hmac.new(secret, b"subject/v1", hashlib.sha256).digest()

    def key(self, subject_id: str) -> str:
        return hmac.new(self._key, subject_id.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class ConsentState:
    """What a subject asked for."""

    opted_out: frozenset[str] = field(default_factory=frozenset)  # purpose ids
    erased: bool = False


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class ConsentStore(Protocol):
    async def states(self, keys: Sequence[str]) -> dict[str, ConsentState]:
        """The state of each key (a key never seen has the empty state)."""
        ...

    async def opt_out(self, key: str, purpose: str) -> None: ...

    async def opt_in(self, key: str, purpose: str) -> None: ...

    async def erase(self, key: str) -> None: ...

    async def close(self) -> None: ...


_SCHEMA = """
CREATE TABLE IF NOT EXISTS consent (
    subject TEXT NOT NULL,      -- HMAC of the subject id
    kind TEXT NOT NULL,         -- 'opt_out' or 'erased'
    purpose TEXT NOT NULL,      -- purpose id; '' for 'erased'
    at TEXT NOT NULL,
    PRIMARY KEY (subject, kind, purpose)
);
"""


class SqliteConsentStore:
    def __init__(self, path: str | Path) -> None:
        self._db = SqliteDatabase(path, _SCHEMA)

    async def states(self, keys: Sequence[str]) -> dict[str, ConsentState]:
        unique = sorted(set(keys))
        if not unique:
            return {}

        def query(conn: sqlite3.Connection) -> list[tuple[str, str, str]]:
            marks = ",".join("?" * len(unique))
            return conn.execute(
                f"SELECT subject, kind, purpose FROM consent WHERE subject IN ({marks})",
                unique,
            ).fetchall()

        rows = await self._db.run(query)
        opted: dict[str, set[str]] = {k: set() for k in unique}
        erased: set[str] = set()
        for subject, kind, purpose in rows:
            if kind == "opt_out":
                opted[subject].add(purpose)
            else:
                erased.add(subject)
        return {k: ConsentState(frozenset(opted[k]), k in erased) for k in unique}

    async def _write(self, sql: str, args: tuple[str, ...]) -> None:
        await self._db.run(lambda conn: conn.execute(sql, args))

    async def opt_out(self, key: str, purpose: str) -> None:
        await self._write("INSERT OR IGNORE INTO consent VALUES (?, 'opt_out', ?, ?)",
                          (key, purpose, _now()))

    async def opt_in(self, key: str, purpose: str) -> None:
        await self._write("DELETE FROM consent WHERE subject = ? AND kind = 'opt_out' AND "
                          "purpose = ?", (key, purpose))

    async def erase(self, key: str) -> None:
        await self._write("INSERT OR IGNORE INTO consent VALUES (?, 'erased', '', ?)",
                          (key, _now()))

    async def close(self) -> None:
        self._db.close()


class RedisConsentStore:
    """One hash per subject: ``opt_out:<purpose>`` and ``erased`` fields, valued by time."""

    def __init__(self, target: RedisTarget) -> None:
        self._redis = target

    def _key(self, key: str) -> str:
        return self._redis.key("consent", key)

    async def states(self, keys: Sequence[str]) -> dict[str, ConsentState]:
        unique = sorted(set(keys))
        if not unique:
            return {}
        pipe = self._redis.client.pipeline(transaction=False)
        for key in unique:
            pipe.hkeys(self._key(key))
        results = await redis_call(pipe.execute())
        out: dict[str, ConsentState] = {}
        for key, names in zip(unique, results, strict=True):
            fields = {n.decode() for n in names}
            out[key] = ConsentState(
                opted_out=frozenset(f[len("opt_out:"):] for f in fields
                                    if f.startswith("opt_out:")),
                erased="erased" in fields,
            )
        return out

    async def opt_out(self, key: str, purpose: str) -> None:
        await redis_call(self._redis.client.hsetnx(self._key(key), f"opt_out:{purpose}", _now()))

    async def opt_in(self, key: str, purpose: str) -> None:
        await redis_call(self._redis.client.hdel(self._key(key), f"opt_out:{purpose}"))

    async def erase(self, key: str) -> None:
        await redis_call(self._redis.client.hsetnx(self._key(key), "erased", _now()))

    async def close(self) -> None:
        pass  # the Redis client is shared and closed by its owner
