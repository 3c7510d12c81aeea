"""Model APIs through real sockets: the real detector, the sample contracts, the fake model.

Each test asserts both sides: what the caller got (values restored, or the documented error)
and what the fake model vendor received (no prompt value, placeholders instead).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from proxy.fake_model import FakeModel, running_fake_model
from proxy.testing import ReceivedRequest, RecordingVendor
from recognizers import DetectionPool
from tests.conftest import REPO, ProxyFactory, RunningProxy

pytestmark = pytest.mark.functional

NAME = "Dora Keene"
EMAIL = "dora.keene@example.com"
PHONE = "+1 415 555 0134"
STREET = "1290 Larkin Street"
VALUES = [NAME, EMAIL, PHONE, "Keene", "dora.keene"]
TICKET = (f"Customer {NAME} ({EMAIL}, phone {PHONE}) says the parcel to {STREET}, San Francisco "
          "never arrived. Draft a short apology.")


@pytest.fixture
async def fake() -> AsyncIterator[FakeModel]:
    async with running_fake_model() as model:
        yield model


@pytest.fixture
async def proxy(start_proxy: ProxyFactory, fake: FakeModel, tmp_path: Path) -> RunningProxy:
    # The sample contracts, letting the fake model's test switches through as well.
    switches = "x-fake-tool-call, x-fake-seed, x-fake-invent, x-fake-thinking"
    contracts = {name: (REPO / "config" / "vendors" / f"{name}.yaml").read_text()
                 .replace("headers: [authorization]", f"headers: [authorization, {switches}]")
                 .replace("anthropic-beta]", f"anthropic-beta, {switches}]")
                 for name in ("openai", "anthropic")}
    stores = f"stores: {{backend: sqlite, sqlite_path: '{tmp_path / 'state.sqlite3'}'}}\n"
    return await start_proxy(contracts, upstream=fake.url, proxy_yaml=stores)


def leaked(fake: FakeModel) -> list[str]:
    """Prompt values found in anything the fake model received."""
    return [v for r in fake.received for v in VALUES if v.encode() in r.body]


async def post(proxy: RunningProxy, path: str, body: dict[str, Any],
               headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    async with proxy.session.post(proxy.url + path, json=body, headers={
            "x-conversation-id": "conv-1", "authorization": "Bearer k", **(headers or {})}) as r:
        return r.status, await r.read()


def sse_data(raw: bytes) -> list[dict[str, Any]]:
    return [json.loads(line[6:]) for line in raw.decode().splitlines()
            if line.startswith("data: ") and line != "data: [DONE]"]


CHAT = {
    "model": "gpt-test",
    "messages": [
        {"role": "system", "content": "You help support agents."},
        {"role": "user", "content": [{"type": "text", "text": TICKET}]},
        {"role": "assistant", "content": None, "tool_calls": [{
            "id": "call_1", "type": "function", "function": {
                "name": "lookup", "arguments": json.dumps({"email": EMAIL, "n": 2})}}]},
        {"role": "tool", "tool_call_id": "call_1", "content": f"Order 7 of {NAME}: lost"},
        {"role": "user", "content": f"Write to {NAME} now."},
    ],
    "tools": [{"type": "function", "function": {"name": "lookup", "parameters": {
        "type": "object", "properties": {"email": {"type": "string"}}}}}],
}


async def test_chat_prompt_goes_with_placeholders_and_the_answer_comes_back_restored(
        proxy: RunningProxy, fake: FakeModel) -> None:
    status, body = await post(proxy, "/openai/v1/chat/completions", CHAT)
    assert status == 200, body
    assert leaked(fake) == []
    sent = fake.received[-1].json
    assert "<PERSON_" in sent["messages"][1]["content"][0]["text"]
    arguments = json.loads(sent["messages"][2]["tool_calls"][0]["function"]["arguments"])
    assert arguments["email"].startswith("<EMAIL_ADDRESS_") and arguments["n"] == 2
    assert "<PERSON_" in sent["messages"][3]["content"]
    answer = json.loads(body)["choices"][0]["message"]["content"]
    assert NAME in answer and EMAIL in answer and "<PERSON_" not in answer
    record = proxy.audit_lines()[-1]
    assert record["llm"]["api"] == "openai_chat" and record["llm"]["restored"] >= 2
    assert NAME not in json.dumps(record)


async def test_chat_stream_is_restored_delta_by_delta_with_tool_arguments(
        proxy: RunningProxy, fake: FakeModel) -> None:
    status, raw = await post(proxy, "/openai/v1/chat/completions", {**CHAT, "stream": True},
                             {"x-fake-tool-call": "lookup", "x-fake-seed": "3"})
    assert status == 200, raw
    assert leaked(fake) == []
    events = sse_data(raw)
    arguments = "".join(call["function"].get("arguments") or "" for e in events
                        for c in e["choices"] for call in c["delta"].get("tool_calls") or [])
    restored = json.loads(arguments)
    assert restored["customer"] in (NAME, EMAIL, PHONE)
    assert "<" not in json.dumps(restored["mentions"])
    assert raw.rstrip().endswith(b"data: [DONE]")


async def test_the_same_value_is_the_same_placeholder_on_every_turn(
        proxy: RunningProxy, fake: FakeModel) -> None:
    history: list[dict[str, Any]] = [{"role": "system", "content": "Be brief."}]
    sent_prefixes: list[bytes] = []
    for turn in range(10):
        history.append({"role": "user", "content": f"Turn {turn}: {NAME} wrote from {EMAIL}."})
        status, body = await post(proxy, "/openai/v1/chat/completions",
                                  {"model": "m", "messages": history})
        assert status == 200, body
        answer = json.loads(body)["choices"][0]["message"]["content"]
        assert NAME in answer  # restored, so the next turn sends the value again
        history.append({"role": "assistant", "content": answer})
        sent = fake.received[-1].json["messages"]
        sent_prefixes.append(json.dumps(sent[:-1]).encode())
    assert leaked(fake) == []
    placeholders = {m["content"].split(":", 1)[1] for m in fake.received[-1].json["messages"]
                    if m["role"] == "user"}
    assert len(placeholders) == 1  # ten turns, one placeholder pair for the same person
    for earlier, later in itertools.pairwise(sent_prefixes):
        assert later.startswith(earlier[:-1])  # earlier turns' bytes never change


async def test_responses_api_streamed_and_whole(proxy: RunningProxy, fake: FakeModel) -> None:
    body = {"model": "m", "input": [
        {"type": "message", "role": "user", "content": [{"type": "input_text", "text": TICKET}]},
        {"type": "function_call", "call_id": "c1", "name": "lookup",
         "arguments": json.dumps({"name": NAME})},
        {"type": "function_call_output", "call_id": "c1", "output": f"{NAME}: gold"}]}
    status, whole = await post(proxy, "/openai/v1/responses", body)
    assert status == 200, whole
    text = json.loads(whole)["output"][0]["content"][0]["text"]
    assert NAME in text
    status, raw = await post(proxy, "/openai/v1/responses", {**body, "stream": True})
    assert status == 200, raw
    events = sse_data(raw)
    deltas = "".join(e["delta"] for e in events if e["type"] == "response.output_text.delta")
    assert deltas == text
    assert events[-1]["type"] == "response.completed"
    assert events[-1]["response"]["output"][0]["content"][0]["text"] == text
    assert leaked(fake) == []


async def test_anthropic_stream_restores_text_and_tool_input_and_keeps_thinking(
        proxy: RunningProxy, fake: FakeModel) -> None:
    body = {"model": "claude", "max_tokens": 200, "system": "Support.",
            "tools": [{"name": "lookup", "input_schema": {"type": "object"}}],
            "messages": [{"role": "user", "content": TICKET}]}
    status, raw = await post(proxy, "/anthropic/v1/messages", {**body, "stream": True},
                             {"x-fake-tool-call": "lookup", "x-fake-thinking": "1"})
    assert status == 200, raw
    events = sse_data(raw)
    partial = "".join(e["delta"]["partial_json"] for e in events
                      if e.get("delta", {}).get("type") == "input_json_delta")
    assert json.loads(partial)["customer"] in (NAME, EMAIL, PHONE)
    thinking = "".join(e["delta"]["thinking"] for e in events
                       if e.get("delta", {}).get("type") == "thinking_delta")
    assert "<" in thinking or thinking  # passed as the model wrote it, placeholders included
    assert leaked(fake) == []


async def test_embeddings_are_checked_and_token_arrays_refused(
        proxy: RunningProxy, fake: FakeModel) -> None:
    status, body = await post(proxy, "/openai/v1/embeddings",
                              {"model": "e", "input": [TICKET, "no personal data here"]})
    assert status == 200, body
    assert len(json.loads(body)["data"]) == 2
    assert leaked(fake) == []
    before = len(fake.received)
    status, body = await post(proxy, "/openai/v1/embeddings", {"model": "e", "input": [1, 2, 3]})
    assert status == 400 and json.loads(body)["reason"] == "llm_token_array"
    assert len(fake.received) == before  # nothing sent


async def test_an_unknown_content_part_is_refused_with_nothing_sent(
        proxy: RunningProxy, fake: FakeModel) -> None:
    body = {"model": "m", "messages": [{"role": "user", "content": [
        {"type": "text", "text": "hi"}, {"type": "hologram", "data": TICKET}]}]}
    status, answer = await post(proxy, "/openai/v1/chat/completions", body)
    assert status == 400 and json.loads(answer)["reason"] == "llm_unknown_part"
    assert fake.received == []
    assert NAME.encode() not in answer


async def test_an_invented_placeholder_is_left_as_written_and_counted(
        proxy: RunningProxy, fake: FakeModel) -> None:
    status, body = await post(proxy, "/openai/v1/chat/completions", CHAT, {"x-fake-invent": "1"})
    assert status == 200
    answer = json.loads(body)["choices"][0]["message"]["content"]
    assert "<PERSON_deadbeef>" in answer
    assert proxy.audit_lines()[-1]["llm"]["unknown"] >= 1


async def test_surrogates_look_real_to_the_vendor_and_are_restored(
        start_proxy: ProxyFactory, vendor: RecordingVendor, tmp_path: Path) -> None:
    async def echo(_: web.Request, received: ReceivedRequest) -> web.StreamResponse:
        prompt = received.json()["messages"][-1]["content"]
        return web.json_response({"id": "c", "object": "chat.completion", "created": 1,
                                  "model": "m", "choices": [{"index": 0, "finish_reason": "stop",
                                  "message": {"role": "assistant", "content": f"Echo: {prompt}"}}]})
    vendor.responder = echo
    contract = (REPO / "config" / "vendors" / "openai.yaml").read_text().replace(
        "llm: {api: openai_chat,", "llm: {api: openai_chat, placeholder: surrogate,")
    stores = f"stores: {{backend: sqlite, sqlite_path: '{tmp_path / 's.sqlite3'}'}}\n"
    proxy = await start_proxy({"openai": contract}, upstream=vendor.url, proxy_yaml=stores)
    text = f"Please call {NAME} at {PHONE} or write to {EMAIL}."
    status, body = await post(proxy, "/openai/v1/chat/completions",
                              {"model": "m", "messages": [{"role": "user", "content": text}]})
    assert status == 200, body
    sent = vendor.received[-1].json()["messages"][-1]["content"]
    assert NAME not in sent and EMAIL not in sent and PHONE not in sent
    assert "<" not in sent and "@example.com" in sent  # stand-ins, not typed placeholders
    assert json.loads(body)["choices"][0]["message"]["content"] == f"Echo: {text}"


async def test_a_whole_answer_can_be_redacted_after_it_is_restored(
        start_proxy: ProxyFactory, fake: FakeModel, tmp_path: Path) -> None:
    """The response selectors run on the restored answer: a type the contract forbids to come
    back (here: email addresses) is redacted, the rest stays restored."""
    contract = (REPO / "config" / "vendors" / "openai.yaml").read_text().replace(
        "        choices[*].message.content: keep\n",
        "        choices[*].message.content: {action: redact, entities: [EMAIL_ADDRESS]}\n")
    stores = f"stores: {{backend: sqlite, sqlite_path: '{tmp_path / 's.sqlite3'}'}}\n"
    proxy = await start_proxy({"openai": contract}, upstream=fake.url, proxy_yaml=stores)
    status, body = await post(proxy, "/openai/v1/chat/completions", CHAT)
    assert status == 200, body
    answer = json.loads(body)["choices"][0]["message"]["content"]
    assert NAME in answer and EMAIL not in answer and "<EMAIL_ADDRESS>" in answer


async def test_a_conversation_history_is_detected_once(
        start_proxy: ProxyFactory, fake: FakeModel, tmp_path: Path,
        detection_pool: DetectionPool) -> None:
    """Every turn resends the history; only the new turn's text goes to the detector."""
    seen: list[str] = []

    class Counting:
        async def detect(self, requests: Any) -> Any:
            seen.extend(r.text for r in requests)
            return await detection_pool.detect(requests)

    contract = (REPO / "config" / "vendors" / "openai.yaml").read_text()
    stores = f"stores: {{backend: sqlite, sqlite_path: '{tmp_path / 's.sqlite3'}'}}\n"
    proxy = await start_proxy({"openai": contract}, upstream=fake.url, proxy_yaml=stores,
                              detector=Counting())
    history: list[dict[str, Any]] = []
    for turn in range(3):
        history.append({"role": "user", "content": f"Turn {turn}: please call {NAME}."})
        status, body = await post(proxy, "/openai/v1/chat/completions",
                                  {"model": "m", "messages": history})
        assert status == 200, body
        history.append({"role": "assistant",
                        "content": json.loads(body)["choices"][0]["message"]["content"]})
    assert leaked(fake) == []
    # Each distinct text of the conversation went to the detector once, on three turns.
    assert sorted(seen) == sorted({m["content"] for m in history[:-1]})
