"""``llm.answer``: what the model writes that the contract forbids the caller to get, through
real sockets, the real detector and a vendor that streams in deltas of one to three characters.

Each test asserts what the caller got (the forbidden values redacted, the caller's own values
restored from their placeholders, every repeated copy of the text matching the deltas) and what
the audit record says (types counted, no value).
"""

from __future__ import annotations

import contextlib
import json
import random
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from proxy.testing import ReceivedRequest, RecordingVendor
from recognizers import DetectionPool
from recognizers.errors import DetectionFailed
from recognizers.types import DetectionRequest, Span
from tests.conftest import REPO, ProxyFactory, RunningProxy

pytestmark = pytest.mark.functional

NAME = "Dora Keene"
AGENT_PHONE = "+1 212 555 0199"
AGENT_EMAIL = "marta.quinn@corp-mail.com"
FORBIDDEN = [AGENT_PHONE, AGENT_EMAIL, "555 0199", "marta.quinn"]
ANSWER_RULE = "answer: {action: redact, entities: [PHONE_NUMBER, EMAIL_ADDRESS]}, "
PLACEHOLDER = re.compile(r"<PERSON_[0-9a-f]{8,16}>")


def answer_for(prompt: bytes) -> str:
    """The model's answer: the customer's placeholder, then an agent's phone and e-mail (values
    the prompt never held), long enough to cross several windows."""
    match = PLACEHOLDER.search(prompt.decode())
    assert match is not None, "the prompt reached the vendor without a placeholder"
    filler = "We are sorry about the delay and will refund the shipping costs today. " * 4
    return (f"Dear {match.group(0)}, {filler}Our agent can be reached at {AGENT_PHONE} or at "
            f"{AGENT_EMAIL} until Friday. {filler}Kind regards, {match.group(0)}'s support team")


def deltas(text: str) -> Iterator[str]:
    rng = random.Random(7)
    at = 0
    while at < len(text):
        size = rng.randint(1, 3)
        yield text[at:at + size]
        at += size


def sse(events: list[Any]) -> bytes:
    out = b""
    for event in events:
        if isinstance(event, dict) and "type" in event:
            out += f"event: {event['type']}\n".encode()
        out += b"data: " + (event if isinstance(event, bytes) else json.dumps(event).encode())
        out += b"\n\n"
    return out


