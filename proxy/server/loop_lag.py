"""Event-loop lag of the serving process, as Prometheus metrics.

Detection runs in worker processes so that the event loop never waits on NER; this module is how
that promise is watched in production and in the soak harness (``benchmarks/soak``). A task wakes
every ``interval_s`` and records how late it woke: the time the loop was busy with something
else (a slow callback, a blocking call, a long garbage collection).

- ``event_loop_lag_seconds`` (histogram): every wake-up's lateness, cumulative, so any number of
  scrapers can take rates and quantiles from it.
- ``event_loop_lag_max_seconds`` (gauge): the worst lateness since the previous scrape (0 when
  none came in), so a scraper sees a stall even if it lasted less than its scrape interval.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from bisect import bisect_left
from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.registry import Collector
from prometheus_client.utils import floatToGoString

PREFIX = "privacy_proxy"
DEFAULT_INTERVAL_S = 0.1
# A healthy loop is late by well under a millisecond; a stall worth noticing is tens of ms.
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


class LoopLagMonitor(Collector):
    """Measures the running loop's lag; register it with a ``CollectorRegistry`` to expose it."""

    def __init__(self, interval_s: float = DEFAULT_INTERVAL_S) -> None:
        self.interval_s = interval_s
        self._bounds = (*BUCKETS, float("inf"))
        self._counts = [0] * len(self._bounds)
        self._sum = 0.0
        self._worst = 0.0  # since the last scrape
        self._lock = threading.Lock()  # observe() on the loop, collect() in a scrape thread
        self._task: asyncio.Task[None] | None = None

    def observe(self, lag_s: float) -> None:
        """Count one wake-up that came ``lag_s`` seconds late."""
        lag_s = max(0.0, lag_s)
        with self._lock:
            self._counts[bisect_left(self._bounds, lag_s)] += 1
            self._sum += lag_s
            self._worst = max(self._worst, lag_s)

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            due = loop.time() + self.interval_s
            await asyncio.sleep(self.interval_s)
            self.observe(loop.time() - due)

    def start(self) -> None:
        """Start measuring on the running loop."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def collect(self) -> Iterator[GaugeMetricFamily | HistogramMetricFamily]:
        with self._lock:
            counts, total, worst = list(self._counts), self._sum, self._worst
            self._worst = 0.0
        yield GaugeMetricFamily(f"{PREFIX}_event_loop_lag_max_seconds",
                                "Worst event-loop lag since the previous scrape.", value=worst)
        cumulative, acc = [], 0
        for bound, count in zip(self._bounds, counts, strict=True):
            acc += count
            cumulative.append((floatToGoString(bound), float(acc)))
        histogram = HistogramMetricFamily(f"{PREFIX}_event_loop_lag_seconds",
                                          "How late the event loop woke a timer.")
        histogram.add_metric([], cumulative, total)
        yield histogram

    def describe(self) -> Iterator[GaugeMetricFamily | HistogramMetricFamily]:
        # Names only, without resetting the worst value (registries call this at register time).
        yield GaugeMetricFamily(f"{PREFIX}_event_loop_lag_max_seconds", "", value=0.0)
        yield HistogramMetricFamily(f"{PREFIX}_event_loop_lag_seconds", "")
