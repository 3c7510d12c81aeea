"""Storage plumbing shared by the consent store, the disclosure ledger and the token vault.

Two backends: an SQLite file (the default; one process, or several on one host sharing the
file) and Redis (several sidecar replicas sharing state). SQLite calls run in a thread so the
event loop never waits on the disk. Neither backend ever receives a subject id or a tokenized
value in clear: callers hand over HMAC keys and ciphertexts only.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from proxy.errors import ProxyError

T = TypeVar("T")


class StoreUnavailable(ProxyError):
    """A policy store could not be read or written: nothing is forwarded (fail closed)."""

    status = 503
    reason = "policy_store_unavailable"
    retry_after_s: int | None = 1


class SqliteDatabase:
    """One SQLite connection used from worker threads, one statement batch at a time."""

    def __init__(self, path: str | Path, schema: str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None,
                                     timeout=5.0)
        self._lock = threading.Lock()
        with self._lock:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.executescript(schema)

    def _locked(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        with self._lock:
            return fn(self._conn)

    async def run(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``fn(connection)`` in a thread; StoreUnavailable on any database error."""
        try:
            return await asyncio.to_thread(self._locked, fn)
        except sqlite3.Error:
            raise StoreUnavailable("the policy store cannot be used; nothing was forwarded") \
                from None

    def close(self) -> None:
        with self._lock:
            self._conn.close()


async def redis_call(coro: Any) -> Any:
    """Await a redis-py call; StoreUnavailable on any Redis error."""
    import redis.exceptions

    try:
        return await coro
    except (redis.exceptions.RedisError, OSError):
        raise StoreUnavailable("the policy store cannot be used; nothing was forwarded") \
            from None


@dataclass
class RedisTarget:
    """A Redis connection and the key prefix of this deployment."""

    client: Any  # redis.asyncio.Redis
    prefix: str

    def key(self, *parts: str) -> str:
        return self.prefix + ":".join(parts)


def open_redis(url: str, prefix: str) -> RedisTarget:
    import redis.asyncio

    client = redis.asyncio.Redis.from_url(url, socket_timeout=2.0, socket_connect_timeout=2.0)
    return RedisTarget(client=client, prefix=prefix)