def chat_events(text: str) -> list[Any]:
    head = {"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "m"}
    events: list[Any] = [{**head, "choices": [{"index": 0, "delta": {"role": "assistant",
                                                                    "content": ""}}]}]
    events += [{**head, "choices": [{"index": 0, "delta": {"content": piece}}]}
               for piece in deltas(text)]
    events.append({**head, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
    return [*events, b"[DONE]"]


def anthropic_events(text: str) -> list[Any]:
    events: list[Any] = [
        {"type": "message_start", "message": {"id": "m1", "type": "message", "role": "assistant",
                                              "content": [], "model": "m"}},
        {"type": "content_block_start", "index": 0, "content_block": {"type": "text",
                                                                      "text": ""}}]
    events += [{"type": "content_block_delta", "index": 0,
                "delta": {"type": "text_delta", "text": piece}} for piece in deltas(text)]
    return [*events, {"type": "content_block_stop", "index": 0},
            {"type": "message_delta", "delta": {"stop_reason": "end_turn"}},
            {"type": "message_stop"}]


def responses_events(text: str) -> list[Any]:
    part = {"type": "output_text", "text": text, "annotations": []}
    item = {"type": "message", "id": "msg_1", "role": "assistant", "content": [part]}
    where = {"item_id": "msg_1", "output_index": 0, "content_index": 0}
    events: list[Any] = [
        {"type": "response.created", "response": {"id": "r1", "output": []}},
        {"type": "response.output_item.added", "output_index": 0,
         "item": {**item, "content": []}},
        {"type": "response.content_part.added", **where, "part": {**part, "text": ""}}]
    events += [{"type": "response.output_text.delta", **where, "delta": piece}
               for piece in deltas(text)]
    events += [{"type": "response.output_text.done", **where, "text": text},
               {"type": "response.content_part.done", **where, "part": part},
               {"type": "response.output_item.done", "output_index": 0, "item": item},
               {"type": "response.completed", "response": {"id": "r1", "output": [item]}}]
    for number, event in enumerate(events):
        event["sequence_number"] = number
    return events


def streamed_text(api: str, events: list[dict[str, Any]]) -> str:
    if api == "chat":
        return "".join(c["delta"].get("content") or "" for e in events for c in e["choices"])
    if api == "anthropic":
        return "".join(e["delta"]["text"] for e in events if e["type"] == "content_block_delta")
    return "".join(e["delta"] for e in events if e["type"] == "response.output_text.delta")


API: dict[str, tuple[str, str, Callable[[str], list[Any]]]] = {
    "chat": ("openai", "/v1/chat/completions", chat_events),
    "responses": ("openai", "/v1/responses", responses_events),
    "anthropic": ("anthropic", "/v1/messages", anthropic_events),
}
PROMPTS = {
    "chat": {"model": "m", "messages": [{"role": "user", "content": f"Apologize to {NAME}."}]},
    "responses": {"model": "m", "input": f"Apologize to {NAME}."},
    "anthropic": {"model": "m", "max_tokens": 200,
                  "messages": [{"role": "user", "content": f"Apologize to {NAME}."}]},
}


async def start(start_proxy: ProxyFactory, vendor: RecordingVendor, tmp_path: Path,
                api: str) -> RunningProxy:
    name, _, build = API[api]

    async def model(request: web.Request, received: ReceivedRequest) -> web.StreamResponse:
        text = answer_for(received.body)
        if not received.json().get("stream"):
            return web.json_response({"id": "c", "object": "chat.completion", "created": 1,
                                      "model": "m", "choices": [{"index": 0, "message": {
                                          "role": "assistant", "content": text},
                                          "finish_reason": "stop"}]})
        out = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await out.prepare(request)
        for event in build(text):
            await out.write(sse([event]))
        await out.write_eof()
        return out

    vendor.responder = model
    contract = (REPO / "config" / "vendors" / f"{name}.yaml").read_text()
    for spec in ("llm: {api: openai_chat, ", "llm: {api: openai_responses, ",
                 "llm: {api: anthropic_messages, "):
        contract = contract.replace(spec, spec + ANSWER_RULE)
    stores = f"stores: {{backend: sqlite, sqlite_path: '{tmp_path / 's.sqlite3'}'}}\n"
    return await start_proxy({name: contract}, upstream=vendor.url, proxy_yaml=stores)


async def post(proxy: RunningProxy, api: str, stream: bool) -> tuple[int, bytes]:
    _, path, _ = API[api]
    body = {**PROMPTS[api], "stream": stream}
    prefix = "/anthropic" if api == "anthropic" else "/openai"
    async with proxy.session.post(proxy.url + prefix + path, json=body, headers={
            "x-conversation-id": "conv-9", "authorization": "Bearer k"}) as response:
        return response.status, await response.read()


def events_of(raw: bytes) -> list[dict[str, Any]]:
    return [json.loads(line[6:]) for line in raw.decode().splitlines()
            if line.startswith("data: ") and line != "data: [DONE]"]


@pytest.mark.parametrize("api", sorted(API))
async def test_a_streamed_answer_loses_what_the_contract_forbids_and_keeps_the_callers_values(
        start_proxy: ProxyFactory, vendor: RecordingVendor, tmp_path: Path, api: str) -> None:
    proxy = await start(start_proxy, vendor, tmp_path, api)

    status, raw = await post(proxy, api, stream=True)

    assert status == 200, raw
    assert NAME.encode() not in vendor.received[-1].body
    text = streamed_text(api, events_of(raw))
    assert [line for line in raw.decode().splitlines() if any(v in line for v in FORBIDDEN)] == []
    assert "<PHONE_NUMBER>" in text and "<EMAIL_ADDRESS>" in text
    assert text.startswith(f"Dear {NAME}, ") and text.endswith(f"{NAME}'s support team")
    assert "We are sorry about the delay" in text and "\ue000" not in raw.decode()
    if api == "responses":  # the done events repeat the text: exactly what the deltas said
        repeats = [e.get("text") or (e.get("part") or {}).get("text") for e in events_of(raw)
                   if e["type"] in ("response.output_text.done", "response.content_part.done")]
        completed = next(e for e in events_of(raw) if e["type"] == "response.completed")
        repeats.append(completed["response"]["output"][0]["content"][0]["text"])
        assert repeats == [text, text, text]
    record = proxy.audit_lines()[-1]
    assert record["response"]["entities"].get("PHONE_NUMBER", 0) >= 1
    assert record["response"]["entities"].get("EMAIL_ADDRESS", 0) >= 1
    assert [v for v in [*FORBIDDEN, NAME] if v in json.dumps(record)] == []


async def test_a_whole_answer_is_redacted_before_its_placeholders_go_back(
        start_proxy: ProxyFactory, vendor: RecordingVendor, tmp_path: Path) -> None:
    proxy = await start(start_proxy, vendor, tmp_path, "chat")

    status, body = await post(proxy, "chat", stream=False)

    assert status == 200, body
    text = json.loads(body)["choices"][0]["message"]["content"]
    assert [value for value in FORBIDDEN if value in text] == []
    assert text.startswith(f"Dear {NAME}, ") and "<PHONE_NUMBER>" in text
    record = proxy.audit_lines()[-1]
    assert record["response"]["entities"].get("EMAIL_ADDRESS", 0) >= 1
    assert AGENT_EMAIL not in json.dumps(record)


async def test_an_answer_rule_that_is_not_redact_is_a_config_error(
        start_proxy: ProxyFactory, vendor: RecordingVendor, tmp_path: Path) -> None:
    contract = (REPO / "config" / "vendors" / "openai.yaml").read_text().replace(
        "llm: {api: openai_chat, ", "llm: {api: openai_chat, answer: keep, ")
    with pytest.raises(Exception, match=r"llm\.answer: keep does not apply"):
        await start_proxy({"openai": contract}, upstream=vendor.url)


async def test_a_detection_failure_on_the_answer_cuts_the_stream(
        start_proxy: ProxyFactory, vendor: RecordingVendor, tmp_path: Path,
        detection_pool: DetectionPool) -> None:
    """The prompt is checked; the answer's checks fail (a crashed pool): the caller's stream
    ends broken, before any unchecked text, and the audit says why."""

    class FailsOnAnswers:
        async def detect(self, requests: Sequence[DetectionRequest]) -> list[list[Span]]:
            if any("refund" in request.text for request in requests):
                raise DetectionFailed("worker crashed")
            return await detection_pool.detect(requests)

    await start(start_proxy, vendor, tmp_path, "chat")  # installs the model answer
    contract = (REPO / "config" / "vendors" / "openai.yaml").read_text().replace(
        "llm: {api: openai_chat, ", "llm: {api: openai_chat, " + ANSWER_RULE)
    stores = f"stores: {{backend: sqlite, sqlite_path: '{tmp_path / 'f.sqlite3'}'}}\n"
    proxy = await start_proxy({"openai": contract}, upstream=vendor.url, proxy_yaml=stores,
                              detector=FailsOnAnswers())
    received, status = b"", 0
    with contextlib.suppress(aiohttp.ClientPayloadError):
        async with proxy.session.post(proxy.url + "/openai/v1/chat/completions", json={
                **PROMPTS["chat"], "stream": True}) as response:
            status = response.status
            async for piece in response.content.iter_any():
                received += piece

    assert status in (200, 502, 503)
    assert [value for value in FORBIDDEN if value.encode() in received] == []
    assert b"refund" not in received and b"[DONE]" not in received
    assert NAME.encode() not in vendor.received[-1].body
    record = proxy.audit_lines()[-1]
    assert record["outcome"] in ("aborted", "rejected") and "detection" in record["reason"]
