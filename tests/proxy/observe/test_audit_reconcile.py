"""audit reconcile: intents without a record after a crash, torn lines skipped."""

from __future__ import annotations

import io
from pathlib import Path

import orjson
import pytest

from proxy.observe.audit_reconcile import reconcile, run
from proxy.tools.cli import main


def lines(*items: dict | bytes) -> list[bytes]:
    return [item if isinstance(item, bytes) else orjson.dumps(item) for item in items]


def test_intents_without_a_record_are_listed_in_order() -> None:
    found = reconcile(lines(
        {"phase": "intent", "exchange_id": "a", "vendor": "acme"},
        {"phase": "intent", "exchange_id": "b", "vendor": "acme"},
        {"phase": "complete", "exchange_id": "a", "status": 200},
        b'{"phase": "complete", "exch',  # torn by a full disk
        {"phase": "sink_check", "failed_writes": 3},
        {"phase": "complete", "status": 400},  # refused before sending: no intent
        {"phase": "intent", "exchange_id": "c", "vendor": "mailer"},
    ))
    assert [i["exchange_id"] for i in found.unmatched] == ["b", "c"]
    assert (found.intents, found.records, found.torn_lines) == (3, 2, 1)


def test_the_command_prints_unmatched_intents_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "audit.jsonl"
    path.write_bytes(b"\n".join(lines(
        {"phase": "intent", "exchange_id": "b", "request_id": "r-2", "vendor": "acme",
         "route": "POST /v1/m", "request": {"kept": ["body:a"]}},
    )) + b"\n")
    assert main(["audit", "reconcile", str(path)]) == 1
    out, err = capsys.readouterr()
    assert orjson.loads(out)["exchange_id"] == "b" and "1 intent(s) without a record" in err
    done = tmp_path / "done.jsonl"
    done.write_bytes(path.read_bytes() + orjson.dumps({"phase": "complete",
                                                       "exchange_id": "b"}) + b"\n")
    assert run([str(done)], out=io.StringIO()) == 0
    assert main(["audit", "reconcile", str(tmp_path / "missing.jsonl")]) == 2
