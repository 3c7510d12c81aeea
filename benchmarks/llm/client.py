"""The benchmark's client: streamed chat completions, timed from the SSE as it arrives.

A request's time to first token (TTFT) is from just before the request is sent to the first
``chat.completion.chunk`` whose ``delta.content`` is a non-empty string (the role-only first
chunk does not count). After it, every chunk carrying ``delta.content`` is a delta (the proxy
may forward a chunk with empty content while it holds back a tail that could be a placeholder:
it still counts, as the vendor's delta it forwards). The delta rate is deltas after the first
over the time from the first to the last content.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import orjson

BodyFor = Callable[[int], bytes]
HeadersFor = Callable[[int], dict[str, str]]


@dataclass
class StreamResult:
    """One streamed request as the client saw it."""

    index: int
    status: int = 0
    error: str | None = None
    ttft_ms: float | None = None
    last_ms: float | None = None
    deltas: int = 0  # chunks carrying delta.content, from the first token on
    parts: list[str] = field(default_factory=list)
    done: bool = False  # the stream ended with data: [DONE]

    @property
    def ok(self) -> bool:
        """Status 200, no error, a first token, and the stream's end (or the first token)."""
        return self.status == 200 and self.error is None and self.done and \
            self.ttft_ms is not None

    @property
    def content(self) -> str:
        """The answer's text as assembled from the deltas."""
        return "".join(self.parts)

    @property
    def tail_s(self) -> float:
        """Seconds from the first token to the last content."""
        if self.ttft_ms is None or self.last_ms is None:
            return 0.0
        return (self.last_ms - self.ttft_ms) / 1000

    @property
    def delta_rate(self) -> float | None:
        """Deltas per second after the first token."""
        tail = self.tail_s
        return (self.deltas - 1) / tail if tail > 0 and self.deltas > 1 else None


def _content_of(payload: bytes) -> str | None:
    """``choices[0].delta.content`` of one chunk's JSON, if it is a string."""
    event = orjson.loads(payload)
    for choice in event.get("choices") or ():
        delta = choice.get("delta") if isinstance(choice, dict) else None
        if isinstance(delta, dict) and isinstance(delta.get("content"), str):
            return str(delta["content"])
    return None


async def _read_stream(response: aiohttp.ClientResponse, result: StreamResult,
                       started: float, first_only: bool) -> None:
    """Read the SSE lines of one answer into ``result`` (to ``[DONE]``, or the first token)."""
    async for line in response.content:
        if not line.startswith(b"data: "):
            continue
        payload = line[6:].strip()
        if payload == b"[DONE]":
            result.done = True
            break
        content = _content_of(payload)
        if content is None:
            continue
        now_ms = (time.perf_counter() - started) * 1000
        if content and result.ttft_ms is None:
            result.ttft_ms = now_ms
            if first_only:
                result.done = True
                result.parts.append(content)
                break
        if result.ttft_ms is not None:
            result.deltas += 1
            result.parts.append(content)
            if content:
                result.last_ms = now_ms


async def stream_once(session: aiohttp.ClientSession, url: str, index: int, body: bytes,
                      headers: dict[str, str], first_only: bool = False) -> StreamResult:
    """Send one streamed request and read its answer to the end (to the first token only
    with ``first_only``: the connection is then closed, which cancels the stream)."""
    result = StreamResult(index)
    started = time.perf_counter()
    try:
        async with session.post(url, data=body, headers={
                "Content-Type": "application/json", **headers}) as response:
            result.status = response.status
            if response.status != 200:
                result.error = (await response.read())[:300].decode("utf-8", "replace")
                return result
            await _read_stream(response, result, started, first_only)
    except (TimeoutError, aiohttp.ClientError, ValueError) as exc:
        result.error = f"{type(exc).__name__}: {exc}"
    return result


async def run_load(url: str, body_for: BodyFor, headers_for: HeadersFor, concurrency: int,
                   total: int, stagger_s: float, first_index: int = 0,
                   first_only: bool = False) -> list[StreamResult]:
    """``total`` requests by ``concurrency`` closed-loop clients, client i starting after
    ``i * stagger_s`` (so arrivals spread over a stream's length instead of coming in waves)."""
    counter = itertools.count()
    results: list[StreamResult] = []
    timeout = aiohttp.ClientTimeout(total=300, sock_read=60)
    connector = aiohttp.TCPConnector(limit=concurrency, force_close=False)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:

        async def client(number: int) -> None:
            await asyncio.sleep(number * stagger_s)
            while (n := next(counter)) < total:
                index = first_index + n
                results.append(await stream_once(session, url, index, body_for(index),
                                                 headers_for(index), first_only))

        await asyncio.gather(*(client(i) for i in range(concurrency)))
    return sorted(results, key=lambda r: r.index)


def summarize(results: list[StreamResult]) -> dict[str, Any]:
    """Counts of one phase (the figures are computed over phases in ``core``)."""
    return {"requests": len(results), "ok": sum(r.ok for r in results),
            "errors": sorted({r.error or f"status {r.status}" for r in results if not r.ok})}
