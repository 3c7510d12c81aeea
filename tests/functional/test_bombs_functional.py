"""Decompression bombs and oversized input against a real proxy process: refused with bounded
memory and work (peak RSS and CPU time of the proxy process, read from /proc).

CPU time, not elapsed time: a busy machine stretches the wall clock, not the work the proxy
does. A bomb decoded to its end (even piecewise, with bounded memory) costs seconds of CPU."""

from __future__ import annotations

import os
import zlib
from pathlib import Path

import aiohttp
import brotli
import pytest

from proxy.testing import RecordingVendor
from tests.conftest import MINIMAL_CONTRACT, serve_subprocess, write_config

pytestmark = pytest.mark.functional

CONTRACT = MINIMAL_CONTRACT


def deflate_stream(total: int, wbits: int) -> bytes:
    """``total`` zero bytes compressed, generated in chunks (the test must not hold them)."""
    comp = zlib.compressobj(9, zlib.DEFLATED, wbits)
    chunk = b"\0" * (1 << 20)
    out = [comp.compress(b'{"a": "')]
    for _ in range(total // len(chunk)):
        out.append(comp.compress(chunk))
    out.append(comp.compress(b'"}') + comp.flush())
    return b"".join(out)


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of the process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise AssertionError("no VmHWM")


async def test_bombs_and_oversized_bodies_keep_memory_bounded(tmp_path: Path) -> None:
    vendor = await RecordingVendor().start()
    config = write_config(tmp_path / "cfg", {"acme": CONTRACT}, "analyzer: {workers: 1}\n")
    proc, entry = await serve_subprocess(config, vendor.url)
    url = f"http://{entry['listen']}/acme/v1/m"
    gzip_bomb = deflate_stream(512 << 20, 16 + 15)     # 512 MiB of zeros as gzip
    deflate_bomb = deflate_stream(512 << 20, 15)       # ... as zlib deflate
    br_bomb = brotli.compress(b'{"a": "' + b"\0" * (64 << 20) + b'"}', quality=5)
    try:
        async with aiohttp.ClientSession() as session:
            resp = await session.post(url, json={"a": 1})
            assert resp.status == 200
            baseline = peak_rss_kib(proc.pid)
            cpu_before = cpu_seconds(proc.pid)
            cases = [
                ("gzip", gzip_bomb, 413), ("deflate", deflate_bomb, 413), ("br", br_bomb, 413),
                ("gzip, br", gzip_bomb, 400),  # br is undone first: these bytes are not br
                ("x-unknown", b"{}", 415),
            ]
            for coding, body, status in cases:
                resp = await session.post(url, data=body, headers={
                    "Content-Type": "application/json", "Content-Encoding": coding})
                assert resp.status == status, coding
            # A body far over the limit: refused from its Content-Length, before it is read.
            resp = await session.post(url, data=b"{" + b" " * (50 << 20) + b"}",
                                      headers={"Content-Type": "application/json"})
            assert resp.status == 413
            growth_mib = (peak_rss_kib(proc.pid) - baseline) / 1024
            cpu_used = cpu_seconds(proc.pid) - cpu_before
        assert growth_mib < 64, f"peak RSS grew by {growth_mib:.0f} MiB"
        # All six refusals cost a few hundredths of a second of CPU; decoding the bombs to
        # their end, even piecewise in bounded memory, costs seconds (checked by doing so).
        assert cpu_used < 1.0, f"the refusals took {cpu_used:.1f} s of CPU"
        assert len(vendor.received) == 1  # only the first, legitimate request
    finally:
        proc.terminate()
        await proc.wait()
        await vendor.stop()
