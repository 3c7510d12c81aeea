"""The disclosure ledger, both backends: append, read back per subject, in order."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from proxy.policy.ledger import Disclosure, RedisLedger, SqliteLedger
from proxy.policy.stores import open_redis


def entry(subject: str, vendor: str, n: int) -> Disclosure:
    return Disclosure(subject=subject, vendor=vendor, route="POST /v1/x", purposes=("marketing",),
                      time=f"2025-01-0{n}T00:00:00.000+00:00", fields=("body:email",),
                      request_id=f"r{n}")


@pytest.mark.parametrize("backend", ["sqlite", "redis"])
async def test_entries_come_back_per_subject_in_order(backend: str, tmp_path: Path) -> None:
    target = None
    if backend == "sqlite":
        ledger = SqliteLedger(tmp_path / "l.sqlite3")
    else:
        target = open_redis("redis://127.0.0.1:6379/0", f"test-{uuid.uuid4().hex}:")
        ledger = RedisLedger(target)  # type: ignore[assignment]
    try:
        await ledger.record([entry("s1", "mailer", 1), entry("s2", "crm", 2)])
        await ledger.record([])
        await ledger.record([entry("s1", "crm", 3)])
        got = await ledger.for_subject("s1")
        assert [(e.vendor, e.request_id) for e in got] == [("mailer", "r1"), ("crm", "r3")]
        assert got[0] == entry("s1", "mailer", 1)
        assert await ledger.for_subject("nobody") == []
    finally:
        await ledger.close()
        if target is not None:
            keys = [k async for k in target.client.scan_iter(match=target.prefix + "*")]
            await target.client.delete(*keys)
            await target.client.aclose()
