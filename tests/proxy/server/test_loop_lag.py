"""The event-loop lag monitor (proxy.server.loop_lag): it sees a blocked loop and exposes it."""

from __future__ import annotations

import asyncio
import time

from prometheus_client.parser import text_string_to_metric_families

from proxy.observe.metrics import ProxyMetrics
from proxy.server.loop_lag import LoopLagMonitor


def _samples(metrics: ProxyMetrics) -> dict[str, float]:
    out: dict[str, float] = {}
    for family in text_string_to_metric_families(metrics.render().decode()):
        for sample in family.samples:
            if "event_loop_lag" in sample.name:
                key = sample.name + "".join(f"|{v}" for v in sample.labels.values())
                out[key] = sample.value
    return out


async def test_a_blocked_loop_shows_as_lag_and_the_worst_resets_at_each_scrape() -> None:
    metrics = ProxyMetrics()
    monitor = LoopLagMonitor(interval_s=0.02)
    metrics.watch_loop_lag(monitor)
    monitor.start()
    try:
        await asyncio.sleep(0.1)
        asyncio.get_running_loop().call_soon(time.sleep, 0.3)  # a slow callback blocks the loop
        await asyncio.sleep(0.5)
    finally:
        await monitor.stop()

    first = _samples(metrics)
    assert first["privacy_proxy_event_loop_lag_max_seconds"] >= 0.2
    assert first["privacy_proxy_event_loop_lag_seconds_count"] >= 5
    assert first["privacy_proxy_event_loop_lag_seconds_bucket|0.1"] \
        < first["privacy_proxy_event_loop_lag_seconds_count"]  # the stall is above 100 ms
    assert first["privacy_proxy_event_loop_lag_seconds_sum"] >= 0.2

    second = _samples(metrics)
    assert second["privacy_proxy_event_loop_lag_max_seconds"] == 0.0  # since the last scrape
    assert second["privacy_proxy_event_loop_lag_seconds_count"] \
        == first["privacy_proxy_event_loop_lag_seconds_count"]  # the histogram is cumulative


def test_observe_counts_negative_lateness_as_zero() -> None:
    monitor = LoopLagMonitor()
    monitor.observe(-0.5)
    monitor.observe(0.003)
    gauge, histogram = list(monitor.collect())

    assert gauge.samples[0].value == 0.003
    buckets = {s.labels["le"]: s.value for s in histogram.samples if s.name.endswith("_bucket")}
    assert buckets["0.001"] == 1 and buckets["0.005"] == 2 and buckets["+Inf"] == 2
