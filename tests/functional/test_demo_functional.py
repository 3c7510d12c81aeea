"""``make demo`` end to end: the demo runs once, shows both sides, and the card never reaches the
vendor (it appears only in the "sent" part of the output, never after it)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from proxy.tools.demo_view import COLUMN_SEPARATOR, RECEIVED_HEADING, SENT_HEADING

ROOT = Path(__file__).resolve().parents[2]
CARD = "4111 1111 1111 1111"
CARD_START = "4111"  # the card number may be wrapped across lines; its first group is unique
AUDIT_HEADING = "THE AUDIT RECORD OF THIS EXCHANGE"


def run_demo(columns: int) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": str(columns)}
    return subprocess.run(
        [sys.executable, "-m", "proxy.tools.demo", "--config", "config", "--once",
         "--port", "0", "--vendor-port", "0", "--rounds", "3"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )


def assert_common(result: subprocess.CompletedProcess[str]) -> str:
    out = result.stdout
    assert result.returncode == 0, f"exit {result.returncode}\n{out}\n{result.stderr}"
    assert SENT_HEADING in out and RECEIVED_HEADING in out
    ports = re.findall(r"http://127\.0\.0\.1:(\d+)", out)
    assert ports and all(int(port) > 0 for port in ports)  # port 0 became a real port
    assert "\x1b[" not in out  # NO_COLOR
    assert "added latency" in out
    # the newcomer is told where the data map is and with which token (issue 19)
    assert re.search(r"http://127\.0\.0\.1:\d+/datamap  admin token: \S{16,}", out)
    assert CARD_START not in result.stderr  # logs carry no values
    return out


@pytest.mark.functional
def test_demo_one_after_the_other_on_a_narrow_terminal() -> None:
    out = assert_common(run_demo(columns=80))
    sent, marker, after = out.partition(RECEIVED_HEADING)
    assert marker
    assert SENT_HEADING in sent
    assert CARD_START in sent
    vendor_side = after.partition(AUDIT_HEADING)[0]
    assert "<CREDIT_CARD>" in vendor_side
    assert "psn_" in vendor_side
    assert CARD_START not in after  # neither the vendor side, the audit record nor the legend


@pytest.mark.functional
def test_demo_side_by_side_on_a_wide_terminal() -> None:
    out = assert_common(run_demo(columns=160))
    before, _, rest = out.partition(SENT_HEADING)
    table, marker, after = rest.partition(AUDIT_HEADING)
    assert marker
    separator = COLUMN_SEPARATOR.strip()
    rows = [line for line in table.splitlines()[2:] if separator in line]  # skip heading, rule
    assert rows
    left = "\n".join(line.partition(separator)[0] for line in rows)
    right = "\n".join(line.partition(separator)[2] for line in rows)
    assert CARD_START in left
    assert "<CREDIT_CARD>" in right
    assert "psn_" in right
    assert CARD_START not in right
    assert CARD_START not in after
    assert CARD_START not in before
