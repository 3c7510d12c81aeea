"""Model APIs through the official SDKs: ``openai`` and ``anthropic`` pointed at the proxy.

The raw-HTTP tests (test_llm_functional.py) check the wire; these check that what the proxy
sends back is something the vendors' own SDKs parse, streamed helpers included (the chat and
Responses stream managers, Anthropic's ``text_stream`` and its reassembly of ``input_json_delta``
into a tool_use input). Every test asserts both sides: the caller got the original values and
no placeholder, the fake model vendor got placeholders and none of the values, and the audit
record counts the restored placeholders and holds none of the values.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from anthropic import AsyncAnthropic
from openai import AsyncOpenAI
from openai.types.chat import ChatCompletionMessageFunctionToolCall

from proxy.fake_model import PLACEHOLDER, FakeModel, running_fake_model
from proxy.fake_model.core import signature_of
from tests.conftest import REPO, ProxyFactory, RunningProxy

pytestmark = pytest.mark.functional

NAME = "Dora Keene"
EMAIL = "dora.keene@example.com"
PHONE = "+1 415 555 0134"
STREET = "1290 Larkin Street"
ORIGINALS = [NAME, EMAIL, PHONE, STREET]
# What must reach the vendor nowhere: the values and recognizable parts of them.
VALUES = [*ORIGINALS, "Keene", "dora.keene", "555 0134", "Larkin"]
LABELS = {"PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER", "STREET_ADDRESS"}
TICKET = (f"Customer {NAME} ({EMAIL}, phone {PHONE}) says the parcel to {STREET}, San Francisco "
          "never arrived. Draft a short apology.")
CONVERSATION = "conv-sdk-1"

CHAT_TOOLS: list[Any] = [{"type": "function", "function": {
    "name": "lookup", "description": "Find the customer's orders.",
    "parameters": {"type": "object", "properties": {"customer": {"type": "string"}}}}}]
RESPONSES_TOOLS: list[Any] = [{
    "type": "function", "name": "lookup", "description": "Find the customer's orders.",
    "parameters": {"type": "object", "properties": {"customer": {"type": "string"}}},
    "strict": False}]
ANTHROPIC_TOOLS: list[Any] = [{
    "name": "lookup", "description": "Find the customer's orders.",
    "input_schema": {"type": "object", "properties": {"customer": {"type": "string"}}}}]


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


class Clients:
    """The SDKs pointed at the proxy, closed when the test ends. ``switches`` are ``x-fake-*``
    headers: ``openai(tool_call="lookup")`` sends ``x-fake-tool-call: lookup`` on every call."""

    def __init__(self, proxy: RunningProxy) -> None:
        self.proxy = proxy
        self.made: list[AsyncOpenAI | AsyncAnthropic] = []

    def openai(self, **switches: str) -> AsyncOpenAI:
        client = AsyncOpenAI(base_url=self.proxy.url + "/openai/v1", api_key="k", max_retries=0,
                             default_headers=headers(switches))
        self.made.append(client)
        return client

    def anthropic(self, **switches: str) -> AsyncAnthropic:
        client = AsyncAnthropic(base_url=self.proxy.url + "/anthropic", api_key="k",
                                max_retries=0, default_headers=headers(switches))
        self.made.append(client)
        return client


@pytest.fixture
async def sdk(proxy: RunningProxy) -> AsyncIterator[Clients]:
    clients = Clients(proxy)
    yield clients
    for client in clients.made:
        await client.close()


def headers(switches: dict[str, str]) -> dict[str, str]:
    return {"x-conversation-id": CONVERSATION,
            **{f"x-fake-{name.replace('_', '-')}": value for name, value in switches.items()}}


def assert_restored(text: str | None) -> None:
    """Caller-side text: every original value back, no placeholder left."""
    assert text is not None
    assert PLACEHOLDER.findall(text) == [], text
    for value in ORIGINALS:
        assert value in text, (value, text)


def assert_restored_arguments(arguments: str | dict[str, Any]) -> None:
    """A final tool call's arguments: valid JSON holding the original values."""
    document = json.loads(arguments) if isinstance(arguments, str) else arguments
    assert isinstance(document, dict)
    assert document["customer"] == NAME  # the fake puts the first placeholder (the person)
    assert_restored(" | ".join(document["mentions"]))
    assert_restored(document["note"])


