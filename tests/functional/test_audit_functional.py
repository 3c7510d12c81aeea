"""No disclosure without a record: the write-ahead audit, end to end through sockets.

An audit sink that cannot take the intent (a full disk: ``/dev/full``) means nothing is sent
(``503 audit_unavailable``, Retry-After) and readiness turns false; a record that cannot be
written after the vendor answered still lets the answer through; a sink that takes lines again
makes the proxy ready again without a restart.
"""

from __future__ import annotations

import asyncio
import errno
import signal
from pathlib import Path
from typing import Any

import aiohttp
import orjson
import pytest

from proxy.observe.audit import FileSink, MemorySink
from proxy.server.app import AUDIT_KEY, METRICS_KEY
from proxy.testing import RecordingVendor
from tests.conftest import ProxyFactory, serve_subprocess, write_config

pytestmark = pytest.mark.functional

NAME = "Jolene Brightwater"
EMAIL = "jolene.brightwater@example.com"
SEEDED = [NAME.encode(), b"Brightwater", EMAIL.encode()]

CONTRACT = """
vendor: acme
upstream: https://api.acme.example
routes:
  - method: POST
    path: /v1/notes
    request:
      body:
        id: keep
        note: redact
  - method: POST
    path: /v1/bulk.ndjson
    request:
      stream: {kind: ndjson}
      body: {id: keep, note: redact}
  - method: POST
    path: /v1/shadow
    mode: shadow
    request:
      body:
        id: keep
"""
NOTE = {"id": 7, "note": f"Call {NAME} at {EMAIL}"}


class FailingSink(MemorySink):
    """A memory sink whose lines of the given phases fail as on a full disk."""

    def __init__(self, fail: set[str]) -> None:
        super().__init__()
        self.fail = fail

    def write(self, record: dict[str, Any]) -> None:
        if record.get("phase") in self.fail:
            raise OSError(errno.ENOSPC, "No space left on device")
        super().write(record)


def assert_clean(*blobs: bytes) -> None:
    for blob in blobs:
        for value in SEEDED:
            assert value not in blob


async def readiness(session: aiohttp.ClientSession, url: str) -> tuple[int, dict]:
    resp = await session.get(f"{url}/_/readyz")
    return resp.status, await resp.json()


@pytest.mark.parametrize("path", ["/acme/v1/notes", "/acme/v1/bulk.ndjson", "/acme/v1/shadow"],
                         ids=["whole-body", "streamed", "shadow"])
async def test_a_full_disk_refuses_before_anything_is_sent(
    start_proxy: ProxyFactory, vendor: RecordingVendor, path: str
) -> None:
    sink = FileSink("/dev/full", fsync="never")  # every write fails with ENOSPC
    try:
        proxy = await start_proxy({"acme": CONTRACT}, upstream=vendor.url, audit=sink)  # type: ignore[arg-type]
        data = orjson.dumps(NOTE) + (b"\n" if path.endswith("ndjson") else b"")
        resp = await proxy.session.post(proxy.url + path, data=data,
                                        headers={"Content-Type": "application/x-ndjson"
                                                 if path.endswith("ndjson") else
                                                 "application/json"})
        body = await resp.read()
        assert resp.status == 503 and resp.headers["Retry-After"] == "5"
        assert orjson.loads(body)["reason"] == "audit_unavailable"
        assert vendor.received == []  # no record, no disclosure
        status, ready = await readiness(proxy.session, proxy.url)
        assert status == 503 and ready["ready"] is False
        metrics = proxy.app[METRICS_KEY].render()
        assert b'privacy_proxy_audit_write_failures_total{phase="intent"} 1.0' in metrics
        assert b"privacy_proxy_audit_writable 0.0" in metrics
        assert_clean(body)
    finally:
        sink.close()


