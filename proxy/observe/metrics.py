"""Prometheus metrics of one proxy, derived from the audit record of each exchange.

The exchange calls ``ProxyMetrics.observe_exchange(record)`` once, at its end; every counter and
histogram is derived from the ``AuditRecord`` (vendor, route, status, outcome, reason, report
paths, entity counts, latencies). Labels therefore hold only what the audit record holds: names
from the contracts, status codes, reason codes, entity types and audit paths, which are
value-free (list positions collapsed to ``[*]``, data-shaped keys shown as ``<key>``). No value
of a payload ever becomes a label.

Path labels are bounded: each path-labelled metric keeps at most ``max_path_series`` distinct
label sets; past that, new paths are counted under ``path="<other>"`` so a payload with thousands
of distinct keys cannot blow up the scrape.

Each ``ProxyMetrics`` owns its own ``CollectorRegistry`` (never the process-global one), so
several proxies can run in one process (tests) without clashing.

Counters and histograms are plain numbers updated under one lock per exchange and turned into
samples at scrape time, with the same names, labels and samples (``_created`` included) as
prometheus_client's own classes, which lock and validate on each of the dozen increments an
exchange makes.

Metric names (all prefixed ``privacy_proxy_``):

- ``requests_total{vendor,route,status,outcome}``: exchanges answered.
- ``rejected_total{vendor,reason}``: exchanges refused (nothing forwarded), by reason code.
- ``fields_dropped_total{vendor,route,direction,path}``: messages in which a path was dropped.
- ``fields_transformed_total{vendor,route,direction,path,action}``: messages in which a path was
  redacted, masked, pseudonymized or generalized.
- ``unlisted_fields_total{vendor,route,direction,path}``: schema drift, messages carrying a
  body field or query parameter that no selector of the contract names.
- ``wrong_shape_total{vendor,route,direction,path}``: values dropped for not having the shape
  the contract expects.
- ``entities_redacted_total{vendor,direction,entity_type}``: PII entities replaced in free text.
- ``exchange_duration_seconds{vendor}``, ``detection_duration_seconds{vendor}``,
  ``upstream_duration_seconds{vendor,route}``: histograms.
- ``detection_queue_depth``, ``detection_workers``, ``detection_workers_ready``: gauges read
  from the detection pool at scrape time; ``detection_batches_total`` and
  ``detection_batch_texts_total``: counters read the same way (their ratio is the mean batch
  size, which decides spaCy's cost per text).
- ``contract_info{version}``: 1 for the contract version in force.
- ``event_loop_lag_seconds``, ``event_loop_lag_max_seconds``: see ``proxy.server.loop_lag``.
"""

from __future__ import annotations

import logging
import threading
import time
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from typing import Any, Protocol

from prometheus_client import CollectorRegistry, Gauge
from prometheus_client import metrics as _prometheus_metrics
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest
from prometheus_client.registry import Collector
from prometheus_client.samples import Sample
from prometheus_client.utils import floatToGoString

from proxy.enforce.report import MessageReport
from proxy.observe.audit import AuditRecord
from proxy.observe.evidence import Evidence

log = logging.getLogger("proxy.observe.metrics")

PREFIX = "privacy_proxy"
OTHER_PATH = "<other>"
NO_LABEL = ""  # vendor or route unknown (e.g. unknown vendor): never the raw request path
DEFAULT_MAX_PATH_SERIES = 2000

# Detection is tens of ms, upstreams up to the timeout (30 s by default).
_DETECTION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)

CONTENT_TYPE = CONTENT_TYPE_LATEST


class DetectorGauges(Protocol):
    """What the pool exposes for the gauges (``recognizers.DetectionPool``)."""

    @property
    def ready(self) -> bool: ...

    @property
    def queue_depth(self) -> int: ...

    @property
    def worker_count(self) -> int: ...


