"""Detection failures fail closed: 503 with Retry-After, nothing forwarded, the proxy stays up.

Uses a real pool whose worker honours the test fault hooks (crash, hang) of ``recognizers.pool``.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import orjson
import pytest
from aiohttp import web

from proxy.testing import ReceivedRequest, RecordingVendor
from recognizers import AnalyzerSettings, DetectionPool
from recognizers.pool import _FAULT_CRASH, _FAULT_HANG, FAULT_HOOKS_ENV
from tests.conftest import ProxyFactory

pytestmark = pytest.mark.functional

NAME = "Jolene Brightwater"

CONTRACT = """
vendor: acme
upstream: https://api.acme.example
routes:
  - method: POST
    path: /v1/notes
    request:
      body:
        id: keep
        text: redact
"""


@pytest.fixture(scope="module")
async def faulty_pool() -> AsyncIterator[DetectionPool]:
    # Kept set while the module runs: replacement workers read it when they are spawned.
    os.environ[FAULT_HOOKS_ENV] = "1"
    pool = DetectionPool(AnalyzerSettings(workers=1, timeout_s=1.0, queue_size=1))
    try:
        await pool.start()
        yield pool
    finally:
        await pool.close()
        del os.environ[FAULT_HOOKS_ENV]


async def wait_until(condition: Callable[[], bool], what: str, limit_s: float = 60.0) -> None:
    """Poll for a state; ``limit_s`` only ends a wait for something that never happens."""
    deadline = time.monotonic() + limit_s
    while not condition():
        assert time.monotonic() < deadline, what
        await asyncio.sleep(0.05)


async def wait_ready(pool: DetectionPool, limit_s: float = 60.0) -> None:
    await wait_until(lambda: pool.ready, "the worker was not replaced", limit_s)


def process_gone(pid: int) -> bool:
    """True once ``pid`` has exited (a zombie until its parent reaps it, or no longer there)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def body(text: str) -> bytes:
    return orjson.dumps({"id": 7, "text": text})


async def test_worker_crash_is_503_and_worker_is_replaced(
    start_proxy: ProxyFactory, vendor: RecordingVendor, faulty_pool: DetectionPool
) -> None:
    proxy = await start_proxy({"acme": CONTRACT}, upstream=vendor.url, detector=faulty_pool)
    url = f"{proxy.url}/acme/v1/notes"
    headers = {"Content-Type": "application/json"}
    pid_before = faulty_pool.worker_pids()
    resp = await proxy.session.post(url, data=body(_FAULT_CRASH + NAME), headers=headers)
    # The hook needs the exact text: this one is analyzed normally.
    assert resp.status == 200
    resp = await proxy.session.post(url, data=body(_FAULT_CRASH), headers=headers)
    assert resp.status == 503
    assert resp.headers["Retry-After"] == "1"
    assert (await resp.json())["reason"] == "detection_failed"
    assert len(vendor.received) == 1  # only the first, good request
    await wait_ready(faulty_pool)
    assert faulty_pool.worker_pids() != pid_before
    resp = await proxy.session.post(url, data=body(f"ask {NAME}"), headers=headers)
    assert resp.status == 200
    assert vendor.received[-1].json() == {"id": 7, "text": "ask <PERSON>"}
    statuses = [r["status"] for r in proxy.audit_lines()]
    assert statuses == [200, 503, 200]


async def test_hung_worker_is_503_timeout_and_a_full_queue_is_503_at_once(
    start_proxy: ProxyFactory, vendor: RecordingVendor, faulty_pool: DetectionPool
) -> None:
    await wait_ready(faulty_pool)
    proxy = await start_proxy({"acme": CONTRACT}, upstream=vendor.url, detector=faulty_pool)
    url = f"{proxy.url}/acme/v1/notes"
    headers = {"Content-Type": "application/json"}
    sent = faulty_pool.batches_sent
    hung = asyncio.create_task(proxy.session.post(url, data=body(_FAULT_HANG), headers=headers))
    await wait_until(lambda: faulty_pool.batches_sent > sent and faulty_pool.queue_depth == 0,
                     "the hang text never reached the worker")
    queued = asyncio.create_task(proxy.session.post(url, data=body("a"), headers=headers))
    await wait_until(lambda: faulty_pool.queue_depth == 1, "the second job was never queued")
    resp = await proxy.session.post(url, data=body(f"hi {NAME}"), headers=headers)
    assert resp.status == 503
    # detection_overloaded is only ever raised before a job waits (the queue is full): that
    # detect() refuses on its first step is asserted in tests/recognizers/test_pool.py
    # (_refused_at_once), without a clock.
    assert (await resp.json())["reason"] == "detection_overloaded"
    resp = await hung
    assert resp.status == 503
    assert (await resp.json())["reason"] == "detection_timeout"
    assert (await queued).status == 503
    assert vendor.received == []
    for record in proxy.audit_lines():
        assert NAME not in orjson.dumps(record).decode()
    await wait_ready(faulty_pool)


async def test_worker_killed_by_the_kernel_is_503_then_replaced(
    start_proxy: ProxyFactory, vendor: RecordingVendor, faulty_pool: DetectionPool
) -> None:
    """SIGKILL is what the OOM killer sends: the same path as a crash, seen from outside."""
    await wait_ready(faulty_pool)
    proxy = await start_proxy({"acme": CONTRACT}, upstream=vendor.url, detector=faulty_pool)
    url = f"{proxy.url}/acme/v1/notes"
    headers = {"Content-Type": "application/json"}
    [pid] = faulty_pool.worker_pids()
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    await wait_until(lambda: process_gone(pid), "the worker outlived SIGKILL")
    resp = await proxy.session.post(url, data=body(f"hi {NAME}"), headers=headers)
    assert resp.status == 503
    assert vendor.received == []
    await wait_ready(faulty_pool)
    assert faulty_pool.worker_pids() != [pid]
    resp = await proxy.session.post(url, data=body(f"hi {NAME}"), headers=headers)
    assert resp.status == 200
    assert vendor.received[-1].json()["text"] == "hi <PERSON>"


ANSWERED = CONTRACT + """\
    response:
      body:
        id: keep
        text: redact
"""


async def test_detection_failing_on_the_answer_withholds_it_with_the_vendors_status(
    start_proxy: ProxyFactory, vendor: RecordingVendor, faulty_pool: DetectionPool
) -> None:
    """The vendor already acted on the request: no 5xx (a retry would disclose again), and
    nothing of its unchecked answer reaches the caller."""
    await wait_ready(faulty_pool)

    async def answer(_: web.Request, received: ReceivedRequest) -> web.StreamResponse:
        return web.json_response({"id": 7, "text": _FAULT_CRASH}, status=201)

    vendor.responder = answer
    proxy = await start_proxy({"acme": ANSWERED}, upstream=vendor.url, detector=faulty_pool)
    resp = await proxy.session.post(f"{proxy.url}/acme/v1/notes", data=body(f"hi {NAME}"),
                                    headers={"Content-Type": "application/json"})
    payload = await resp.read()
    assert resp.status == 201 and resp.headers["Proxy-Status"].endswith(
        'details="answer withheld: detection_failed"')
    assert orjson.loads(payload)["reason"] == "detection_failed"
    assert _FAULT_CRASH.encode() not in payload
    assert vendor.received[0].json() == {"id": 7, "text": "hi <PERSON>"}  # sent once, checked
    [record] = proxy.audit_lines()
    assert (record["status"], record["outcome"], record["vendor_status"]) == (
        201, "withheld", 201)
    await wait_ready(faulty_pool)
