"""Graceful shutdown: SIGTERM with 100 exchanges in flight.

Readiness turns false first, new connections are refused, every in-flight exchange completes
(none lost, none half-forwarded), and the process exits 0.
"""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

import aiohttp
import orjson
import pytest
from aiohttp import web

from proxy.testing import ReceivedRequest, RecordingVendor
from tests.conftest import serve_subprocess, write_config

pytestmark = pytest.mark.functional

CONTRACT = """
vendor: acme
upstream: https://api.acme.example
routes:
  - method: POST
    path: /v1/m
    request:
      body:
        n: keep
    response:
      body:
        n: keep
"""
IN_FLIGHT = 100


async def test_sigterm_with_100_in_flight(tmp_path: Path) -> None:
    release = asyncio.Event()

    async def slow(_: web.Request, received: ReceivedRequest) -> web.StreamResponse:
        await release.wait()
        return web.json_response({"n": received.json()["n"]})

    vendor = await RecordingVendor(responder=slow).start()
    audit_file = tmp_path / "audit.jsonl"
    config = write_config(tmp_path / "cfg", {"acme": CONTRACT},
                          f"analyzer: {{workers: 1}}\naudit: {{sink: {audit_file}}}\n"
                          "limits: {shutdown_grace_s: 20}\n")
    proc, entry = await serve_subprocess(config, vendor.url)
    session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
    try:
        port = int(entry["listen"].rsplit(":", 1)[1])
        admin = entry["admin"]
        base = f"http://127.0.0.1:{port}"
        assert (await session.get(f"http://{admin}/readyz")).status == 200

        async def call(n: int) -> tuple[int, dict]:
            resp = await session.post(f"{base}/acme/v1/m", json={"n": n, "drop": "x"})
            return resp.status, await resp.json()

        calls = [asyncio.create_task(call(n)) for n in range(IN_FLIGHT)]
        while len(vendor.received) < IN_FLIGHT:  # every exchange is now waiting at the vendor
            await asyncio.sleep(0.05)
        proc.send_signal(signal.SIGTERM)

        # Readiness turns false while the exchanges are still in flight (the vendor holds
        # them all until `release`); 600 polls (30 s) only bound a failure.
        for _ in range(600):
            await asyncio.sleep(0.05)
            try:
                if (await session.get(f"http://{admin}/readyz")).status == 503:
                    break
            except aiohttp.ClientConnectionError:
                pytest.fail("the admin port closed before the drain")
        else:
            pytest.fail("readiness did not turn false")
        with pytest.raises(aiohttp.ClientConnectionError):  # new connections are refused
            async with aiohttp.ClientSession() as fresh:
                await fresh.post(f"{base}/acme/v1/m", json={"n": -1})
        assert proc.returncode is None  # still draining

        release.set()
        results = await asyncio.wait_for(asyncio.gather(*calls), 30)
        assert [status for status, _ in results] == [200] * IN_FLIGHT
        assert sorted(body["n"] for _, body in results) == list(range(IN_FLIGHT))
        assert await asyncio.wait_for(proc.wait(), 30) == 0
    finally:
        release.set()
        await session.close()
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        await vendor.stop()
    assert len(vendor.received) == IN_FLIGHT
    assert all(r.json() == {"n": r.json()["n"]} for r in vendor.received)  # "drop" never sent
    lines = [orjson.loads(x) for x in audit_file.read_bytes().splitlines()]
    records = [r for r in lines if r["phase"] == "complete"]
    assert len(records) == IN_FLIGHT and {r["status"] for r in records} == {200}
    # Every exchange in flight at SIGTERM wrote its intent and, draining, its record.
    intents = {r["exchange_id"] for r in lines if r["phase"] == "intent"}
    assert intents == {r["exchange_id"] for r in records} and len(lines) == 2 * IN_FLIGHT