class _DetectorCollector(Collector):
    """Reads the detection pool at scrape time (no polling task)."""

    def __init__(self) -> None:
        self.detector: Any = None

    def collect(self) -> Iterator[GaugeMetricFamily | CounterMetricFamily]:
        detector = self.detector
        if detector is None:
            return
        depth = getattr(detector, "queue_depth", None)
        if depth is not None:
            yield GaugeMetricFamily(f"{PREFIX}_detection_queue_depth",
                                    "Detection jobs waiting for a worker.", value=float(depth))
        workers = getattr(detector, "worker_count", None)
        if workers is not None:
            yield GaugeMetricFamily(f"{PREFIX}_detection_workers",
                                    "Detection worker processes configured.",
                                    value=float(workers))
        yield GaugeMetricFamily(f"{PREFIX}_detection_workers_ready",
                                "1 when every detection worker is warm.",
                                value=1.0 if getattr(detector, "ready", True) else 0.0)
        batches = getattr(detector, "batches_sent", None)
        texts = getattr(detector, "texts_sent", None)
        if batches is not None and texts is not None:
            yield CounterMetricFamily(f"{PREFIX}_detection_batches",
                                      "Batches sent to detection workers.", value=float(batches))
            yield CounterMetricFamily(f"{PREFIX}_detection_batch_texts",
                                      "Texts in the batches sent to detection workers.",
                                      value=float(texts))


class _AuditCollector(Collector):
    """Reads the audit trail (observe.audit_trail) at scrape time: failed writes, writability."""

    def __init__(self) -> None:
        self.trail: Any = None

    def collect(self) -> Iterator[GaugeMetricFamily | CounterMetricFamily]:
        trail = self.trail
        if trail is None:
            return
        failures = CounterMetricFamily(f"{PREFIX}_audit_write_failures",
                                       "Audit lines that could not be written, by phase.",
                                       labels=["phase"])
        for phase, count in sorted(trail.failures.items()):
            failures.add_metric([phase], float(count))
        yield failures
        yield GaugeMetricFamily(f"{PREFIX}_audit_writable",
                                "1 while the audit sink takes lines (else exchanges are refused).",
                                value=1.0 if trail.writable else 0.0)


def _created_series() -> bool:
    # prometheus_client's own switch (PROMETHEUS_DISABLE_CREATED_SERIES), so the output matches
    # what its Counter and Histogram would print.
    return bool(getattr(_prometheus_metrics, "_use_created", True))


class _Counter:
    """A labelled counter kept as plain numbers, exposed like prometheus_client's ``Counter``.

    prometheus_client takes a lock and validates on every ``inc``; an exchange makes a dozen of
    them, so the counts live here (updated under ``ProxyMetrics``' one lock per exchange) and are
    turned into samples at scrape time.
    """

    def __init__(self, name: str, documentation: str, labelnames: tuple[str, ...]) -> None:
        self.name = name
        self.documentation = documentation
        self.labelnames = labelnames
        # label values -> [value, created]; insertion order is the exposition order.
        self.series: dict[tuple[str, ...], list[float]] = {}

    def inc(self, labels: tuple[str, ...], amount: float = 1.0) -> None:
        """Add ``amount``; the caller holds the metrics lock."""
        cell = self.series.get(labels)
        if cell is None:
            self.series[labels] = [amount, time.time()]
        else:
            cell[0] += amount

    def snapshot(self) -> list[tuple[tuple[str, ...], list[float]]]:
        """A copy of every series; the caller holds the metrics lock."""
        return [(labels, list(cell)) for labels, cell in self.series.items()]

    def family(self, series: list[tuple[tuple[str, ...], list[float]]]) -> CounterMetricFamily:
        out = CounterMetricFamily(self.name, self.documentation, labels=self.labelnames)
        created = _created_series()
        for labels, (value, since) in series:
            out.add_metric(labels, value, created=since if created else None)
        return out


class _PathCounter(_Counter):
    """A counter labelled ``vendor, route, direction, path`` (and for some ``action``).

    Series are grouped by their labels other than the path, so a message's paths are counted
    with one dictionary lookup each (no label tuple built and hashed per path). At most
    ``max_series`` distinct label sets are admitted; later paths count under ``path="<other>"``.
    """

    def __init__(self, name: str, documentation: str, labelnames: tuple[str, ...],
                 max_series: int) -> None:
        super().__init__(name, documentation, labelnames)
        # (vendor, route, direction[, action]) -> path -> [value, created]
        self.groups: dict[tuple[str, ...], dict[str, list[float]]] = {}
        self._max_series = max_series
        self._admitted = 0

    def group(self, key: tuple[str, ...]) -> dict[str, list[float]]:
        """The series of one label set but the path; the caller holds the metrics lock."""
        paths = self.groups.get(key)
        if paths is None:
            paths = self.groups[key] = {}
        return paths

    def new_path(self, paths: dict[str, list[float]], path: str) -> None:
        """Count a path not yet in ``paths`` (one of ``group``), within the series budget."""
        if self._admitted >= self._max_series:
            cell = paths.get(OTHER_PATH)
            if cell is not None:
                cell[0] += 1.0
                return
            path = OTHER_PATH
        else:
            self._admitted += 1
        paths[path] = [1.0, time.time()]

    def snapshot(self) -> list[tuple[tuple[str, ...], list[float]]]:
        return [(key[:3] + (path,) + key[3:], list(cell))
                for key, paths in self.groups.items() for path, cell in paths.items()]


