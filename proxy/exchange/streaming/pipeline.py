"""Move one direction of a stream through a processor with bounded buffers and backpressure.

A reader task pulls chunks from the source (with an idle timeout), frames them and puts the units
on a bounded queue; when the queue is full it stops reading, so the peer's TCP window closes
(aiohttp pauses its socket past a high-water mark). The consumer side, an async generator,
collects up to ``batch_records`` units or waits ``batch_ms`` after the first, prepares the batch
(parse, minimize) while up to ``max_inflight`` earlier batches are in detection, and yields the
encoded bytes in order. The generator is pulled only as fast as the next hop accepts bytes, which
is what carries backpressure from a slow vendor back to the client.

Failures (a bad record, a timeout, a detector error) surface from the generator after every
batch before them was yielded: the caller knows exactly how much was delivered.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter, deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, Protocol


class StreamProcessor(Protocol):
    """One kind of stream (records or text), see ``records`` and ``text_window``."""

    content_type: str
    max_inflight: int

    def frame(self, chunk: bytes) -> list[Any]: ...
    def frame_end(self) -> list[Any]: ...
    def prefix(self) -> bytes: ...
    def suffix(self) -> bytes: ...
    def prepare(self, units: list[Any], final: bool) -> Any: ...
    async def resolve(self, batch: Any) -> None: ...
    def encode(self, batch: Any) -> tuple[bytes, int]: ...


class SourceTimeout(TimeoutError):
    """No chunk arrived within the idle timeout."""


@dataclass
class StreamStats:
    """Counts for the audit record (never values)."""

    kind: str
    records_in: int = 0
    records_forwarded: int = 0
    records_dropped: Counter[str] = field(default_factory=Counter)
    batches: int = 0
    bytes_in: int = 0
    bytes_out: int = 0
    complete: bool = False

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": self.kind,
            "records_in": self.records_in,
            "records_forwarded": self.records_forwarded,
            "batches": self.batches,
            "complete": self.complete,
        }
        if self.records_dropped:
            out["records_dropped"] = dict(sorted(self.records_dropped.items()))
        return out


@dataclass(frozen=True, slots=True)
class Piece:
    """Encoded bytes ready to send, and how many records they hold."""

    data: bytes
    records: int


@dataclass(frozen=True, slots=True)
class PipelineLimits:
    queue_units: int = 256
    batch_records: int = 64
    batch_s: float = 0.02
    idle_timeout_s: float = 30.0


_END = object()


@dataclass(frozen=True, slots=True)
class _Failure:
    error: BaseException


async def _read(
    source: AsyncIterator[bytes], processor: StreamProcessor, queue: asyncio.Queue[Any],
    limits: PipelineLimits, stats: StreamStats,
) -> None:
    try:
        while True:
            try:
                async with asyncio.timeout(limits.idle_timeout_s):
                    chunk = await anext(source, None)
            except TimeoutError:
                raise SourceTimeout("no data within the idle timeout") from None
            if chunk is None:
                break
            stats.bytes_in += len(chunk)
            for unit in processor.frame(chunk):
                await queue.put(unit)
        for unit in processor.frame_end():
            await queue.put(unit)
        await queue.put(_END)
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # noqa: BLE001 - handed to the consumer, which decides
        await queue.put(_Failure(exc))


async def _gather(queue: asyncio.Queue[Any], limits: PipelineLimits,
                  stats: StreamStats) -> tuple[list[Any], Any]:
    """The next batch of units and, when the reader ended or failed, its ``_END``/``_Failure``.

    Waits for one unit, then takes more until the batch is full or ``batch_s`` has passed."""
    loop = asyncio.get_running_loop()
    units: list[Any] = []
    item = await queue.get()
    if item is _END or isinstance(item, _Failure):
        return units, item
    units.append(item)
    deadline = loop.time() + limits.batch_s
    # The first batch is small, so the next hop sees bytes soon (time to first byte).
    cap = limits.batch_records if stats.batches else max(1, limits.batch_records // 8)
    while len(units) < cap:
        try:
            item = queue.get_nowait()
        except asyncio.QueueEmpty:
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            try:
                item = await asyncio.wait_for(queue.get(), remaining)
            except TimeoutError:
                break
        if item is _END or isinstance(item, _Failure):
            return units, item
        units.append(item)
    return units, None


async def transform(
    source: AsyncIterator[bytes],
    processor: StreamProcessor,
    limits: PipelineLimits,
    stats: StreamStats,
) -> AsyncIterator[Piece]:
    """Yield the processed stream piece by piece; raise the first failure after what preceded it."""
    queue: asyncio.Queue[Any] = asyncio.Queue(maxsize=limits.queue_units)
    reader = asyncio.create_task(_read(source, processor, queue, limits, stats))
    inflight: deque[tuple[asyncio.Task[None], Any]] = deque()
    try:
        head = processor.prefix()
        if head:
            yield Piece(head, 0)
        stop: Any = None
        while stop is None:
            # Nothing new to prepare: deliver what is in detection instead of sitting on it.
            while inflight and queue.empty():
                async for piece in _drain(inflight, processor, stats, one=True):
                    yield piece
            units, stop = await _gather(queue, limits, stats)
            final = stop is _END
            try:
                batch = processor.prepare(units, final) if units or final else None
            except Exception:
                async for piece in _drain(inflight, processor, stats):
                    yield piece
                raise
            if batch is not None:
                inflight.append((asyncio.create_task(processor.resolve(batch)), batch))
                fault = getattr(batch, "fault", None)
                if fault is not None:  # a bad record: deliver the ones before it, then fail
                    async for piece in _drain(inflight, processor, stats):
                        yield piece
                    raise fault
            while inflight and (len(inflight) >= processor.max_inflight or stop is not None
                                or inflight[0][0].done()):
                async for piece in _drain(inflight, processor, stats, one=True):
                    yield piece
        if isinstance(stop, _Failure):
            raise stop.error
        tail = processor.suffix()
        if tail:
            yield Piece(tail, 0)
        stats.complete = True
    finally:
        reader.cancel()
        for task, _ in inflight:
            task.cancel()
        with contextlib.suppress(BaseException):
            await reader


async def _drain(
    inflight: deque[tuple[asyncio.Task[None], Any]],
    processor: StreamProcessor,
    stats: StreamStats,
    one: bool = False,
) -> AsyncIterator[Piece]:
    """Yield finished batches in order (the first only with ``one``)."""
    while inflight:
        task, batch = inflight[0]
        await task  # raises the batch's failure, after every earlier batch was yielded
        inflight.popleft()
        data, records = processor.encode(batch)
        stats.batches += 1
        if data:
            yield Piece(data, records)
        if one:
            return