async def test_the_intent_is_on_record_before_the_vendor_receives(
    start_proxy: ProxyFactory, vendor: RecordingVendor
) -> None:
    sink = MemorySink()
    seen: list[list[dict]] = []
    vendor.on_request = lambda received: seen.append(list(sink.lines))
    proxy = await start_proxy({"acme": CONTRACT}, upstream=vendor.url, audit=sink)
    request_id = "5f0c1e8a9b2d4c6e8f0a1b2c3d4e5f60"
    resp = await proxy.session.post(f"{proxy.url}/acme/v1/notes", json=NOTE,
                                    headers={"X-Request-Id": request_id})
    assert resp.status == 200
    [lines_at_vendor] = seen
    [intent] = lines_at_vendor  # the intent, and nothing else yet
    assert intent["phase"] == "intent" and intent["request_id"] == request_id
    assert intent["request"]["kept"] == ["body:id"] and intent["request"]["entities"]
    assert vendor.received[0].headers["x-request-id"] == request_id
    [record] = sink.records
    assert record["exchange_id"] == intent["exchange_id"] and record["outcome"] == "forwarded"
    assert_clean(orjson.dumps(sink.lines))


async def test_a_failed_record_still_answers_then_readiness_recovers_without_restart(
    start_proxy: ProxyFactory, vendor: RecordingVendor
) -> None:
    sink = FailingSink({"complete", "sink_check"})  # the disk fills between intent and record
    proxy = await start_proxy({"acme": CONTRACT}, upstream=vendor.url, audit=sink)
    resp = await proxy.session.post(f"{proxy.url}/acme/v1/notes", json=NOTE)
    assert resp.status == 200  # the vendor accepted: its answer, never a 5xx
    assert (await resp.json())["received_bytes"] > 0 and len(vendor.received) == 1
    status, ready = await readiness(proxy.session, proxy.url)
    assert status == 503 and ready["ready"] is False
    assert proxy.app[AUDIT_KEY].failures["complete"] == 1
    sink.fail = set()  # room again
    status, ready = await readiness(proxy.session, proxy.url)
    assert status == 200 and ready["ready"] is True
    assert sink.lines[-1]["phase"] == "sink_check"
    resp = await proxy.session.post(f"{proxy.url}/acme/v1/notes", json=NOTE)
    assert resp.status == 200 and len(sink.records) == 1 and len(sink.intents) == 2


async def test_an_intent_failure_then_room_again_serves_the_next_request(
    start_proxy: ProxyFactory, vendor: RecordingVendor
) -> None:
    sink = FailingSink({"intent"})
    proxy = await start_proxy({"acme": CONTRACT}, upstream=vendor.url, audit=sink)
    resp = await proxy.session.post(f"{proxy.url}/acme/v1/notes", json=NOTE)
    assert resp.status == 503 and vendor.received == []
    [refusal] = sink.records  # the refusal itself is on record (it disclosed nothing)
    assert refusal["reason"] == "audit_unavailable" and "exchange_id" not in refusal
    sink.fail = set()
    resp = await proxy.session.post(f"{proxy.url}/acme/v1/notes", json=NOTE)
    assert resp.status == 200 and len(vendor.received) == 1


async def test_serve_on_a_full_disk_refuses_and_says_why(tmp_path: Path) -> None:
    """The operator's view: the log names the audit sink and ENOSPC, not a malformed message."""
    config = write_config(tmp_path, {"acme": CONTRACT},
                          "analyzer: {workers: 1}\naudit: {sink: /dev/full}\nadmin: {port: 0}\n")
    vendor = await RecordingVendor().start()
    proc, ready = await serve_subprocess(config, vendor.url)
    session = aiohttp.ClientSession()
    try:
        url = f"http://{ready['listen']}"
        resp = await session.post(f"{url}/acme/v1/notes", json=NOTE)
        assert resp.status == 503 and (await resp.json())["reason"] == "audit_unavailable"
        resp = await session.get(f"http://{ready['admin']}/readyz")
        checks = (await resp.json())["checks"]
        assert resp.status == 503 and checks["audit_writable"] is False
        assert vendor.received == []
    finally:
        await session.close()
        proc.send_signal(signal.SIGTERM)
        await asyncio.wait_for(proc.wait(), 30)
        await vendor.stop()
    assert proc.stderr is not None
    logs = [orjson.loads(line) for line in (await proc.stderr.read()).splitlines()]
    [error] = [e for e in logs if e["message"].startswith("audit sink not writable")]
    assert error["cause"] == "OSError ENOSPC" and "/dev/full" in error["message"]
    assert not [e for e in logs if "malformed" in e["message"]]
    assert_clean(orjson.dumps(logs))

