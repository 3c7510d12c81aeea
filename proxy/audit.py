"""One JSON line per exchange: what was done, to which paths, never with which values.

Fields: ``time``, ``request_id``, ``vendor``, ``route``, ``method``, ``status``, ``outcome``
(``forwarded`` or ``rejected``), ``reason`` (for rejections), ``contract_version``,
``request`` / ``response`` (each a ``MessageReport``: kept, dropped, transformed paths and entity
counts), ``bytes`` (from the client, to the vendor, from the vendor, to the client) and
``duration_ms`` / ``upstream_ms``.
"""

from __future__ import annotations

import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, Protocol

import orjson

from proxy.report import MessageReport


class AuditSink(Protocol):
    """Where audit lines go."""

    def write(self, record: dict[str, Any]) -> None: ...

    def close(self) -> None: ...


class StreamSink:
    """Writes JSON lines to a text stream (stdout by default), flushing each line."""

    def __init__(self, stream: IO[str] | None = None) -> None:
        self._stream = stream if stream is not None else sys.stdout
        self._lock = threading.Lock()

    def write(self, record: dict[str, Any]) -> None:
        line = orjson.dumps(record).decode() + "\n"
        with self._lock:
            self._stream.write(line)
            self._stream.flush()

    def close(self) -> None:
        pass


class FileSink:
    """Appends JSON lines to a file (line-buffered, so a crash loses at most one line)."""

    def __init__(self, path: str | Path) -> None:
        self._fh = open(path, "ab", buffering=0)  # noqa: SIM115 - closed in close()
        self._lock = threading.Lock()

    def write(self, record: dict[str, Any]) -> None:
        data = orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE)
        with self._lock:
            self._fh.write(data)

    def close(self) -> None:
        self._fh.close()


class MemorySink:
    """Keeps records in a list; for tests and the demo."""

    def __init__(self) -> None:
        self.records: list[dict[str, Any]] = []

    def write(self, record: dict[str, Any]) -> None:
        self.records.append(record)

    def close(self) -> None:
        pass


def open_sink(spec: str) -> AuditSink:
    """``stdout``, ``stderr`` or a file path."""
    if spec == "stdout":
        return StreamSink(sys.stdout)
    if spec == "stderr":
        return StreamSink(sys.stderr)
    return FileSink(spec)


class _UtcClock:
    """``datetime.now(UTC).isoformat(timespec="milliseconds")``, formatting each second once."""

    def __init__(self) -> None:
        self._cached = (-1, "")  # (second, its text), replaced as one object (threads)

    def now(self) -> str:
        now = time.time()
        second = int(now)
        cached_second, prefix = self._cached
        if second != cached_second:
            prefix = datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%S")
            self._cached = (second, prefix)
        return f"{prefix}.{int((now - second) * 1000):03d}+00:00"


_clock = _UtcClock()


@dataclass
class AuditRecord:
    """Collected while an exchange runs, written once at its end."""

    request_id: str
    method: str
    contract_version: str
    vendor: str | None = None
    route: str | None = None
    status: int = 0
    outcome: str = "rejected"
    reason: str | None = None
    request: MessageReport = field(default_factory=MessageReport)
    response: MessageReport | None = None
    bytes_from_client: int = 0
    bytes_to_vendor: int = 0
    bytes_from_vendor: int = 0
    bytes_to_client: int = 0
    duration_ms: float = 0.0
    upstream_ms: float | None = None
    detection_ms: float | None = None
    # The X-Request-Id sent to the vendor when it differs from ``request_id`` (see exchange).
    upstream_request_id: str | None = None
    # Shadow mode: the contract was evaluated but not applied; what enforcement would have done.
    mode: str = "enforce"
    would_reject: str | None = None
    would_reject_response: str | None = None
    # The privacy-policy step (proxy.policy_gate.Screening.audit): purposes, record counts,
    # blocked records per reason. Keys and counts only.
    policy: dict[str, Any] | None = None
    # Streaming routes (proxy.streaming): per direction, records in / forwarded / dropped.
    stream: dict[str, Any] | None = None
    # Partner listener (proxy.partner): the partner that called our API; ``vendor`` holds the
    # same name. Such records also carry ``"direction": "inbound"``.
    partner: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "time": _clock.now(),
            "request_id": self.request_id,
            "vendor": self.vendor,
            "route": self.route,
            "method": self.method,
            "status": self.status,
            "outcome": self.outcome,
            "contract_version": self.contract_version,
            "request": self.request.to_dict(),
            "bytes": {
                "from_client": self.bytes_from_client,
                "to_vendor": self.bytes_to_vendor,
                "from_vendor": self.bytes_from_vendor,
                "to_client": self.bytes_to_client,
            },
            "duration_ms": round(self.duration_ms, 3),
        }
        if self.reason is not None:
            out["reason"] = self.reason
        if self.response is not None:
            out["response"] = self.response.to_dict()
        if self.upstream_ms is not None:
            out["upstream_ms"] = round(self.upstream_ms, 3)
        if self.detection_ms is not None:
            out["detection_ms"] = round(self.detection_ms, 3)
        if self.upstream_request_id is not None:
            out["upstream_request_id"] = self.upstream_request_id
        if self.mode != "enforce":
            out["mode"] = self.mode
            out["would_reject"] = self.would_reject
            out["would_reject_response"] = self.would_reject_response
        if self.policy is not None:
            out["policy"] = self.policy
        if self.stream is not None:
            out["stream"] = self.stream
        if self.partner is not None:
            out["partner"] = self.partner
            out["direction"] = "inbound"
        return out
