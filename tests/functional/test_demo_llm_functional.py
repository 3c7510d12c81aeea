"""``make demo``, the model-API part, end to end: the printed vendor panel holds placeholders and
none of the prompt's personal data, the printed answer holds the values restored, and the audit
record's ``llm`` section counts them. The demo keeps its stores under ``.demo/``, not ``var/``."""

from __future__ import annotations

import json
import re
import subprocess
from typing import Any

import pytest

from proxy.tools.demo_llm import (
    ANSWER_HEADING,
    CUSTOMER_EMAIL,
    CUSTOMER_NAME,
    CUSTOMER_PHONE,
    DEMO_STATE_DIR,
    DEMO_STATE_FILE,
    LLM_AUDIT_HEADING,
    MODEL_HEADING,
    PROMPT_HEADING,
)
from proxy.tools.demo_view import COLUMN_SEPARATOR
from tests.functional.test_demo_functional import ROOT, run_demo

pytestmark = pytest.mark.functional

PII = (CUSTOMER_NAME, CUSTOMER_EMAIL, CUSTOMER_PHONE)
# Pieces of each value that a wrapped line cannot split (wrapping breaks at spaces only) and
# that an 8-hex-digit placeholder cannot contain.
PII_PIECES = ("Maria", "Gonzalez", "maria.g@", "example.net", "(415)", "555-0134")
PLACEHOLDERS = ("<PERSON_", "<EMAIL_ADDRESS_", "<PHONE_NUMBER_")


def flat(text: str) -> str:
    """Whitespace collapsed, so a value wrapped across lines reads as one."""
    return " ".join(text.split())


def llm_part(out: str) -> tuple[str, str, str]:
    """The output from the prompt panel on: (panels 1 and 2, the answer panel, the audit part)."""
    assert PROMPT_HEADING in out, out
    panels = PROMPT_HEADING + out.partition(PROMPT_HEADING)[2]
    panels, marker, answer = panels.partition(ANSWER_HEADING)
    assert marker, out
    answer, marker, audit = answer.partition(LLM_AUDIT_HEADING)
    assert marker, out
    return panels, answer, audit


def audit_section(audit: str) -> dict[str, Any]:
    """The pretty-printed ``llm`` section that follows its heading."""
    found = re.search(r"^\{.*?^\}", audit, re.MULTILINE | re.DOTALL)
    assert found, audit
    section = json.loads(found.group(0))
    assert isinstance(section, dict)
    return section


def assert_answer_and_audit(answer: str, audit: str) -> None:
    answer_text = flat(answer)
    for value in PII:
        assert value in answer_text  # restored from the streamed deltas
    assert "<PERSON_" not in answer and "<EMAIL_ADDRESS_" not in answer
    section = audit_section(audit)
    assert section["api"] == "openai_chat"
    assert section["placeholders"] == 3 and section["restored"] >= 3
    assert section["unknown"] == 0
    for piece in PII_PIECES:
        assert piece not in audit.partition("ADDED LATENCY")[0]  # counts, never values


def assert_ran_with_state_under_demo(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    assert str(DEMO_STATE_DIR / DEMO_STATE_FILE) in result.stdout
    assert (ROOT / DEMO_STATE_DIR / DEMO_STATE_FILE).is_file()
    for piece in PII_PIECES:
        assert piece not in result.stderr  # logs carry no values


def test_demo_llm_panels_one_after_the_other_on_a_narrow_terminal() -> None:
    result = run_demo(columns=80)
    assert_ran_with_state_under_demo(result)
    panels, answer, audit = llm_part(result.stdout)
    prompt, marker, vendor = panels.partition(MODEL_HEADING)
    assert marker
    for value in PII:
        assert value in flat(prompt)  # what our service sent
    for placeholder in PLACEHOLDERS:
        assert placeholder in vendor
    for piece in PII_PIECES:
        assert piece not in vendor
    assert "x-conversation-id" in prompt and "x-conversation-id" not in vendor  # scope only
    assert_answer_and_audit(answer, audit)


def test_demo_llm_panels_side_by_side_on_a_wide_terminal() -> None:
    result = run_demo(columns=160)
    assert_ran_with_state_under_demo(result)
    panels, answer, audit = llm_part(result.stdout)
    separator = COLUMN_SEPARATOR.strip()
    rows = [line for line in panels.splitlines()[2:] if separator in line]  # heading, rule
    assert rows
    left = "\n".join(line.partition(separator)[0] for line in rows)
    right = "\n".join(line.partition(separator)[2] for line in rows)
    for value in PII:
        assert value in flat(left)
    for placeholder in PLACEHOLDERS:
        assert placeholder in right
    for piece in PII_PIECES:
        assert piece not in right
    assert_answer_and_audit(answer, audit)