class _Histogram:
    """A labelled histogram kept as plain numbers, exposed like prometheus_client's."""

    def __init__(self, name: str, documentation: str, labelnames: tuple[str, ...],
                 buckets: tuple[float, ...]) -> None:
        self.name = name
        self.documentation = documentation
        self.labelnames = labelnames
        self._bounds = (*buckets, float("inf"))
        self._le = [floatToGoString(b) for b in self._bounds]
        # label values -> [per-bucket counts, sum, created]
        self.series: dict[tuple[str, ...], list[Any]] = {}

    def observe(self, labels: tuple[str, ...], amount: float) -> None:
        """Count ``amount`` in the first bucket whose bound is >= it; the caller holds the lock."""
        cell = self.series.get(labels)
        if cell is None:
            cell = self.series[labels] = [[0] * len(self._bounds), 0.0, time.time()]
        cell[0][bisect_left(self._bounds, amount)] += 1
        cell[1] += amount

    def snapshot(self) -> list[tuple[tuple[str, ...], list[Any]]]:
        """A copy of every series; the caller holds the metrics lock."""
        return [(labels, [list(cell[0]), cell[1], cell[2]])
                for labels, cell in self.series.items()]

    def family(self, series: list[tuple[tuple[str, ...], list[Any]]]) -> HistogramMetricFamily:
        out = HistogramMetricFamily(self.name, self.documentation, labels=self.labelnames)
        created = _created_series()
        for labels, (counts, total, since) in series:
            cumulative, acc = [], 0.0
            for le, count in zip(self._le, counts, strict=True):
                acc += count
                cumulative.append((le, acc))
            out.add_metric(labels, cumulative, total)
            if created:
                out.samples.append(Sample(self.name + "_created",
                                          dict(zip(self.labelnames, labels, strict=True)),
                                          since, None, None))
        return out


class _ExchangeCollector(Collector):
    """Exposes the counters and histograms of ``ProxyMetrics`` at scrape time."""

    def __init__(self, owner: ProxyMetrics) -> None:
        self._owner = owner

    def collect(self) -> Iterator[CounterMetricFamily | HistogramMetricFamily]:
        owner = self._owner
        with owner._lock:  # a consistent copy; the exchange side never waits on exposition
            snapshot = [(metric, metric.snapshot()) for metric in owner._families]
        for metric, series in snapshot:
            yield metric.family(series)  # type: ignore[arg-type]


