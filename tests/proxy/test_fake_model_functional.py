"""The fake model (proxy/fake_model) against the real ``openai`` and ``anthropic`` SDKs.

Each test has an SDK parse what the fake sends, whole and streamed, and checks that the
placeholders of the prompt come back intact once the SDK reassembled the pieces.
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import anthropic
import openai
import pytest
from anthropic import AsyncAnthropic
from anthropic.types import Message, RawMessageStreamEvent
from openai import AsyncOpenAI
from openai.types.chat import ChatCompletion, ChatCompletionChunk
from openai.types.responses import Response, ResponseStreamEvent
from pydantic import TypeAdapter

from proxy.fake_model import PLACEHOLDER, FakeModel, running_fake_model
from proxy.fake_model.core import Knobs, plan_turn
from tests.functional.raw_http import raw_request

pytestmark = pytest.mark.functional

PERSON = "<PERSON_0a1b2c3d>"
EMAIL = "<EMAIL_ADDRESS_5e6f7a8b9c>"
PHONE = "<PHONE_NUMBER_00112233>"
PROMPT = f"Please write to {PERSON} at {EMAIL} about the invoice."

CHAT_TOOL: Any = {"type": "function", "function": {
    "name": "send_note", "description": "Send a note to a customer.",
    "parameters": {"type": "object", "properties": {"customer": {"type": "string"}}}}}
RESPONSES_TOOL: Any = {"type": "function", "name": "send_note", "strict": False,
                       "parameters": {"type": "object",
                                      "properties": {"customer": {"type": "string"}}}}
ANTHROPIC_TOOL: Any = {"name": "send_note", "description": "Send a note to a customer.",
                       "input_schema": {"type": "object",
                                        "properties": {"customer": {"type": "string"}}}}
TOOL_CALL = {"x-fake-tool-call": "send_note"}


@pytest.fixture
async def fake() -> AsyncIterator[FakeModel]:
    async with running_fake_model() as model:
        yield model


@pytest.fixture
async def oai(fake: FakeModel) -> AsyncIterator[AsyncOpenAI]:
    client = AsyncOpenAI(base_url=fake.url + "/v1", api_key="x", max_retries=0)
    yield client
    await client.close()


@pytest.fixture
async def claude(fake: FakeModel) -> AsyncIterator[AsyncAnthropic]:
    client = AsyncAnthropic(base_url=fake.url, api_key="x", max_retries=0)
    yield client
    await client.close()


def assert_echoes(text: str, *placeholders: str) -> None:
    for placeholder in placeholders:
        assert placeholder in text, (placeholder, text)


# OpenAI Chat Completions


async def test_chat_answer_echoes_the_prompts_placeholders(oai: AsyncOpenAI,
                                                           fake: FakeModel) -> None:
    completion = await oai.chat.completions.create(
        model="gpt-fake", messages=[{"role": "system", "content": f"Call {PHONE} only."},
                                    {"role": "user", "content": PROMPT}],
        extra_headers={"x-fake-answer-tokens": "25"})

    assert completion.object == "chat.completion"
    [choice] = completion.choices
    assert choice.finish_reason == "stop" and choice.message.role == "assistant"
    text = choice.message.content or ""
    assert text.startswith(f"Thanks. I will write to {PHONE}, {PERSON} and {EMAIL}.")
    assert len(text.split()) == 25
    assert completion.usage is not None and completion.usage.completion_tokens == 25
    [received] = fake.received
    assert received.method == "POST" and received.path == "/v1/chat/completions"
    assert received.json["messages"][1]["content"] == PROMPT
    assert json.loads(received.body) == received.json


async def test_chat_stream_sends_role_fragments_finish_and_usage(oai: AsyncOpenAI) -> None:
    stream = await oai.chat.completions.create(
        model="gpt-fake", messages=[{"role": "user", "content": PROMPT}], stream=True,
        stream_options={"include_usage": True}, extra_headers={"x-fake-seed": "7"})
    chunks = [chunk async for chunk in stream]

    assert chunks[0].choices[0].delta.role == "assistant"
    pieces = [c.choices[0].delta.content for c in chunks[1:-2]]
    assert all(p and 1 <= len(p) <= 3 for p in pieces)
    assert chunks[-2].choices[0].finish_reason == "stop"
    assert chunks[-1].choices == [] and chunks[-1].usage is not None
    text = "".join(p or "" for p in pieces)
    assert_echoes(text, PERSON, EMAIL)
    assert chunks[-1].usage.completion_tokens == len(text.split()) == 40
    # Some placeholder was cut between two chunks (that is what the proxy must put together).
    assert not all(PLACEHOLDER.search(p or "") for p in pieces if "<" in (p or ""))


async def test_chat_tool_call_whole(oai: AsyncOpenAI) -> None:
    completion = await oai.chat.completions.create(
        model="gpt-fake", messages=[{"role": "user", "content": PROMPT}], tools=[CHAT_TOOL],
        extra_headers=TOOL_CALL)

    [choice] = completion.choices
    assert choice.finish_reason == "tool_calls" and choice.message.content is None
    [call] = choice.message.tool_calls or []
    assert call.type == "function" and call.function.name == "send_note"
    assert call.id.startswith("call_")
    arguments = json.loads(call.function.arguments)
    assert list(arguments) == ["customer", "mentions", "note"]
    assert arguments["customer"] == PERSON and arguments["mentions"] == [PERSON, EMAIL]


async def test_chat_tool_call_streamed_is_reassembled_by_the_stream_helper(
        oai: AsyncOpenAI) -> None:
    history: Any = [
        {"role": "user", "content": PROMPT},
        {"role": "assistant", "content": None, "tool_calls": [{
            "id": "call_1", "type": "function",
            "function": {"name": "send_note", "arguments": json.dumps({"to": PHONE})}}]},
        {"role": "tool", "tool_call_id": "call_1", "content": "sent"},
    ]
    fragments: list[str] = []
    async with oai.chat.completions.stream(model="gpt-fake", messages=history,
                                           tools=[CHAT_TOOL], extra_headers=TOOL_CALL) as stream:
        async for event in stream:
            if event.type == "tool_calls.function.arguments.delta" and event.arguments_delta:
                fragments.append(event.arguments_delta)
        completion = await stream.get_final_completion()

    assert len(fragments) > 5 and all(1 <= len(f) <= 5 for f in fragments)
    [choice] = completion.choices
    assert choice.finish_reason == "tool_calls"
    [call] = choice.message.tool_calls or []
    assert call.function.name == "send_note"
    arguments = json.loads(call.function.arguments)
    assert arguments["mentions"] == [PERSON, EMAIL, PHONE]


async def test_invented_placeholder_was_not_in_the_prompt(oai: AsyncOpenAI) -> None:
    completion = await oai.chat.completions.create(
        model="gpt-fake", messages=[{"role": "user", "content": PROMPT}],
        extra_headers={"x-fake-invent": "1"})

    found = PLACEHOLDER.findall(completion.choices[0].message.content or "")
    assert found == [PERSON, EMAIL, "<PERSON_deadbeef>"]


# OpenAI Responses

RESPONSES_INPUT: Any = [
    {"type": "message", "role": "user", "content": [{"type": "input_text", "text": PROMPT}]},
    {"type": "message", "role": "assistant",
     "content": [{"type": "output_text", "text": "Noted.", "annotations": []}]},
    {"type": "function_call", "call_id": "call_9", "name": "send_note",
     "arguments": json.dumps({"customer": PHONE})},
    {"type": "function_call_output", "call_id": "call_9", "output": "sent"},
]


async def test_responses_answer_whole(oai: AsyncOpenAI) -> None:
    response = await oai.responses.create(model="gpt-fake", input=RESPONSES_INPUT)

    assert response.object == "response" and response.status == "completed"
    [item] = response.output
    assert item.type == "message" and item.role == "assistant"
    assert_echoes(response.output_text, PERSON, EMAIL, PHONE)
    assert response.usage is not None and response.usage.output_tokens == 40


async def test_responses_string_input_and_function_call_whole(oai: AsyncOpenAI) -> None:
    response = await oai.responses.create(model="gpt-fake", input=PROMPT, tools=[RESPONSES_TOOL],
                                          extra_headers=TOOL_CALL)

    [item] = response.output
    assert item.type == "function_call" and item.name == "send_note"
    assert item.call_id.startswith("call_")
    assert json.loads(item.arguments)["mentions"] == [PERSON, EMAIL]


async def test_responses_stream_events_in_order(oai: AsyncOpenAI) -> None:
    async with oai.responses.stream(model="gpt-fake", input=RESPONSES_INPUT,
                                    extra_headers={"x-fake-seed": "3"}) as stream:
        events = [event async for event in stream]
        final = await stream.get_final_response()

    kinds = [e.type for e in events]
    deltas = [e for e in events if e.type == "response.output_text.delta"]
    assert kinds == ["response.created", "response.in_progress", "response.output_item.added",
                     "response.content_part.added", *["response.output_text.delta"] * len(deltas),
                     "response.output_text.done", "response.content_part.done",
                     "response.output_item.done", "response.completed"]
    assert [e.sequence_number for e in events] == list(range(len(events)))
    text = "".join(d.delta for d in deltas)
    done = next(e for e in events if e.type == "response.output_text.done")
    assert done.text == text == final.output_text
    assert {d.item_id for d in deltas} == {getattr(final.output[0], "id", None)}
    assert_echoes(text, PERSON, EMAIL, PHONE)


async def test_responses_function_call_streamed(oai: AsyncOpenAI) -> None:
    async with oai.responses.stream(model="gpt-fake", input=RESPONSES_INPUT,
                                    tools=[RESPONSES_TOOL], extra_headers=TOOL_CALL) as stream:
        events = [event async for event in stream]
        final = await stream.get_final_response()

    deltas = [e.delta for e in events if e.type == "response.function_call_arguments.delta"]
    done = next(e for e in events if e.type == "response.function_call_arguments.done")
    assert len(deltas) > 5 and "".join(deltas) == done.arguments
    [item] = final.output
    assert item.type == "function_call" and item.arguments == done.arguments
    assert json.loads(item.arguments)["mentions"] == [PERSON, EMAIL, PHONE]


# Anthropic Messages


async def test_messages_answer_whole(claude: AsyncAnthropic) -> None:
    message = await claude.messages.create(
        model="claude-fake", max_tokens=200, system=f"Sign as {PHONE}.",
        messages=[{"role": "user", "content": PROMPT}])

    assert message.type == "message" and message.stop_reason == "end_turn"
    [block] = message.content
    assert block.type == "text"
    assert_echoes(block.text, PHONE, PERSON, EMAIL)


async def test_messages_tool_use_with_thinking_whole(claude: AsyncAnthropic) -> None:
    history: Any = [
        {"role": "user", "content": PROMPT},
        {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_1",
                                           "name": "send_note", "input": {"to": PHONE}}]},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1",
                                      "content": "sent"}]},
    ]
    message = await claude.messages.create(
        model="claude-fake", max_tokens=200, messages=history, tools=[ANTHROPIC_TOOL],
        extra_headers={**TOOL_CALL, "x-fake-thinking": "1"})

    assert message.stop_reason == "tool_use"
    thinking, tool_use = message.content
    assert thinking.type == "thinking" and thinking.signature
    assert_echoes(thinking.thinking, PERSON, EMAIL, PHONE)
    assert tool_use.type == "tool_use" and tool_use.name == "send_note"
    assert tool_use.input["mentions"] == [PERSON, EMAIL, PHONE]


async def test_messages_stream_text_with_thinking(claude: AsyncAnthropic) -> None:
    async with claude.messages.stream(
            model="claude-fake", max_tokens=200, messages=[{"role": "user", "content": PROMPT}],
            extra_headers={"x-fake-thinking": "1", "x-fake-seed": "11"}) as stream:
        text = "".join([piece async for piece in stream.text_stream])
        final = await stream.get_final_message()

    thinking, block = final.content
    assert thinking.type == "thinking" and block.type == "text"
    assert_echoes(thinking.thinking, PERSON, EMAIL)
    assert thinking.signature and block.text == text
    assert_echoes(text, PERSON, EMAIL)
    assert final.stop_reason == "end_turn" and final.usage.output_tokens > 40


async def test_messages_stream_tool_use(claude: AsyncAnthropic) -> None:
    async with claude.messages.stream(
            model="claude-fake", max_tokens=200, messages=[{"role": "user", "content": PROMPT}],
            tools=[ANTHROPIC_TOOL], extra_headers=TOOL_CALL) as stream:
        events = [event async for event in stream]
        final = await stream.get_final_message()

    partial = [e.delta.partial_json for e in events if e.type == "content_block_delta"
               and e.delta.type == "input_json_delta"]
    assert len(partial) > 5 and all(1 <= len(p) <= 5 for p in partial)
    [block] = final.content
    assert block.type == "tool_use" and block.name == "send_note"
    assert block.input == json.loads("".join(partial))
    assert block.input["customer"] == PERSON and final.stop_reason == "tool_use"


async def test_messages_stream_wire_has_event_lines_and_ping(fake: FakeModel) -> None:
    async with aiohttp.ClientSession() as session, session.post(
            fake.url + "/v1/messages", json={"model": "m", "max_tokens": 9, "stream": True,
                                             "messages": [{"role": "user", "content": PROMPT}]},
            headers={"x-fake-answer-tokens": "3"}) as answer:
        wire = (await answer.read()).decode()

    assert answer.headers["Content-Type"].startswith("text/event-stream")
    names = re.findall(r"^event: (\S+)$", wire, re.MULTILINE)
    assert names[:4] == ["message_start", "content_block_start", "ping", "content_block_delta"]
    assert names[-3:] == ["content_block_stop", "message_delta", "message_stop"]


# Embeddings


async def test_embeddings_are_deterministic_vectors_of_eight(oai: AsyncOpenAI) -> None:
    first = await oai.embeddings.create(model="emb", input=["alpha", "beta"])
    floats = await oai.embeddings.create(model="emb", input="alpha", encoding_format="float")
    tokens = await oai.embeddings.create(model="emb", input=[[1, 2, 3], [4]])
    one_array = await oai.embeddings.create(model="emb", input=[1, 2, 3])

    alpha, beta = (d.embedding for d in first.data)
    assert len(alpha) == len(beta) == 8 and alpha != beta
    assert floats.data[0].embedding == alpha  # the SDK's default (base64) decodes the same
    assert abs(sum(v * v for v in alpha) - 1.0) < 1e-5
    assert len(tokens.data) == 2 and one_array.data[0].embedding == tokens.data[0].embedding


# Every payload, checked strictly against the SDKs' own types (the SDKs parse leniently)

STRICT_CASES: Any = {
    "chat": ("/v1/chat/completions", {"messages": [{"role": "user", "content": PROMPT}],
                                      "tools": [CHAT_TOOL],
                                      "stream_options": {"include_usage": True}}),
    "responses": ("/v1/responses", {"input": PROMPT, "tools": [RESPONSES_TOOL]}),
    "messages": ("/v1/messages", {"max_tokens": 9, "tools": [ANTHROPIC_TOOL],
                                  "messages": [{"role": "user", "content": PROMPT}]}),
}


def sse(wire: str) -> list[tuple[str | None, str]]:
    """``(event name, data)`` of each server-sent event."""
    events = []
    for block in filter(None, wire.split("\n\n")):
        lines = dict(line.split(": ", 1) for line in block.split("\n"))
        events.append((lines.get("event"), lines["data"]))
    return events


def strict_types(api: str) -> tuple[Any, Any]:
    """The pydantic types of the whole answer and of one streamed event."""
    types: dict[str, tuple[Any, Any]] = {"chat": (ChatCompletion, ChatCompletionChunk),
                                         "responses": (Response, ResponseStreamEvent),
                                         "messages": (Message, RawMessageStreamEvent)}
    whole, event = types[api]
    return TypeAdapter(whole), TypeAdapter(event)


@pytest.mark.parametrize("tool_call", [False, True], ids=["text", "tool-call"])
@pytest.mark.parametrize("api", sorted(STRICT_CASES))
async def test_payloads_validate_strictly_against_sdk_types(fake: FakeModel, api: str,
                                                            tool_call: bool) -> None:
    path, body = STRICT_CASES[api]
    headers = {**TOOL_CALL, "x-fake-thinking": "1"} if tool_call else {}
    whole_type, event_type = strict_types(api)
    async with aiohttp.ClientSession(headers=headers) as session:
        async with session.post(fake.url + path, json={"model": "gpt-4o", **body}) as answer:
            whole_type.validate_json(await answer.read(), strict=True)
        async with session.post(fake.url + path, json={"model": "gpt-4o", **body,
                                                       "stream": True}) as answer:
            events = sse((await answer.read()).decode())

    assert events and all(name is None for name, _ in events) == (api == "chat")
    for name, data in events:
        if data != "[DONE]" and name != "ping":
            event = event_type.validate_json(data, strict=True)
            assert name == getattr(event, "type", None)  # chat chunks: neither


# Errors, recording, the process


async def test_requested_error_status_has_each_apis_error_shape(
        oai: AsyncOpenAI, claude: AsyncAnthropic) -> None:
    with pytest.raises(openai.InternalServerError) as openai_error:
        await oai.chat.completions.create(model="m", messages=[{"role": "user", "content": "x"}],
                                          extra_headers={"x-fake-status": "500"})
    with pytest.raises(anthropic.RateLimitError) as anthropic_error:
        await claude.messages.create(model="m", max_tokens=5, messages=[
            {"role": "user", "content": "x"}], extra_headers={"x-fake-status": "429"})

    assert isinstance(openai_error.value.body, dict)
    assert openai_error.value.body["type"] == "server_error"
    assert anthropic_error.value.body == {"type": "error", "error": {
        "type": "rate_limit_error", "message": "fake error (x-fake-status)"}}


async def test_received_keeps_repeated_header_lines(fake: FakeModel) -> None:
    lines = [(b"X-Copy", b"first"), (b"Authorization", b"Bearer k"), (b"x-copy", b"second")]
    answer = await raw_request(fake.url, "/v1/embeddings", lines, b'{"input": "a"}')
    assert answer.status == 200
    async with aiohttp.ClientSession() as session, session.get(fake.url + "/v1/nowhere") as gone:
        assert gone.status == 404

    embedding, nowhere = fake.received
    assert embedding.getall("x-copy") == ["first", "second"]
    assert embedding.headers["x-copy"] == "first, second"
    assert embedding.body == b'{"input": "a"}' and embedding.json == {"input": "a"}
    assert (nowhere.method, nowhere.path, nowhere.json) == ("GET", "/v1/nowhere", None)


def test_streams_cut_placeholders_at_every_offset() -> None:
    """Over a few seeds the 1-3 character deltas cut a placeholder after each of its
    characters, so a proxy that restores placeholders meets every split."""
    cuts: set[int] = set()
    for seed in range(30):
        turn = plan_turn(Knobs(seed=seed), [PROMPT], [])
        start = turn.text.index(PERSON)
        ends = [0]
        for piece in turn.text_pieces:
            ends.append(ends[-1] + len(piece))
        cuts.update(end - start for end in ends if start < end < start + len(PERSON))
    assert cuts == set(range(1, len(PERSON)))


async def test_runs_as_a_process_with_pacing() -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "proxy.fake_model", "--port", "0", "--first-token-ms", "5",
        "--chunk-ms", "1", stdout=asyncio.subprocess.PIPE)
    try:
        assert process.stdout is not None
        ready = json.loads(await asyncio.wait_for(process.stdout.readline(), 60))
        assert ready["message"] == "ready"
        client = AsyncOpenAI(base_url=ready["url"] + "/v1", api_key="x", max_retries=0)
        stream = await client.chat.completions.create(
            model="m", messages=[{"role": "user", "content": PROMPT}], stream=True)
        text = "".join([c.choices[0].delta.content or "" async for c in stream])
        await client.close()
        assert_echoes(text, PERSON, EMAIL)
    finally:
        process.terminate()
        assert await asyncio.wait_for(process.wait(), 60) == 0
