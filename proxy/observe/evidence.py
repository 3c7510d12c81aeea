"""What actually went out, counted for the data map: since start and over the last 24 hours.

``Evidence.observe(record)`` is called once per finished exchange (by ``ProxyMetrics``) with its
``AuditRecord``; it counts exchanges, the request paths sent per action (the data map turns them
into data categories), paths dropped, entities redacted by type, requests and records blocked by
the policy by reason, fail-closed answers by reason, schema drift (paths no contract names),
shadow-mode would-reject counts, and the time of the last disclosure per vendor. A shadow-mode
exchange is forwarded as it came, so every path it carried counts as sent with ``shadow``.

Keys hold what the audit record holds: contract names, reason codes, entity types and audit
paths (value-free). Distinct keys are bounded (``max_keys``); past that, new paths count under
``<other>``. The 24-hour view sums hourly buckets (the current hour and the 23 before it).
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from proxy.observe.audit import AuditRecord

# Rejections decided by the privacy policy (proxy.policy.gate); every other rejection is the
# proxy failing closed (it could not check, or the contract does not allow the request).
POLICY_REASONS = frozenset({
    "subject_unidentified", "subject_age_unknown", "subject_minor", "subject_region_unknown",
    "transfer_not_allowed", "subject_erased", "subject_opted_out", "all_records_blocked",
})
OTHER = "<other>"
_HOUR = 3600.0
_WINDOW_HOURS = 24

Key = tuple[str, ...]


def _iso(when: float) -> str:
    return datetime.fromtimestamp(when, UTC).isoformat(timespec="seconds")


class Evidence:
    """Counters of one proxy's exchanges, for the data map (``snapshot``)."""

    def __init__(self, clock: Callable[[], float] = time.time, max_keys: int = 5000) -> None:
        self._clock = clock
        self.started = clock()
        self._max_keys = max_keys
        self._total: Counter[Key] = Counter()
        self._hours: dict[int, Counter[Key]] = {}
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()

    def observe(self, record: AuditRecord) -> None:
        """Count one finished exchange (the caller guards against exceptions)."""
        keys = self._keys(record)
        now = self._clock()
        hour = int(now // _HOUR)
        with self._lock:
            bucket = self._hours.get(hour)
            if bucket is None:
                bucket = self._hours[hour] = Counter()
                for old in [h for h in self._hours if h <= hour - _WINDOW_HOURS]:
                    del self._hours[old]
            for key, amount in keys:
                if key not in self._total and len(self._total) >= self._max_keys:
                    key = (*key[:-1], OTHER)
                self._total[key] += amount
                bucket[key] += amount
            if record.vendor and record.outcome in ("forwarded", "shadow", "withheld") and (
                    record.request.kept or record.request.transformed):
                self._last[record.vendor] = now

    def _keys(self, record: AuditRecord) -> list[tuple[Key, int]]:
        vendor = record.vendor or ""
        route = record.route or ""
        out: list[tuple[Key, int]] = [(("exchanges", vendor, route, record.outcome), 1)]
        reason = record.reason or "error"
        if record.outcome == "rejected":
            kind = "blocked_requests" if reason in POLICY_REASONS else "fail_closed"
            out.append(((kind, vendor, reason), 1))
        if record.mode == "shadow":
            for would in (record.would_reject, record.would_reject_response):
                if would:
                    out.append((("would_reject", vendor, would), 1))
        if record.policy is not None:
            for why, count in (record.policy.get("blocked") or {}).items():
                out.append((("blocked_records", vendor, str(why)), int(count)))
        report = record.request
        if record.mode == "shadow" and record.outcome != "rejected":
            # Forwarded as it came: what the contract would keep, change or drop all left.
            for path in {*report.kept, *report.transformed, *report.dropped}:
                out.append((("sent", vendor, route, path, "shadow"), 1))
        elif record.outcome != "rejected":
            for path in report.kept:
                out.append((("sent", vendor, route, path, "kept"), 1))
            for path, action in report.transformed.items():
                out.append((("sent", vendor, route, path, action), 1))
        if report.dropped_count and record.mode != "shadow":
            out.append((("dropped", vendor, route), report.dropped_count))
        for path in report.unlisted:
            out.append((("drift", vendor, route, path), 1))
        for message in (report, record.response):
            if message is not None:
                for entity, count in message.entities.items():
                    out.append((("entities", vendor, entity), count))
        return out

    def snapshot(self) -> dict[str, Any]:
        """``since_start`` and ``last_24h`` as lists of ``[key..., count]``, plus the times."""
        now = self._clock()
        first = int(now // _HOUR) - _WINDOW_HOURS + 1
        with self._lock:
            total = dict(self._total)
            recent: Counter[Key] = Counter()
            for hour, bucket in self._hours.items():
                if hour >= first:
                    recent.update(bucket)
            last = dict(self._last)
        return {
            "started": _iso(self.started),
            "now": _iso(now),
            "since_start": _rows(total),
            "last_24h": _rows(dict(recent)),
            "last_disclosure": {vendor: _iso(when) for vendor, when in sorted(last.items())},
        }


def _rows(counts: dict[Key, int]) -> dict[str, list[list[Any]]]:
    """Counts grouped by kind: ``{"exchanges": [[vendor, route, outcome, n], ...], ...}``."""
    out: dict[str, list[list[Any]]] = {}
    for key in sorted(counts):
        out.setdefault(key[0], []).append([*key[1:], counts[key]])
    return out