class ProxyMetrics:
    """The metrics of one proxy app, in a registry of its own."""

    def __init__(self, max_path_series: int = DEFAULT_MAX_PATH_SERIES) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.requests = _Counter(f"{PREFIX}_requests", "Exchanges answered.",
                                 ("vendor", "route", "status", "outcome"))
        self.rejected = _Counter(f"{PREFIX}_rejected", "Exchanges refused; nothing forwarded.",
                                 ("vendor", "reason"))
        path_labels = ("vendor", "route", "direction", "path")
        self.dropped = _PathCounter(f"{PREFIX}_fields_dropped",
                                    "Messages in which a path was dropped.", path_labels,
                                    max_path_series)
        self.transformed = _PathCounter(f"{PREFIX}_fields_transformed",
                                        "Messages in which a path was transformed.",
                                        (*path_labels, "action"), max_path_series)
        self.unlisted = _PathCounter(f"{PREFIX}_unlisted_fields",
                                     "Schema drift: messages carrying a field no contract names.",
                                     path_labels, max_path_series)
        self.wrong_shape = _PathCounter(f"{PREFIX}_wrong_shape",
                                        "Values dropped for not having the shape the contract "
                                        "expects.", path_labels, max_path_series)
        self.entities = _Counter(f"{PREFIX}_entities_redacted", "PII entities replaced.",
                                 ("vendor", "direction", "entity_type"))
        self.exchange_seconds = _Histogram(f"{PREFIX}_exchange_duration_seconds",
                                           "Time from request to answer.", ("vendor",),
                                           _LATENCY_BUCKETS)
        self.detection_seconds = _Histogram(f"{PREFIX}_detection_duration_seconds",
                                            "Time spent waiting for detection, per exchange.",
                                            ("vendor",), _DETECTION_BUCKETS)
        self.upstream_seconds = _Histogram(f"{PREFIX}_upstream_duration_seconds",
                                           "Time the vendor took to answer.", ("vendor", "route"),
                                           _LATENCY_BUCKETS)
        # Exposition order of the families (the order they were registered in before).
        self._families: tuple[_Counter | _Histogram, ...] = (
            self.requests, self.rejected, self.dropped, self.transformed, self.unlisted,
            self.wrong_shape, self.entities, self.exchange_seconds, self.detection_seconds,
            self.upstream_seconds)
        self._lock = threading.Lock()
        r.register(_ExchangeCollector(self))
        self.contract_info = Gauge(f"{PREFIX}_contract_info",
                                   "1 for the contract version in force.", ["version"],
                                   registry=r)
        self._detector = _DetectorCollector()
        r.register(self._detector)
        self._audit = _AuditCollector()
        r.register(self._audit)
        self._version: str | None = None
        self._version_lock = threading.Lock()
        self._status_labels: dict[int, str] = {}
        self.evidence = Evidence()  # the data map's live counts (proxy.observe.evidence)

    # -- wiring ---------------------------------------------------------------------------------

    def watch_detector(self, detector: object) -> None:
        """Expose the pool's queue depth, worker count and readiness as gauges."""
        self._detector.detector = detector

    def watch_audit(self, trail: object) -> None:
        """Expose the audit trail's failed writes and writability."""
        self._audit.trail = trail

    def watch_loop_lag(self, monitor: Collector) -> None:
        """Expose the event loop's lag (a ``proxy.server.loop_lag.LoopLagMonitor``)."""
        self.registry.register(monitor)

    def set_contract_version(self, version: str) -> None:
        """Mark ``version`` as the contract version in force (call again after a reload)."""
        with self._version_lock:
            if self._version is not None and self._version != version:
                self.contract_info.remove(self._version)
            self._version = version
            self.contract_info.labels(version=version).set(1)

    # -- observation ----------------------------------------------------------------------------

    def observe_exchange(self, record: AuditRecord) -> None:
        """Count one finished exchange; never raises (metrics must not fail an exchange)."""
        try:
            with self._lock:
                self._observe(record)
            self.evidence.observe(record)
        except Exception:  # a metrics bug must not turn into a failed request
            log.exception("metrics: could not observe an exchange")

    def _observe(self, record: AuditRecord) -> None:
        vendor = record.vendor or NO_LABEL
        route = record.route or NO_LABEL
        status = self._status_labels.get(record.status)
        if status is None:
            status = str(record.status)
            if len(self._status_labels) < 1000:
                self._status_labels[record.status] = status
        self.requests.inc((vendor, route, status, record.outcome))
        if record.outcome == "rejected":
            self.rejected.inc((vendor, record.reason or "error"))
        self.exchange_seconds.observe((vendor,), record.duration_ms / 1000)
        if record.detection_ms is not None:
            self.detection_seconds.observe((vendor,), record.detection_ms / 1000)
        if record.upstream_ms is not None:
            self.upstream_seconds.observe((vendor, route), record.upstream_ms / 1000)
        self._observe_report(vendor, route, "request", record.request)
        if record.response is not None:
            self._observe_report(vendor, route, "response", record.response)

    def _observe_report(self, vendor: str, route: str, direction: str,
                        report: MessageReport) -> None:
        unlisted: Iterable[str] = getattr(report, "unlisted", ())
        key = (vendor, route, direction)
        for counter, paths in ((self.dropped, report.dropped), (self.unlisted, unlisted),
                               (self.wrong_shape, report.wrong_shape)):
            if not paths:
                continue
            series = counter.group(key)
            for path in paths:
                cell = series.get(path)
                if cell is None:
                    counter.new_path(series, path)
                else:
                    cell[0] += 1.0
        for path, action in report.transformed.items():
            series = self.transformed.group((vendor, route, direction, action))
            cell = series.get(path)
            if cell is None:
                self.transformed.new_path(series, path)
            else:
                cell[0] += 1.0
        for entity_type, count in report.entities.items():
            self.entities.inc((vendor, direction, entity_type), count)

    # -- exposition -----------------------------------------------------------------------------

    def render(self) -> bytes:
        """The registry in the Prometheus text format."""
        return generate_latest(self.registry)
