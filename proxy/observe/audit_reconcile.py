"""Reconcile an audit file after a crash: intents without a record.

The write-ahead audit (audit_trail) writes an intent before an exchange reaches a vendor
and a record when it ends. A proxy killed in between (SIGKILL, OOM, host crash) leaves intents
without a record: for each, the vendor *may* have received the request, so it is listed with
what the intent says (vendor, route, field paths and counts) and the operator treats it as a
disclosure of unknown outcome. Torn lines (a disk that filled mid-line) are counted and skipped.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TextIO

import orjson


@dataclass
class Reconciliation:
    """What an audit file holds, by exchange."""

    intents: int = 0
    records: int = 0
    torn_lines: int = 0
    unmatched: list[dict[str, Any]] = field(default_factory=list)  # intents without a record


def reconcile(lines: Iterable[bytes]) -> Reconciliation:
    """Pair intents and records by ``exchange_id``; the intents left over, in file order."""
    found = Reconciliation()
    open_intents: dict[str, dict[str, Any]] = {}
    for raw in lines:
        if not raw.strip():
            continue
        try:
            line = orjson.loads(raw)
        except orjson.JSONDecodeError:
            found.torn_lines += 1
            continue
        if not isinstance(line, dict):
            found.torn_lines += 1
            continue
        phase = line.get("phase")
        exchange_id = line.get("exchange_id")
        if phase == "intent" and isinstance(exchange_id, str):
            found.intents += 1
            open_intents[exchange_id] = line
        elif phase != "sink_check":  # a record ("complete", or written before phases existed)
            found.records += 1
            if isinstance(exchange_id, str):
                open_intents.pop(exchange_id, None)
    found.unmatched = list(open_intents.values())
    return found


def run(paths: list[str], out: TextIO | None = None) -> int:
    """``python -m proxy audit reconcile``: 0 when every intent has its record, 1 when not."""
    out = out if out is not None else sys.stdout
    found = Reconciliation()
    for path in paths:
        with open(path, "rb") as fh:
            part = reconcile(fh)
        found.intents += part.intents
        found.records += part.records
        found.torn_lines += part.torn_lines
        found.unmatched += part.unmatched
    for intent in found.unmatched:
        keep = ("time", "exchange_id", "request_id", "vendor", "route", "method", "partner",
                "request")
        out.write(orjson.dumps({k: intent[k] for k in keep if k in intent}).decode() + "\n")
    print(f"{found.intents} intent(s), {found.records} record(s), {found.torn_lines} torn "
          f"line(s); {len(found.unmatched)} intent(s) without a record: the vendor may have "
          "received these requests (outcome unknown)", file=sys.stderr)
    return 1 if found.unmatched else 0
