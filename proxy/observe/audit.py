"""JSON lines of what was done, to which paths, never with which values.

An exchange that reaches a vendor writes two lines: its *intent* (``"phase": "intent"``, written
before the first byte leaves; see audit_trail) and its record (``"phase": "complete"``);
both carry the same ``exchange_id``. An exchange refused before sending writes its record only.

Fields of the record: ``time``, ``request_id``, ``vendor``, ``route``, ``method``, ``status``, ``outcome``
(``forwarded`` or ``rejected``), ``reason`` (for rejections), ``contract_version``,
``request`` / ``response`` (each a ``MessageReport``: kept, dropped, transformed paths and entity
counts), ``bytes`` (from the client, to the vendor, from the vendor, to the client) and
``duration_ms`` / ``upstream_ms``; ``vendor_status`` when the vendor's answer was withheld.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, Literal, Protocol

import orjson

from proxy.enforce.report import MessageReport


class AuditSink(Protocol):
    """Where audit lines go. ``write`` raises ``OSError`` when the line was not written."""

    def write(self, record: dict[str, Any]) -> None: ...

    def close(self) -> None: ...


class StreamSink:
    """Writes JSON lines to a text stream (for tests and tools), flushing each line."""

    blocking = False

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


FsyncPolicy = Literal["always", "interval", "never"]


class FdSink:
    """Appends JSON lines to a file descriptor with ``os.write``: no buffer that could keep a
    failed line and write it later, and an error is seen at the write that failed.

    A write cut short (a full disk) leaves a torn line; the next line then starts with a newline
    so that each later line parses on its own (readers skip a line that does not parse).
    ``fsync`` (files only): ``always`` syncs every line before ``write`` returns (``blocking``:
    callers on an event loop write from a thread); ``interval`` syncs from a background thread
    every ``interval_s`` when something was written, and an error of that sync fails the next
    write; ``never`` leaves it to the kernel.
    """

    def __init__(self, fd: int, *, owned: bool, fsync: FsyncPolicy = "never",
                 interval_s: float = 1.0) -> None:
        self._fd = fd
        self._owned = owned
        self._fsync = fsync
        self.blocking = fsync == "always"
        self._lock = threading.Lock()
        self._torn = False
        self._dirty = False
        self._sync_error: OSError | None = None
        self._stop = threading.Event()
        self._syncer: threading.Thread | None = None
        if fsync == "interval":
            self._syncer = threading.Thread(target=self._sync_every, args=(interval_s,),
                                            name="audit-fsync", daemon=True)
            self._syncer.start()

    def write(self, record: dict[str, Any]) -> None:
        data = orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE)
        with self._lock:
            if self._sync_error is not None:  # lines already written may not be on disk
                error, self._sync_error = self._sync_error, None
                raise error
            if self._torn:
                data = b"\n" + data
            view = memoryview(data)
            written = 0
            try:
                while written < len(data):
                    written += os.write(self._fd, view[written:])
            except OSError:
                self._torn = self._torn or written > 0
                raise
            self._torn = False
            if self._fsync == "always":
                os.fsync(self._fd)
            else:
                self._dirty = True

    def _sync_every(self, interval_s: float) -> None:
        while not self._stop.wait(interval_s):
            self.sync()

    def sync(self) -> None:
        """fsync now if something was written since the last sync (the interval thread's step)."""
        with self._lock:
            if not self._dirty:
                return
            self._dirty = False
        try:
            os.fsync(self._fd)
        except OSError as exc:
            with self._lock:
                self._sync_error = exc

    def close(self) -> None:
        self._stop.set()
        if self._syncer is not None:
            self._syncer.join(timeout=5)
        if self._fsync != "never" and self._owned:
            with contextlib.suppress(OSError):
                os.fsync(self._fd)
        if self._owned:
            os.close(self._fd)


class FileSink(FdSink):
    """Appends JSON lines to ``path`` (created ``0640`` if missing)."""

    def __init__(self, path: str | Path, fsync: FsyncPolicy = "interval",
                 interval_s: float = 1.0) -> None:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o640)
        super().__init__(fd, owned=True, fsync=fsync, interval_s=interval_s)


