"""The write-ahead audit trail and the file sink under write failures (unit tests)."""

from __future__ import annotations

import errno
import logging
import os
from pathlib import Path
from typing import Any

import orjson
import pytest

from proxy.enforce.report import MessageReport
from proxy.errors import AuditUnavailable
from proxy.observe import audit as audit_module
from proxy.observe.audit import AuditRecord, FileSink, MemorySink
from proxy.observe.audit_trail import AuditTrail

EMAIL = "jolene.brightwater@example.com"


class FailingSink(MemorySink):
    """A memory sink whose writes of the given phases raise ENOSPC (a disk filling up)."""

    def __init__(self, fail: set[str]) -> None:
        super().__init__()
        self.fail = fail

    def write(self, record: dict[str, Any]) -> None:
        if record.get("phase") in self.fail:
            raise OSError(errno.ENOSPC, f"No space left on device: {EMAIL}")
        super().write(record)


def record() -> AuditRecord:
    report = MessageReport()
    report.kept.add("body:note")
    return AuditRecord(request_id="r-1", method="POST", contract_version="v1", vendor="acme",
                       route="notes", request=report)


async def test_intent_then_record_share_an_exchange_id() -> None:
    sink = MemorySink()
    trail = AuditTrail(sink)
    rec = record()
    await trail.intent(rec, "x-1")
    rec.status, rec.outcome = 200, "forwarded"
    assert await trail.complete(rec)
    intent, complete = sink.lines
    assert intent["phase"] == "intent" and complete["phase"] == "complete"
    assert intent["exchange_id"] == complete["exchange_id"] == "x-1"
    assert intent["request"]["kept"] == ["body:note"] and intent["vendor"] == "acme"
    assert sink.intents == [intent] and sink.records == [complete]


async def test_a_failed_intent_raises_and_turns_the_trail_unwritable(
    caplog: pytest.LogCaptureFixture,
) -> None:
    trail = AuditTrail(FailingSink({"intent"}), name="/var/log/audit.jsonl")
    rec = record()
    with caplog.at_level(logging.DEBUG, logger="proxy.observe.audit"), \
            pytest.raises(AuditUnavailable) as caught:
        await trail.intent(rec, "x-1")
    assert caught.value.status == 503 and caught.value.retry_after_s
    assert rec.exchange_id is None  # the record must not claim an intent that does not exist
    assert not trail.writable and trail.failures["intent"] == 1
    [line] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert line.cause == "OSError ENOSPC"  # type: ignore[attr-defined]
    assert "/var/log/audit.jsonl" in line.getMessage()
    assert EMAIL not in caplog.text  # the OS message is never logged


async def test_a_failed_record_never_raises_and_one_probe_line_recovers() -> None:
    sink = FailingSink({"complete", "sink_check"})
    trail = AuditTrail(sink)
    rec = record()
    await trail.intent(rec, "x-1")
    assert await trail.complete(rec) is False
    assert not trail.writable and trail.failures["complete"] == 1
    assert trail.probe() is False and trail.failures["sink_check"] == 1
    sink.fail = set()  # the disk has room again
    assert trail.probe() is True and trail.writable
    assert sink.lines[-1]["phase"] == "sink_check" and sink.lines[-1]["failed_writes"] == 2
    assert trail.probe() is True and len(sink.lines) == 2  # no line while writable


async def test_a_later_intent_also_recovers_the_trail() -> None:
    sink = FailingSink({"intent"})
    trail = AuditTrail(sink)
    with pytest.raises(AuditUnavailable):
        await trail.intent(record(), "x-1")
    sink.fail = set()
    await trail.intent(record(), "x-2")
    assert trail.writable and [line["exchange_id"] for line in sink.intents] == ["x-2"]


def test_the_file_sink_raises_on_a_full_disk() -> None:
    sink = FileSink("/dev/full", fsync="never")
    try:
        with pytest.raises(OSError) as caught:
            sink.write({"phase": "intent"})
        assert caught.value.errno == errno.ENOSPC
    finally:
        sink.close()


def test_a_torn_line_does_not_spoil_the_next(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "audit.jsonl"
    sink = FileSink(path, fsync="never")
    real_write = os.write
    calls = {"n": 0}

    def short_then_full(fd: int, data: Any) -> int:
        calls["n"] += 1
        if calls["n"] == 1:
            return real_write(fd, bytes(data[:7]))  # a short write...
        raise OSError(errno.ENOSPC, "No space left on device")  # ...then the disk is full

    sink.write({"phase": "complete", "n": 1})
    monkeypatch.setattr(audit_module.os, "write", short_then_full)
    with pytest.raises(OSError):
        sink.write({"phase": "complete", "n": 2})
    monkeypatch.setattr(audit_module.os, "write", real_write)
    sink.write({"phase": "complete", "n": 3})
    sink.close()
    lines = path.read_bytes().splitlines()
    parsed = []
    for line in lines:
        try:
            parsed.append(orjson.loads(line)["n"])
        except orjson.JSONDecodeError:
            parsed.append(None)
    assert parsed == [1, None, 3]  # the torn line stands alone; the next one parses


def test_fsync_always_syncs_each_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[int] = []
    monkeypatch.setattr(audit_module.os, "fsync", lambda fd: synced.append(fd))
    sink = FileSink(tmp_path / "a.jsonl", fsync="always")
    assert sink.blocking  # the trail writes it from a thread
    sink.write({"n": 1})
    sink.write({"n": 2})
    assert len(synced) == 2
    sink.close()


def test_a_failed_interval_sync_fails_the_next_write(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    sink = FileSink(tmp_path / "a.jsonl", fsync="interval", interval_s=3600)
    sink.write({"n": 1})

    def broken(fd: int) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(audit_module.os, "fsync", broken)
    sink.sync()  # what the interval thread does
    with pytest.raises(OSError) as caught:
        sink.write({"n": 2})
    assert caught.value.errno == errno.EIO
    monkeypatch.undo()
    sink.write({"n": 3})  # reported once; the write after goes through
    sink.close()
    assert [orjson.loads(x)["n"] for x in (tmp_path / "a.jsonl").read_bytes().splitlines()] \
        == [1, 3]


def test_the_file_is_created_private(tmp_path: Path) -> None:
    sink = FileSink(tmp_path / "new.jsonl", fsync="never")
    sink.close()
    assert (tmp_path / "new.jsonl").stat().st_mode & 0o007 == 0
