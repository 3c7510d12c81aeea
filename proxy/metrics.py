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
  from the detection pool at scrape time.
- ``contract_info{version}``: 1 for the contract version in force.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Iterator
from typing import Any, Protocol

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest
from prometheus_client.registry import Collector

from proxy.audit import AuditRecord
from proxy.report import MessageReport

log = logging.getLogger("proxy.metrics")

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

    def collect(self) -> Iterator[GaugeMetricFamily]:
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


class _PathBudget:
    """Caps the distinct label sets of one path-labelled metric."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._seen: set[tuple[str, ...]] = set()
        self._lock = threading.Lock()

    def label(self, key: tuple[str, ...], path: str) -> str:
        full = key + (path,)
        with self._lock:
            if full in self._seen:
                return path
            if len(self._seen) < self._limit:
                self._seen.add(full)
                return path
        return OTHER_PATH


class ProxyMetrics:
    """The metrics of one proxy app, in a registry of its own."""

    def __init__(self, max_path_series: int = DEFAULT_MAX_PATH_SERIES) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.requests = Counter(f"{PREFIX}_requests", "Exchanges answered.",
                                ["vendor", "route", "status", "outcome"], registry=r)
        self.rejected = Counter(f"{PREFIX}_rejected", "Exchanges refused; nothing forwarded.",
                                ["vendor", "reason"], registry=r)
        path_labels = ["vendor", "route", "direction", "path"]
        self.dropped = Counter(f"{PREFIX}_fields_dropped",
                               "Messages in which a path was dropped.", path_labels, registry=r)
        self.transformed = Counter(f"{PREFIX}_fields_transformed",
                                   "Messages in which a path was transformed.",
                                   path_labels + ["action"], registry=r)
        self.unlisted = Counter(f"{PREFIX}_unlisted_fields",
                                "Schema drift: messages carrying a field no contract names.",
                                path_labels, registry=r)
        self.wrong_shape = Counter(f"{PREFIX}_wrong_shape",
                                   "Values dropped for not having the shape the contract expects.",
                                   path_labels, registry=r)
        self.entities = Counter(f"{PREFIX}_entities_redacted", "PII entities replaced.",
                                ["vendor", "direction", "entity_type"], registry=r)
        self.exchange_seconds = Histogram(f"{PREFIX}_exchange_duration_seconds",
                                          "Time from request to answer.", ["vendor"],
                                          buckets=_LATENCY_BUCKETS, registry=r)
        self.detection_seconds = Histogram(f"{PREFIX}_detection_duration_seconds",
                                           "Time spent waiting for detection, per exchange.",
                                           ["vendor"], buckets=_DETECTION_BUCKETS, registry=r)
        self.upstream_seconds = Histogram(f"{PREFIX}_upstream_duration_seconds",
                                          "Time the vendor took to answer.", ["vendor", "route"],
                                          buckets=_LATENCY_BUCKETS, registry=r)
        self.contract_info = Gauge(f"{PREFIX}_contract_info",
                                   "1 for the contract version in force.", ["version"],
                                   registry=r)
        self._detector = _DetectorCollector()
        r.register(self._detector)
        self._budgets = {name: _PathBudget(max_path_series)
                         for name in ("dropped", "transformed", "unlisted", "wrong_shape")}
        self._version: str | None = None
        self._version_lock = threading.Lock()
        # Label children by (metric, label values): prometheus_client's labels() validates and
        # locks on every call, which showed in profiles; label sets are bounded by the budgets.
        self._children: dict[tuple[object, tuple[str, ...]], Any] = {}

    def _child(self, metric: Any, *labels: str) -> Any:
        key = (metric, labels)
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = metric.labels(*labels)
        return child

    # -- wiring ---------------------------------------------------------------------------------

    def watch_detector(self, detector: object) -> None:
        """Expose the pool's queue depth, worker count and readiness as gauges."""
        self._detector.detector = detector

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
            self._observe(record)
        except Exception:  # a metrics bug must not turn into a failed request
            log.exception("metrics: could not observe an exchange")

    def _observe(self, record: AuditRecord) -> None:
        vendor = record.vendor or NO_LABEL
        route = record.route or NO_LABEL
        self._child(self.requests, vendor, route, str(record.status), record.outcome).inc()
        if record.outcome == "rejected":
            self._child(self.rejected, vendor, record.reason or "error").inc()
        self._child(self.exchange_seconds, vendor).observe(record.duration_ms / 1000)
        if record.detection_ms is not None:
            self._child(self.detection_seconds, vendor).observe(record.detection_ms / 1000)
        if record.upstream_ms is not None:
            self._child(self.upstream_seconds, vendor, route).observe(record.upstream_ms / 1000)
        self._observe_report(vendor, route, "request", record.request)
        if record.response is not None:
            self._observe_report(vendor, route, "response", record.response)

    def _observe_report(self, vendor: str, route: str, direction: str,
                        report: MessageReport) -> None:
        key = (vendor, route, direction)
        unlisted: Iterable[str] = getattr(report, "unlisted", ())
        for name, counter, paths in (
            ("dropped", self.dropped, report.dropped),
            ("unlisted", self.unlisted, unlisted),
            ("wrong_shape", self.wrong_shape, report.wrong_shape),
        ):
            budget = self._budgets[name]
            for path in paths:
                self._child(counter, vendor, route, direction, budget.label(key, path)).inc()
        budget = self._budgets["transformed"]
        for path, action in report.transformed.items():
            self._child(self.transformed, vendor, route, direction,
                        budget.label(key + (action,), path), action).inc()
        for entity_type, count in report.entities.items():
            self._child(self.entities, vendor, direction, entity_type).inc(count)

    # -- exposition -----------------------------------------------------------------------------

    def render(self) -> bytes:
        """The registry in the Prometheus text format."""
        return generate_latest(self.registry)
