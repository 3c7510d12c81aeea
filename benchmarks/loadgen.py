"""The load generator: an aiohttp client that posts the payloads closed-loop or open-loop.

Closed loop (``closed_loop``): ``concurrency`` tasks each send the next payload as soon as their
previous answer arrived; this measures throughput at a fixed concurrency. Open loop
(``open_loop``): requests start at a fixed rate whatever the answers, which is how overload
looks (callers do not slow down because the proxy does). A progress bar shows requests done.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import aiohttp
from tqdm import tqdm

from benchmarks.payloads import Payload

_HEADERS = {"Content-Type": "application/json", "Authorization": "Bearer bench-key"}


@dataclass
class LoadResult:
    """What one load phase measured; latencies in milliseconds, of answered requests only."""

    name: str
    duration_s: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)  # status < 500 or a 503 answer
    ok_latencies_ms: list[float] = field(default_factory=list)  # 2xx only
    statuses: Counter[int] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)  # client-side: timeouts, resets
    retry_after_seen: int = 0
    rejected_latencies_ms: list[float] = field(default_factory=list)  # 503 answers

    @property
    def sent(self) -> int:
        return sum(self.statuses.values()) + sum(self.errors.values())

    @property
    def ok(self) -> int:
        return sum(n for status, n in self.statuses.items() if 200 <= status < 300)

    @property
    def throughput_rps(self) -> float:
        return self.ok / self.duration_s if self.duration_s else 0.0


class _Progress:
    def __init__(self, label: str, seconds: float, quiet: bool) -> None:
        self._bar = tqdm(total=round(seconds), desc=f"{label:<28}", unit="s", leave=False,
                         disable=quiet, bar_format="{desc} {bar} {n_fmt}/{total_fmt}s {postfix}")

    async def run(self, result: LoadResult, seconds: float) -> None:
        started = time.perf_counter()
        try:
            while True:
                await asyncio.sleep(0.5)
                elapsed = time.perf_counter() - started
                self._bar.n = min(round(elapsed), self._bar.total)
                self._bar.set_postfix_str(f"{result.sent} req, {result.ok / elapsed:,.0f} ok/s")
                if elapsed >= seconds:
                    return
        finally:
            self._bar.close()


async def _post(session: aiohttp.ClientSession, url: str, body: bytes,
                result: LoadResult, record: bool) -> None:
    started = time.perf_counter()
    try:
        async with session.post(url, data=body, headers=_HEADERS) as answer:
            await answer.read()
            status = answer.status
            retry_after = "Retry-After" in answer.headers
    except (TimeoutError, aiohttp.ClientError) as exc:
        if record:
            result.errors[type(exc).__name__] += 1
        return
    if not record:
        return
    elapsed = (time.perf_counter() - started) * 1000
    result.statuses[status] += 1
    if 200 <= status < 300:
        result.ok_latencies_ms.append(elapsed)
    if status == 503:
        result.rejected_latencies_ms.append(elapsed)
        result.retry_after_seen += retry_after
    result.latencies_ms.append(elapsed)


async def closed_loop(name: str, url: str, payloads: Sequence[Payload], concurrency: int,
                      seconds: float, warmup_s: float, quiet: bool = False,
                      timeout_s: float = 30.0) -> LoadResult:
    """``concurrency`` tasks send back to back for ``warmup_s`` (not recorded) then ``seconds``."""
    result = LoadResult(name)
    bodies = itertools.cycle([p.body for p in payloads])
    connector = aiohttp.TCPConnector(limit=concurrency, force_close=False)
    timeout = aiohttp.ClientTimeout(total=timeout_s)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        phase = {"record": False, "stop": False}

        async def user() -> None:
            while not phase["stop"]:
                await _post(session, url, next(bodies), result, phase["record"])

        users = [asyncio.create_task(user()) for _ in range(concurrency)]
        await asyncio.sleep(warmup_s)
        phase["record"] = True
        started = time.perf_counter()
        await _Progress(name, seconds, quiet).run(result, seconds)
        phase["stop"] = True
        result.duration_s = time.perf_counter() - started
        await asyncio.gather(*users)
    return result


async def open_loop(name: str, url: str, payloads: Sequence[Payload], rate_rps: float,
                    seconds: float, quiet: bool = False, timeout_s: float = 30.0,
                    max_in_flight: int = 4096) -> LoadResult:
    """Start ``rate_rps`` requests a second for ``seconds``, whatever the answers."""
    result = LoadResult(name)
    bodies = itertools.cycle([p.body for p in payloads])
    connector = aiohttp.TCPConnector(limit=max_in_flight)
    timeout = aiohttp.ClientTimeout(total=timeout_s)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        tasks: set[asyncio.Task[None]] = set()
        progress = asyncio.create_task(_Progress(name, seconds, quiet).run(result, seconds))
        started = time.perf_counter()
        interval = 1.0 / rate_rps
        for n in itertools.count():
            due = started + n * interval
            now = time.perf_counter()
            if due - started >= seconds:
                break
            if due > now:
                await asyncio.sleep(due - now)
            if len(tasks) >= max_in_flight:
                result.errors["generator_saturated"] += 1
                continue
            task = asyncio.create_task(_post(session, url, next(bodies), result, True))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        await asyncio.gather(*tasks)
        result.duration_s = time.perf_counter() - started
        await progress
    return result
