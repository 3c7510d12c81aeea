"""Contract problems of model-API routes name the file, vendor, route and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from proxy.config.loader import load_config
from proxy.errors import ConfigError
from tests.conftest import write_config

BASE = """
vendor: model
upstream: https://api.model.example
routes:
  - method: POST
    path: /v1/chat/completions
{extra}
    request:
      body:
        model: keep
        messages[*].content: {rule}
"""


def problems(tmp_path: Path, extra: str = "", rule: str = "placeholder") -> list[str]:
    write_config(tmp_path, {"model": BASE.format(extra=extra, rule=rule)})
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    return caught.value.problems


def test_placeholder_needs_an_llm_section(tmp_path: Path) -> None:
    [problem] = problems(tmp_path)
    assert "model.yaml" in problem and "routes[0]" in problem
    assert "messages[*].content" in problem and "llm section" in problem


def test_an_llm_route_takes_no_stream_section(tmp_path: Path) -> None:
    extra = "    llm: {api: openai_chat}\n    response: {stream: {kind: sse}}"
    found = problems(tmp_path, extra)
    assert any("remove the stream section" in p for p in found)


def test_placeholder_on_a_header_is_refused(tmp_path: Path) -> None:
    extra = "    llm: {api: openai_chat}"
    write_config(tmp_path, {"model": BASE.format(extra=extra, rule="placeholder").replace(
        "    request:\n", "    request:\n      headers: {x-user: placeholder}\n")})
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert any("request.headers.x-user" in p and "request body fields" in p
               for p in caught.value.problems)


def test_unknown_api_is_a_clear_problem(tmp_path: Path) -> None:
    found = problems(tmp_path, "    llm: {api: gemini}")
    assert any("llm.api" in p for p in found)


def test_a_valid_llm_route_loads(tmp_path: Path) -> None:
    write_config(tmp_path, {"model": BASE.format(extra="    llm: {api: openai_chat}",
                                                 rule="{action: placeholder, json: true}")})
    config = load_config(tmp_path)
    route = config.vendors["model"].routes[0].route
    assert route.llm is not None and route.llm.api.value == "openai_chat"


def test_the_answer_rule_names_known_types_and_needs_restore(tmp_path: Path) -> None:
    [unknown] = problems(tmp_path, "    llm: {api: openai_chat, answer: {action: redact, "
                                   "entities: [PHONE_NUMBR]}}")
    assert "routes[0].llm.answer" in unknown and "unknown entity 'PHONE_NUMBR'" in unknown
    [no_restore] = problems(tmp_path, "    llm: {api: openai_chat, restore: false, answer: "
                                      "{action: redact, entities: [PHONE_NUMBER]}}")
    assert "llm.answer" in no_restore and "restore: false" in no_restore
