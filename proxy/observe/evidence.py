"""What actually went out, counted for the data map: since start and over the last 24 hours.

``Evidence.observe(record)`` is called once per finished exchange (by ``ProxyMetrics``) with its
``AuditRecord``; it counts exchanges, the paths sent per action (the request to a vendor, the
answer to a partner; the data map turns them into data categories), paths dropped, entities
redacted by type (and per path: a category suggestion for an unlabeled path rests on them),
requests and records blocked by the policy by reason, fail-closed answers by reason, schema
drift (paths no contract names), shadow-mode would-reject counts, and the time of the last
disclosure per vendor. A shadow-mode exchange is forwarded as it came, so every
path it carried counts as sent with ``shadow``.

Keys hold what the audit record holds: contract names, reason codes, entity types and audit
paths (value-free). Distinct keys are bounded (``max_keys``); past that, new paths count under
``<other>``. The 24-hour view counts from the start of the hour 23 hours before this one: the
totals minus a copy of them taken at the first exchange of each hour.
"""

from __future__ import annotations

import threading
import time
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
        self._total: dict[Key, int] = {}
        # hour -> a copy of ``_total`` taken at the first exchange of that hour: the last 24
        # hours are ``_total`` minus the oldest mark inside the window (one update per count).
        self._marks: dict[int, dict[Key, int]] = {}
        self._hour = -1
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()

    def observe(self, record: AuditRecord) -> None:
        """Count one finished exchange (the caller guards against exceptions)."""
        keys = self._keys(record)
        now = self._clock()
        hour = int(now // _HOUR)
        with self._lock:
            total = self._total
            if hour != self._hour:
                self._hour = hour
                self._marks[hour] = dict(total)
                for old in [h for h in self._marks if h <= hour - _WINDOW_HOURS]:
                    del self._marks[old]
            get = total.get
            for key, amount in keys:
                count = get(key)
                if count is None:
                    if len(total) >= self._max_keys:
                        key = (*key[:-1], OTHER)
                    count = get(key, 0)
                total[key] = count + amount
            sent = record.response if record.inbound else record.request
            if record.vendor and record.outcome in ("forwarded", "shadow", "withheld") and (
                    sent is not None and (sent.kept or sent.transformed)):
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
        # What left: the request to a vendor, or our answer to a partner (partner listener).
        report = record.response if record.inbound and record.response else record.request
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
        for path, types in report.found.items():
            for entity_type, count in types.items():
                out.append((("found", vendor, route, path, entity_type), count))
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
            inside = [h for h in self._marks if h >= first]
            base = self._marks[min(inside)] if inside else total
            last = dict(self._last)
        recent = {key: count - base.get(key, 0) for key, count in total.items()
                  if count > base.get(key, 0)}
        return {
            "started": _iso(self.started),
            "now": _iso(now),
            "since_start": _rows(total),
            "last_24h": _rows(recent),
            "last_disclosure": {vendor: _iso(when) for vendor, when in sorted(last.items())},
        }


def _rows(counts: dict[Key, int]) -> dict[str, list[list[Any]]]:
    """Counts grouped by kind: ``{"exchanges": [[vendor, route, outcome, n], ...], ...}``."""
    out: dict[str, list[list[Any]]] = {}
    for key in sorted(counts):
        out.setdefault(key[0], []).append([*key[1:], counts[key]])
    return out
