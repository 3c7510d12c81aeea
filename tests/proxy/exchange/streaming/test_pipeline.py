"""The pipeline: bounded read-ahead (backpressure), batching by count and time, ordered failures."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import orjson
import pytest

from proxy.enforce.report import MessageReport
from proxy.exchange.streaming.framing import StreamFault
from proxy.exchange.streaming.pipeline import PipelineLimits, SourceTimeout, StreamStats, transform
from tests.proxy.exchange.streaming.test_records import processor


async def test_a_slow_consumer_stops_the_reader() -> None:
    produced = 0

    async def source() -> AsyncIterator[bytes]:
        nonlocal produced
        for i in range(10_000):
            produced += 1
            yield orjson.dumps({"id": i}) + b"\n"

    limits = PipelineLimits(queue_units=8, batch_records=4, batch_s=0.0)
    pieces = transform(source(), processor(), limits, StreamStats("ndjson"))
    consumed = 0
    async for piece in pieces:
        consumed += piece.records
        await asyncio.sleep(0.001)  # a slow vendor
        # read-ahead is bounded by the queue, the batches in flight and one chunk
        assert produced - consumed <= 8 + 2 * 4 + 2
        if consumed >= 200:
            break
    await pieces.aclose()


async def test_first_record_waits_at_most_the_batch_window() -> None:
    # The source sends its second record only after the first came out: a pipeline that
    # waited for a full batch would wait forever (the bound below ends that wait, failing).
    first_out = asyncio.Event()

    async def source() -> AsyncIterator[bytes]:
        yield b'{"id": 1}\n'
        await first_out.wait()
        yield b'{"id": 2}\n'

    limits = PipelineLimits(batch_records=64, batch_s=0.02, idle_timeout_s=60.0)
    pieces = transform(source(), processor(), limits, StreamStats("x"))
    first = await asyncio.wait_for(anext(pieces), 30)
    first_out.set()
    second = await asyncio.wait_for(anext(pieces), 30)
    assert (first.records, second.records) == (1, 1)
    await pieces.aclose()


async def test_failure_comes_after_the_records_before_it() -> None:
    async def source() -> AsyncIterator[bytes]:
        yield b'{"id": 1}\n{"id": 2}\n'
        yield b"broken\n"

    stats = StreamStats("ndjson")
    got = []
    with pytest.raises(StreamFault):
        async for piece in transform(source(), processor(report=MessageReport()),
                                     PipelineLimits(batch_s=0.0), stats):
            got.append(piece.records)
    assert sum(got) == 2 and not stats.complete


async def test_a_stalled_source_times_out() -> None:
    async def source() -> AsyncIterator[bytes]:
        yield b'{"id": 1}\n'
        await asyncio.sleep(10)
        yield b""

    with pytest.raises(SourceTimeout):
        async for _ in transform(source(), processor(),
                                 PipelineLimits(batch_s=0.0, idle_timeout_s=0.05),
                                 StreamStats("x")):
            pass