def sent_placeholders(fake: FakeModel, start: int = 0) -> set[str]:
    """The placeholders in what the fake received since request ``start``; none of the values."""
    received = fake.received[start:]
    assert received, "the vendor received nothing"
    leaked = [v for r in received for v in VALUES if v.encode() in r.body]
    assert leaked == []
    found = {p for r in received for p in PLACEHOLDER.findall(r.body.decode())}
    assert {p[1:].rsplit("_", 1)[0] for p in found} >= LABELS, found
    return found


async def audit_record(proxy: RunningProxy, count: int, restored: bool = True) -> dict[str, Any]:
    """The audit record of the ``count``-th exchange, once written (a stream's is written when it
    ends, which may be just after the client read its last byte)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 30
    while len(proxy.audit_lines()) < count:
        assert loop.time() < deadline, "no audit record"
        await asyncio.sleep(0.01)
    record = proxy.audit_lines()[count - 1]
    assert record["outcome"] == "forwarded", record
    if restored:
        assert record["llm"]["restored"] >= 1, record["llm"]
    assert record["llm"]["unknown"] == 0
    text = json.dumps(record)
    assert [v for v in VALUES if v in text] == []
    return record


def assert_key_reached(fake: FakeModel, start: int = 0) -> None:
    for received in fake.received[start:]:
        assert received.getall("authorization") == ["Bearer k"]


# --- OpenAI Chat Completions -------------------------------------------------------------


async def test_openai_chat_whole_answer(
        proxy: RunningProxy, fake: FakeModel, sdk: Clients) -> None:
    client = sdk.openai()
    completion = await client.chat.completions.create(model="gpt-test", messages=[
        {"role": "system", "content": "You help support agents."},
        {"role": "user", "content": TICKET}])
    assert completion.object == "chat.completion"
    assert completion.choices[0].finish_reason == "stop"
    assert_restored(completion.choices[0].message.content)
    assert sent_placeholders(fake)
    assert_key_reached(fake)
    record = await audit_record(proxy, 1)
    assert record["llm"]["api"] == "openai_chat" and record["llm"]["restored"] >= len(LABELS)


async def test_openai_chat_stream_chunks_and_stream_helper(
        proxy: RunningProxy, fake: FakeModel, sdk: Clients) -> None:
    client = sdk.openai(seed="5")
    messages: list[Any] = [{"role": "user", "content": [{"type": "text", "text": TICKET}]}]
    stream = await client.chat.completions.create(
        model="gpt-test", messages=messages, stream=True,
        stream_options={"include_usage": True})
    pieces: list[str] = []
    finish = None
    usage = None
    async for chunk in stream:
        assert chunk.object == "chat.completion.chunk"
        usage = chunk.usage or usage
        for choice in chunk.choices:
            pieces.append(choice.delta.content or "")
            finish = choice.finish_reason or finish
    text = "".join(pieces)
    assert_restored(text)
    assert finish == "stop" and usage is not None and usage.completion_tokens > 0
    await audit_record(proxy, 1)

    async with client.chat.completions.stream(model="gpt-test", messages=messages) as helper:
        deltas = [event.delta async for event in helper if event.type == "content.delta"]
        final = await helper.get_final_completion()
    assert_restored("".join(deltas))
    assert final.choices[0].message.content == "".join(deltas) == text
    sent_placeholders(fake)
    assert_key_reached(fake)
    await audit_record(proxy, 2)


@pytest.mark.parametrize("mode", ["whole", "chunks", "helper"])
async def test_openai_chat_tool_call_arguments_are_restored_json(
        proxy: RunningProxy, fake: FakeModel, sdk: Clients, mode: str) -> None:
    client = sdk.openai(tool_call="lookup", seed="11")
    request: dict[str, Any] = {"model": "gpt-test", "tools": CHAT_TOOLS,
                               "messages": [{"role": "user", "content": TICKET}]}
    if mode == "whole":
        completion = await client.chat.completions.create(**request)
        calls = completion.choices[0].message.tool_calls
        assert completion.choices[0].finish_reason == "tool_calls"
        assert calls is not None and len(calls) == 1
        assert calls[0].type == "function" and calls[0].function.name == "lookup"
        arguments = calls[0].function.arguments
    elif mode == "chunks":
        stream = await client.chat.completions.create(**request, stream=True)
        fragments: dict[int, list[str]] = {}
        names: dict[int, str] = {}
        async for chunk in stream:
            for choice in chunk.choices:
                for call in choice.delta.tool_calls or ():
                    if call.function and call.function.name:
                        names[call.index] = call.function.name
                    fragments.setdefault(call.index, []).append(
                        (call.function.arguments if call.function else None) or "")
                assert choice.delta.content is None or not PLACEHOLDER.search(
                    choice.delta.content)
        assert names == {0: "lookup"} and list(fragments) == [0]
        arguments = "".join(fragments[0])
    else:
        async with client.chat.completions.stream(**request) as helper:
            done = [event async for event in helper
                    if event.type == "tool_calls.function.arguments.done"]
            final = await helper.get_final_completion()
        assert len(done) == 1 and done[0].name == "lookup"
        calls = final.choices[0].message.tool_calls
        assert calls is not None and len(calls) == 1
        arguments = calls[0].function.arguments
        assert done[0].arguments == arguments
    assert_restored_arguments(arguments)
    sent_placeholders(fake)
    await audit_record(proxy, 1)


async def test_openai_chat_history_with_a_tool_call_and_its_result(
        proxy: RunningProxy, fake: FakeModel, sdk: Clients) -> None:
    client = sdk.openai()
    first = await client.chat.completions.create(
        model="gpt-test", tools=CHAT_TOOLS, messages=[{"role": "user", "content": TICKET}],
        extra_headers={"x-fake-tool-call": "lookup"})
    calls = first.choices[0].message.tool_calls
    assert calls is not None and len(calls) == 1
    call = calls[0]
    assert isinstance(call, ChatCompletionMessageFunctionToolCall)
    assert_restored_arguments(call.function.arguments)
    first_placeholders = sent_placeholders(fake)
    await audit_record(proxy, 1)

    history: list[Any] = [
        {"role": "user", "content": TICKET},
        {"role": "assistant", "content": None, "tool_calls": [{
            "id": call.id, "type": "function",
            "function": {"name": call.function.name, "arguments": call.function.arguments}}]},
        {"role": "tool", "tool_call_id": call.id,
         "content": f"{NAME} ({EMAIL}) has one parcel lost on the way to {STREET}, San Francisco. "
                    f"Phone: {PHONE}."},
        {"role": "user", "content": "Now draft the apology."},
    ]
    second = await client.chat.completions.create(model="gpt-test", tools=CHAT_TOOLS,
                                                  messages=history)
    assert_restored(second.choices[0].message.content)
    assert sent_placeholders(fake, 1) == first_placeholders  # same conversation, same names
    sent = fake.received[-1].json["messages"]
    assert sent[1]["tool_calls"][0]["id"] == call.id
    arguments = json.loads(sent[1]["tool_calls"][0]["function"]["arguments"])
    assert arguments["customer"] in first_placeholders
    assert set(arguments["mentions"]) <= first_placeholders
    assert sent[2]["role"] == "tool" and sent[2]["tool_call_id"] == call.id
    assert set(PLACEHOLDER.findall(sent[2]["content"])) <= first_placeholders
    assert_key_reached(fake)
    await audit_record(proxy, 2)


# --- OpenAI Responses --------------------------------------------------------------------


async def test_openai_responses_text_whole_and_streamed(
        proxy: RunningProxy, fake: FakeModel, sdk: Clients) -> None:
    client = sdk.openai(seed="7")
    request: dict[str, Any] = {"model": "gpt-test", "instructions": "You help support agents.",
                               "input": [{"type": "message", "role": "user", "content": [
                                   {"type": "input_text", "text": TICKET}]}]}
    response = await client.responses.create(**request)
    assert response.status == "completed"
    assert_restored(response.output_text)
    await audit_record(proxy, 1)

    async with client.responses.stream(**request) as stream:
        deltas = [event.delta async for event in stream
                  if event.type == "response.output_text.delta"]
        final = await stream.get_final_response()
    assert_restored("".join(deltas))
    assert final.status == "completed" and final.output_text == "".join(deltas)
    assert final.output_text == response.output_text  # same prompt, same placeholders
    sent_placeholders(fake)
    assert_key_reached(fake)
    await audit_record(proxy, 2)


async def test_openai_responses_function_call_whole_and_streamed(
        proxy: RunningProxy, fake: FakeModel, sdk: Clients) -> None:
    client = sdk.openai(tool_call="lookup", seed="13")
    request: dict[str, Any] = {"model": "gpt-test", "tools": RESPONSES_TOOLS, "input": TICKET}
    response = await client.responses.create(**request)
    calls = [item for item in response.output if item.type == "function_call"]
    assert len(calls) == 1 and calls[0].name == "lookup"
    assert_restored_arguments(calls[0].arguments)
    await audit_record(proxy, 1)

    async with client.responses.stream(**request) as stream:
        fragments = [event.delta async for event in stream
                     if event.type == "response.function_call_arguments.delta"]
        final = await stream.get_final_response()
    calls = [item for item in final.output if item.type == "function_call"]
    assert len(calls) == 1 and calls[0].name == "lookup"
    assert_restored_arguments(calls[0].arguments)
    assert "".join(fragments) == calls[0].arguments
    sent_placeholders(fake)
    assert_key_reached(fake)
    await audit_record(proxy, 2)


# --- Anthropic Messages ------------------------------------------------------------------


async def test_anthropic_messages_whole_answer(
        proxy: RunningProxy, fake: FakeModel, sdk: Clients) -> None:
    client = sdk.anthropic()
    message = await client.messages.create(
        model="claude-test", max_tokens=300, system="You help support agents.",
        messages=[{"role": "user", "content": TICKET}])
    assert message.stop_reason == "end_turn"
    assert [block.type for block in message.content] == ["text"]
    assert_restored(message.content[0].text)  # type: ignore[union-attr]
    sent_placeholders(fake)
    record = await audit_record(proxy, 1)
    assert record["llm"]["api"] == "anthropic_messages"


async def test_anthropic_text_stream_and_final_message(
        proxy: RunningProxy, fake: FakeModel, sdk: Clients) -> None:
    client = sdk.anthropic(seed="17")
    async with client.messages.stream(
            model="claude-test", max_tokens=300,
            system=[{"type": "text", "text": "You help support agents."}],
            messages=[{"role": "user", "content": [{"type": "text", "text": TICKET}]}]) as stream:
        pieces = [piece async for piece in stream.text_stream]
        final = await stream.get_final_message()
    text = "".join(pieces)
    assert_restored(text)
    assert final.stop_reason == "end_turn"
    assert [block.type for block in final.content] == ["text"]
    assert final.content[0].text == text  # type: ignore[union-attr]
    sent_placeholders(fake)
    await audit_record(proxy, 1)


@pytest.mark.parametrize("streamed", [False, True], ids=["whole", "streamed"])
async def test_anthropic_tool_use_input_is_restored(
        proxy: RunningProxy, fake: FakeModel, sdk: Clients, streamed: bool) -> None:
    client = sdk.anthropic(tool_call="lookup", seed="19")
    request: dict[str, Any] = {"model": "claude-test", "max_tokens": 300,
                               "tools": ANTHROPIC_TOOLS,
                               "messages": [{"role": "user", "content": TICKET}]}
    if streamed:
        async with client.messages.stream(**request) as stream:
            partial = [event.partial_json async for event in stream
                       if event.type == "input_json"]
            message = await stream.get_final_message()
        assert_restored_arguments("".join(partial))
    else:
        message = await client.messages.create(**request)
    assert message.stop_reason == "tool_use"
    uses = [block for block in message.content if block.type == "tool_use"]
    assert len(uses) == 1 and uses[0].name == "lookup"
    assert_restored_arguments(uses[0].input)  # type: ignore[arg-type]
    sent_placeholders(fake)
    await audit_record(proxy, 1)


@pytest.mark.parametrize("streamed", [False, True], ids=["whole", "streamed"])
async def test_anthropic_thinking_block_goes_back_byte_identical(
        proxy: RunningProxy, fake: FakeModel, sdk: Clients, streamed: bool) -> None:
    client = sdk.anthropic(thinking="1", seed="23")
    first_turn: list[Any] = [{"role": "user", "content": TICKET}]
    request: dict[str, Any] = {"model": "claude-test", "max_tokens": 2048,
                               "thinking": {"type": "enabled", "budget_tokens": 1024}}
    if streamed:
        async with client.messages.stream(**request, messages=first_turn) as stream:
            text = "".join([piece async for piece in stream.text_stream])
            first = await stream.get_final_message()
        assert first.content[1].text == text  # type: ignore[union-attr]
    else:
        first = await client.messages.create(**request, messages=first_turn)
    assert [block.type for block in first.content] == ["thinking", "text"]
    thinking, answer = first.content
    assert thinking.type == "thinking" and answer.type == "text"
    assert_restored(answer.text)
    # The signed block comes back as the vendor wrote and signed it, placeholders included.
    placeholders = sent_placeholders(fake)
    assert set(PLACEHOLDER.findall(thinking.thinking)) == placeholders
    assert thinking.signature == signature_of(thinking.thinking)
    await audit_record(proxy, 1)

    second_turn: list[Any] = [
        *first_turn,
        {"role": "assistant", "content": [
            {"type": "thinking", "thinking": thinking.thinking, "signature": thinking.signature},
            {"type": "text", "text": answer.text}]},
        {"role": "user", "content": f"Also tell {NAME} the refund is on its way."}]
    second = await client.messages.create(**request, messages=second_turn)
    assert_restored(second.content[1].text)  # type: ignore[union-attr]
    received = fake.received[-1]
    block = received.json["messages"][1]["content"][0]
    assert block == {"type": "thinking", "thinking": thinking.thinking,
                     "signature": thinking.signature}
    assert json.dumps(thinking.thinking).encode() in received.body
    assert json.dumps(thinking.signature).encode() in received.body
    assert sent_placeholders(fake, 1) == placeholders
    await audit_record(proxy, 2)


async def test_anthropic_sdk_key_reaches_the_vendor(
        proxy: RunningProxy, fake: FakeModel, sdk: Clients) -> None:
    """The SDK sends ``api_key`` as ``Authorization: Bearer`` (anthropic 2.x), not
    ``x-api-key``; the sample contract must let it through, or the real vendor refuses every
    request with 401."""
    client = sdk.anthropic()
    await client.messages.create(model="claude-test", max_tokens=50,
                                 messages=[{"role": "user", "content": "Hello."}])
    received = fake.received[-1]
    assert received.getall("anthropic-version") != []
    assert received.getall("x-api-key") + received.getall("authorization") != []


# --- Embeddings --------------------------------------------------------------------------


async def test_openai_embeddings(
        proxy: RunningProxy, fake: FakeModel, sdk: Clients) -> None:
    client = sdk.openai()
    other = "The parcel was never delivered."
    result = await client.embeddings.create(model="embed-test", input=[TICKET, other])
    assert [item.index for item in result.data] == [0, 1]
    assert all(len(item.embedding) == 8 for item in result.data)
    placeholders = sent_placeholders(fake)
    sent = fake.received[-1].json
    assert sent["encoding_format"] == "base64"  # the SDK's default, decoded by the SDK
    assert set(PLACEHOLDER.findall(sent["input"][0])) == placeholders
    assert sent["input"][1] == other
    assert_key_reached(fake)
    record = await audit_record(proxy, 1, restored=False)  # vectors hold no placeholder
    assert record["llm"]["api"] == "embeddings" and record["llm"]["placeholders"] == 4