class MemorySink:
    """Keeps lines in memory, for tests and the demo: ``lines`` in order, ``records`` the
    records of finished exchanges and ``intents`` the write-ahead intents (audit_trail)."""

    blocking = False

    def __init__(self) -> None:
        self.lines: list[dict[str, Any]] = []
        self.records: list[dict[str, Any]] = []
        self.intents: list[dict[str, Any]] = []

    def write(self, record: dict[str, Any]) -> None:
        self.lines.append(record)
        phase = record.get("phase")
        if phase == "intent":
            self.intents.append(record)
        elif phase != "sink_check":
            self.records.append(record)

    def close(self) -> None:
        pass


def open_sink(spec: str, fsync: FsyncPolicy = "interval", interval_s: float = 1.0) -> AuditSink:
    """``stdout``, ``stderr`` (their file descriptors; no fsync, a pipe has none) or a file path."""
    if spec == "stdout":
        return FdSink(sys.stdout.fileno(), owned=False)
    if spec == "stderr":
        return FdSink(sys.stderr.fileno(), owned=False)
    return FileSink(spec, fsync=fsync, interval_s=interval_s)


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


def utc_now() -> str:
    """The time as audit lines write it (ISO 8601, milliseconds, UTC)."""
    return _clock.now()


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
    # The privacy-policy step (proxy.policy.gate.Screening.audit): purposes, record counts,
    # blocked records per reason. Keys and counts only.
    policy: dict[str, Any] | None = None
    # Streaming routes (proxy.exchange.streaming): per direction, records in / forwarded / dropped.
    stream: dict[str, Any] | None = None
    # Model APIs (proxy.exchange.llm): placeholders sent, restored, and unknown ones the model
    # wrote (counts only).
    llm: dict[str, Any] | None = None
    # Partner listener (exchange.partner): the partner that called our API; ``vendor`` holds the
    # same name. Such records also carry ``"direction": "inbound"``.
    partner: str | None = None
    inbound: bool = False  # on the partner listener, also when no partner was identified
    # Set when the intent is written (proxy.observe.audit_trail): joins the intent to this record.
    exchange_id: str | None = None
    # The vendor's status once it answered: from then on the caller never gets a proxy 5xx.
    vendor_status: int | None = None

    def intent_dict(self) -> dict[str, Any]:
        """The write-ahead line: who is about to receive what (paths and counts, never values)."""
        out: dict[str, Any] = {
            "phase": "intent",
            "time": _clock.now(),
            "exchange_id": self.exchange_id,
            "request_id": self.request_id,
            "vendor": self.vendor,
            "route": self.route,
            "method": self.method,
            "contract_version": self.contract_version,
            "request": self.request.to_dict(),
            "bytes": {"from_client": self.bytes_from_client, "to_vendor": self.bytes_to_vendor},
        }
        if self.upstream_request_id is not None:
            out["upstream_request_id"] = self.upstream_request_id
        if self.mode != "enforce":
            out["mode"] = self.mode
        if self.policy is not None:
            out["policy"] = self.policy
        if self.inbound or self.partner is not None:
            out["partner"] = self.partner
            out["direction"] = "inbound"
        return out

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "phase": "complete",
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
        if self.exchange_id is not None:
            out["exchange_id"] = self.exchange_id
        if self.reason is not None:
            out["reason"] = self.reason
        if self.outcome == "withheld":
            out["vendor_status"] = self.vendor_status
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
        if self.llm is not None:
            out["llm"] = self.llm
        if self.inbound or self.partner is not None:
            out["partner"] = self.partner
            out["direction"] = "inbound"
        return out
