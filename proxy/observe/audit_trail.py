"""Write-ahead audit: no disclosure without a record.

Every exchange that is about to reach a vendor first writes its *intent* (request id, vendor,
route, field paths and counts, never values). If that line cannot be written, nothing is sent:
the caller gets ``503 audit_unavailable`` with ``Retry-After``. Once the exchange ends its
record (``"phase": "complete"``) is written; if *that* fails the caller still gets the answer
(the vendor already acted on the request, and a retry would disclose again), and the trail turns
not writable: readiness fails, ``proxy_audit_write_failures_total`` counts it and the log names
the real cause (the OS error's name, never a value).

Recovery needs no restart: every later write tries again, and a readiness probe while not
writable writes one ``"phase": "sink_check"`` line; the first line that goes through makes the
trail writable again. A crash between an intent and its record leaves an intent without a
completion: ``python -m proxy audit reconcile FILE`` lists them (proxy.observe.audit_reconcile).
"""

from __future__ import annotations

import asyncio
import errno
import logging
import threading
from typing import Any

from proxy.errors import AuditUnavailable
from proxy.observe.audit import AuditRecord, AuditSink, utc_now

log = logging.getLogger("proxy.observe.audit")

PHASES = ("intent", "complete", "sink_check")


def _cause(exc: BaseException) -> str:
    """The error's class and OS error name (``OSError ENOSPC``): never a message with a value."""
    code = getattr(exc, "errno", None)
    name = errno.errorcode.get(code, str(code)) if isinstance(code, int) else None
    return f"{type(exc).__name__} {name}" if name else type(exc).__name__


class AuditTrail:
    """The audit sink in front of every exchange: intents before, records after, health.

    Also an ``AuditSink`` itself (``write`` never raises), for lines that disclose nothing
    (the partner listener's refusals).
    """

    def __init__(self, sink: AuditSink, name: str = "audit sink") -> None:
        self.sink = sink
        self.name = name  # the setting's value (stdout or a path): configuration, not data
        self.writable = True
        self.failures: dict[str, int] = dict.fromkeys(PHASES, 0)
        self._lock = threading.Lock()
        self._blocking = bool(getattr(sink, "blocking", False))

    async def intent(self, record: AuditRecord, exchange_id: str) -> None:
        """Write the intent of ``record``; raise ``AuditUnavailable`` when it was not written."""
        record.exchange_id = exchange_id
        line = record.intent_dict()
        try:
            if self._blocking:  # fsync per line: off the event loop
                await asyncio.to_thread(self.sink.write, line)
            else:
                self.sink.write(line)
        except Exception as exc:  # noqa: BLE001 - any failure means no record: send nothing
            record.exchange_id = None  # no intent exists for this exchange
            self._failed("intent", exc)
            raise AuditUnavailable("the audit record could not be written; nothing was "
                                   "forwarded") from None
        self._succeeded()

    async def complete(self, record: AuditRecord) -> bool:
        """Write the record of a finished exchange; never raises. False when it failed."""
        line = record.to_dict()
        try:
            if self._blocking:
                await asyncio.to_thread(self.sink.write, line)
            else:
                self.sink.write(line)
        except Exception as exc:  # noqa: BLE001 - the answer goes out anyway (module doc)
            self._failed("complete", exc)
            return False
        self._succeeded()
        return True

    def write(self, record: dict[str, Any]) -> None:
        """A line that discloses nothing (AuditSink protocol); failures count, never raise."""
        try:
            self.sink.write(record)
        except Exception as exc:  # noqa: BLE001
            self._failed("complete", exc)
            return
        self._succeeded()

    def probe(self) -> bool:
        """Whether the sink takes lines; while not writable, tries one ``sink_check`` line."""
        if self.writable:
            return True
        with self._lock:
            failed = sum(self.failures.values())
        try:
            self.sink.write({"phase": "sink_check", "time": utc_now(),
                             "failed_writes": failed})
        except Exception as exc:  # noqa: BLE001
            self._failed("sink_check", exc, quiet=True)
            return False
        self._succeeded()
        return True

    def close(self) -> None:
        self.sink.close()

    def _failed(self, phase: str, exc: BaseException, quiet: bool = False) -> None:
        with self._lock:
            self.failures[phase] += 1
            was_writable, self.writable = self.writable, False
        if was_writable:  # once per outage: a full disk must not also flood the log
            log.error("audit sink not writable: %s; exchanges are refused (503 "
                      "audit_unavailable) until it is", self.name,
                      extra={"phase": phase, "cause": _cause(exc)})
        elif not quiet:
            log.debug("audit write failed", extra={"phase": phase, "cause": _cause(exc)})

    def _succeeded(self) -> None:
        if self.writable:
            return
        with self._lock:
            was_writable, self.writable = self.writable, True
            failed = sum(self.failures.values())
        if not was_writable:
            log.warning("audit sink writable again: %s", self.name,
                        extra={"failed_writes": failed})


def as_trail(audit: AuditSink | AuditTrail) -> AuditTrail:
    """``audit`` itself when it is a trail, else a trail around the sink."""
    return audit if isinstance(audit, AuditTrail) else AuditTrail(audit)
