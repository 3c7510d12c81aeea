"""The disclosure ledger: which vendor received data about which subject, why, when, what.

One entry per record sent: the subject's HMAC key (never the id), the vendor, the route, the
purposes, the time, the field paths that left (kept or transformed, never values) and the
exchange's request id. Entries are written *before* the request goes to the vendor: a disclosure
that may have happened is listed, and a ledger that cannot be written stops the exchange (503).

This answers access requests, tells which vendors an erasure request must be passed on to, and
answers California Civil Code 1798.83 requests (``python -m proxy disclosures --subject ID``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol

import orjson

from proxy.policy.stores import RedisTarget, SqliteDatabase, redis_call


@dataclass(frozen=True)
class Disclosure:
    subject: str  # HMAC key of the subject id
    vendor: str
    route: str
    purposes: tuple[str, ...]
    time: str  # ISO 8601, UTC
    fields: tuple[str, ...]
    request_id: str

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["purposes"] = list(self.purposes)
        out["fields"] = list(self.fields)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Disclosure:
        return cls(subject=data["subject"], vendor=data["vendor"], route=data["route"],
                   purposes=tuple(data["purposes"]), time=data["time"],
                   fields=tuple(data["fields"]), request_id=data["request_id"])


class Ledger(Protocol):
    async def record(self, entries: Sequence[Disclosure]) -> None: ...

    async def for_subject(self, subject: str) -> list[Disclosure]:
        """Every entry of one subject, oldest first."""
        ...

    async def close(self) -> None: ...


_SCHEMA = """
CREATE TABLE IF NOT EXISTS disclosures (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    subject TEXT NOT NULL,
    entry TEXT NOT NULL          -- the entry as JSON (paths and names only)
);
CREATE INDEX IF NOT EXISTS disclosures_subject ON disclosures (subject, seq);
"""


class SqliteLedger:
    def __init__(self, path: str | Path) -> None:
        self._db = SqliteDatabase(path, _SCHEMA)

    async def record(self, entries: Sequence[Disclosure]) -> None:
        rows = [(e.subject, orjson.dumps(e.to_dict()).decode()) for e in entries]
        if rows:
            await self._db.run(lambda conn: conn.executemany(
                "INSERT INTO disclosures (subject, entry) VALUES (?, ?)", rows))

    async def for_subject(self, subject: str) -> list[Disclosure]:
        def query(conn: sqlite3.Connection) -> list[tuple[str]]:
            return conn.execute("SELECT entry FROM disclosures WHERE subject = ? ORDER BY seq",
                                (subject,)).fetchall()

        return [Disclosure.from_dict(orjson.loads(row[0])) for row in await self._db.run(query)]

    async def close(self) -> None:
        self._db.close()


class RedisLedger:
    """One list per subject, appended to."""

    def __init__(self, target: RedisTarget) -> None:
        self._redis = target

    async def record(self, entries: Sequence[Disclosure]) -> None:
        if not entries:
            return
        pipe = self._redis.client.pipeline(transaction=False)
        for e in entries:
            pipe.rpush(self._redis.key("ledger", e.subject), orjson.dumps(e.to_dict()))
        await redis_call(pipe.execute())

    async def for_subject(self, subject: str) -> list[Disclosure]:
        raw = await redis_call(self._redis.client.lrange(self._redis.key("ledger", subject), 0, -1))
        return [Disclosure.from_dict(orjson.loads(item)) for item in raw]

    async def close(self) -> None:
        pass
