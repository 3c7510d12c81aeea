"""The workers build the recognizers the contracts' redact and placeholder rules ask for."""

from __future__ import annotations

from pathlib import Path

from proxy.config.loader import load_config
from proxy.tools.cli import analyzer_settings_for
from tests.conftest import REPO, write_config

LLM = """
vendor: model
upstream: https://api.model.example
routes:
  - method: POST
    path: /v1/chat/completions
    llm: {{api: openai_chat}}
    request:
      body:
        messages[*].content: {rule}
"""


def entities(tmp_path: Path, rule: str) -> tuple[str, ...] | None:
    write_config(tmp_path, {"model": LLM.format(rule=rule)})
    return analyzer_settings_for(load_config(tmp_path)).entities


def test_a_placeholder_rule_with_entities_asks_for_them(tmp_path: Path) -> None:
    found = entities(tmp_path, "{action: placeholder, entities: [EMAIL_ADDRESS, PERSON]}")
    assert found == ("EMAIL_ADDRESS", "PERSON")


def test_a_placeholder_rule_without_entities_asks_for_every_type(tmp_path: Path) -> None:
    """Before: only redact rules counted, so a model-API-only deployment built no pattern
    recognizer and emails, phones and cards reached the vendor."""
    assert entities(tmp_path, "placeholder") is None


def test_the_sample_model_contracts_alone_detect_emails_and_cards(tmp_path: Path) -> None:
    write_config(tmp_path, {name: (REPO / "config" / "vendors" / f"{name}.yaml").read_text()
                            for name in ("openai", "anthropic")})
    found = analyzer_settings_for(load_config(tmp_path)).entities
    assert found is None or {"EMAIL_ADDRESS", "CREDIT_CARD", "PHONE_NUMBER"} <= set(found)


def test_the_answer_rule_of_a_model_route_asks_for_its_types(tmp_path: Path) -> None:
    write_config(tmp_path, {"model": LLM.format(rule="{action: placeholder, entities: [PERSON]}")
                            .replace("llm: {api: openai_chat}", "llm: {api: openai_chat, answer: "
                                     "{action: redact, entities: [US_SSN]}}")})
    assert analyzer_settings_for(load_config(tmp_path)).entities == ("PERSON", "US_SSN")
