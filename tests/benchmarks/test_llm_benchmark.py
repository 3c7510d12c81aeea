"""The model API benchmark's core at a tiny size: the real detector, the fake model, the proxy.

Two streamed requests per side and phase with a short, unpaced answer: the figures are not
checked (they mean nothing at this size), the report's structure and the correctness outcome
are: the vendor got no value of the prompt, and every answer through the proxy came back with
all of them and no placeholder, for new conversations and for their next turn.
``python -m benchmarks.llm`` runs the same core with subprocesses and real sizes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from benchmarks.llm import prompt, report
from benchmarks.llm.core import Bench, FakeModelLog, Setup
from proxy.fake_model import running_fake_model
from tests.conftest import REPO, ProxyFactory

pytestmark = pytest.mark.functional


def test_every_ticket_is_new_text_but_the_system_prompt() -> None:
    one, two = prompt.messages(1), prompt.messages(2)

    assert one[0] == two[0]
    assert all(a != b for a, b in zip(one[1:], two[1:], strict=True))
    assert 7500 <= prompt.prompt_chars(one) <= 8500
    assert len(prompt.PII) == 20 and all(v in json.dumps(one) for v in prompt.PII.values())
    assert prompt.follow_up(1, "the answer")[:len(one)] == one


async def tiny_run(start_proxy: ProxyFactory, tmp_path: Path, levels: list[tuple[int, int]],
                   follow_up: int, control: int) -> dict[str, Any]:
    """The benchmark's core against an in-process proxy and fake model, tiny and unpaced."""
    contract = (REPO / "config" / "vendors" / "openai.yaml").read_text()
    stores = f"stores: {{backend: sqlite, sqlite_path: '{tmp_path / 'state.sqlite3'}'}}\n"
    pacing = {"first_token_ms": 5, "chunk_ms": 0, "answer_tokens": 15}
    async with running_fake_model(**pacing) as fake:
        proxy = await start_proxy({"openai": contract}, upstream=fake.url, proxy_yaml=stores)
        setup = Setup(fake_url=fake.url, proxy_url=proxy.url, vendor=FakeModelLog(fake),
                      levels=levels, follow_up=follow_up, rounds=1, warmup=1, pacing=pacing,
                      audit=proxy.audit_lines, control=control)
        return await Bench(setup).run()


async def test_tiny_run_restores_every_value_and_reports(start_proxy: ProxyFactory,
                                                         tmp_path: Path) -> None:
    results = await tiny_run(start_proxy, tmp_path, [(1, 2), (2, 2)], follow_up=2, control=2)

    targets = results["targets"]
    assert targets["leaked"] == targets["leaked_next_turn"]  # new conversations: none
    assert targets["answers"] == 6 and targets["restored"] == 6 and targets["restored_met"]
    assert targets["concurrency"] == 2 and targets["next_turn_concurrency"] == 2
    assert list(results["phases"]) == ["new-c1", "new-c2", "next-c2"]
    for phase in results["phases"].values():
        assert phase["direct"]["ok"] == phase["proxy"]["ok"] == 2
        assert phase["leaks"]["bodies"] == 2
        if phase["scenario"] == "new conversation":
            assert phase["leaks"]["leaked"] == 0
        assert phase["leaks"]["values_checked"] == 2 * len(prompt.PII)
        assert phase["leaks"]["placeholders_per_prompt_p50"] >= len(prompt.PII)
        assert phase["restoration"] == {"answers": 2, "restored": 2, "values_missing": 0,
                                        "placeholders_left": 0}
        assert phase["proxy_audit"]["records"] == 2
        assert phase["proxy_audit"]["detection_ms_p50"] is not None
        # Same answer on both sides, delta for delta (the direct side sends the vendor's prompt).
        assert phase["direct"]["deltas_p50"] == phase["proxy"]["deltas_p50"]
    assert results["control"]["proxy_audit"]["records"] == 2
    assert results["control"]["added_ttft_ms"]["p50"] is not None

    path = report.write(results, tmp_path)
    text = path.read_text()
    for heading in ("## Setup", "## Targets", "## Time to first token", "## Streamed answer",
                    "## Correctness", "## Where the added time goes"):
        assert heading in text
    assert "| PII values the vendor received | " in text
    assert "| answers restored (every original value, no placeholder) | 6 of 6 | met |" in text
    assert "| new conversation, c=2 | 2/2 / 2/2 |" in text
    assert "| next turn, c=2 | 2/2 / 2/2 |" in text
    assert "The proxy's fixed cost, a one-line prompt" in text
    data = json.loads((tmp_path / report.JSON_NAME).read_text())
    assert set(data) >= {"phases", "targets", "setup", "warmup", "control"}
    assert set(data["phases"]["new-c2"]["added_ttft_ms"]) == {"p50", "p95"}


async def test_a_next_turn_sends_no_value_the_conversation_already_has(
        start_proxy: ProxyFactory, tmp_path: Path) -> None:
    results = await tiny_run(start_proxy, tmp_path, [(1, 1)], follow_up=1, control=0)

    assert results["phases"]["next-c1"]["leaks"]["leaked"] == 0
