"""The per-API stream rewriters: placeholders split at every offset come back whole."""

from __future__ import annotations

import json
from typing import Any

import pytest

from proxy.contract.models import LlmApi
from proxy.enforce.placeholders import PlaceholderBook, PlaceholderNamer
from proxy.exchange.llm.events import LlmEventProcessor, UnknownEvent
from proxy.exchange.llm.rewriters import rewriter_for

KEY = b"k" * 32
NAME = "Dora Keene"
EMAIL = 'dora."keene"@example.com'  # a value that needs JSON escapes inside arguments


def book() -> PlaceholderBook:
    b = PlaceholderBook(PlaceholderNamer(KEY), "scope-1")
    b.placeholder_for("PERSON", NAME)
    b.placeholder_for("EMAIL_ADDRESS", EMAIL)
    return b


def answer_text(b: PlaceholderBook) -> str:
    person = b.placeholder_for("PERSON", NAME)
    email = b.placeholder_for("EMAIL_ADDRESS", EMAIL)
    return f"Hi {person}, we wrote to {email} <b>today</b>; {person}."


def sse(event: dict[str, Any], named: bool = False) -> bytes:
    head = f"event: {event['type']}\n".encode() if named else b""
    return head + b"data: " + json.dumps(event).encode() + b"\n\n"


def run(api: LlmApi, chunks: list[bytes], unknown: str = "fail") -> list[dict[str, Any]]:
    """Feed raw SSE chunks through the processor; return the caller's events."""
    b = book()
    rewriter = rewriter_for(api, b)
    assert rewriter is not None
    processor = LlmEventProcessor(rewriter, 1 << 20, unknown)
    out = b""
    for chunk in chunks:
        batch = processor.prepare(processor.frame(chunk), final=False)
        out += processor.encode(batch)[0]
    out += processor.encode(processor.prepare(processor.frame_end(), final=True))[0]
    events = []
    for block in out.decode().split("\n\n"):
        for line in block.splitlines():
            if line.startswith("data: ") and line != "data: [DONE]":
                events.append(json.loads(line[6:]))
    return events


def chat_chunks(text: str, cut: int, arguments: str) -> list[bytes]:
    base = {"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "m"}
    def chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
        return sse({**base, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})
    return [chunk({"role": "assistant", "content": ""}), chunk({"content": text[:cut]}),
            chunk({"content": text[cut:]}),
            chunk({"tool_calls": [{"index": 0, "id": "t1", "type": "function",
                                   "function": {"name": "f", "arguments": ""}}]}),
            chunk({"tool_calls": [{"index": 0, "function": {"arguments": arguments[:cut]}}]}),
            chunk({"tool_calls": [{"index": 0, "function": {"arguments": arguments[cut:]}}]}),
            chunk({}, "stop"), b"data: [DONE]\n\n"]


def test_chat_restores_a_placeholder_split_at_every_offset() -> None:
    b = book()
    text = answer_text(b)
    arguments = json.dumps({"to": b.placeholder_for("EMAIL_ADDRESS", EMAIL), "n": 1})
    expected = f"Hi {NAME}, we wrote to {EMAIL} <b>today</b>; {NAME}."
    for cut in range(len(text) + 1):
        events = run(LlmApi.OPENAI_CHAT, chat_chunks(text, min(cut, len(text)), arguments))
        content = "".join(e["choices"][0]["delta"].get("content") or "" for e in events)
        args = "".join(call["function"].get("arguments", "") for e in events
                       for call in e["choices"][0]["delta"].get("tool_calls") or [])
        assert content == expected, cut
        assert json.loads(args) == {"to": EMAIL, "n": 1}


def test_chat_restores_every_byte_split_of_the_raw_stream() -> None:
    """The SSE bytes themselves cut at every offset (mid-line, mid-placeholder)."""
    b = book()
    text = answer_text(b)
    raw = b"".join(chat_chunks(text, 7, json.dumps({"a": "x"})))
    expected = f"Hi {NAME}, we wrote to {EMAIL} <b>today</b>; {NAME}."
    for cut in range(0, len(raw), 3):
        events = run(LlmApi.OPENAI_CHAT, [raw[:cut], raw[cut:]])
        assert "".join(e["choices"][0]["delta"].get("content") or "" for e in events) == expected


def test_responses_rewrites_done_and_completed_and_renumbers() -> None:
    b = book()
    text = answer_text(b)
    expected = f"Hi {NAME}, we wrote to {EMAIL} <b>today</b>; {NAME}."
    item = {"output_index": 0, "content_index": 0, "item_id": "m1"}
    events = [{"type": "response.created", "sequence_number": 0, "response": {"output": []}}]
    events += [{"type": "response.output_text.delta", "sequence_number": 1 + i, **item,
                "delta": text[i:i + 2]} for i in range(0, len(text), 2)]
    n = len(events)
    events += [{"type": "response.output_text.done", "sequence_number": n, **item, "text": text},
               {"type": "response.completed", "sequence_number": n + 1, "response": {
                   "output": [{"type": "message", "content": [
                       {"type": "output_text", "text": text}]}]}}]
    out = run(LlmApi.OPENAI_RESPONSES, [sse(e, named=True) for e in events])
    deltas = "".join(e["delta"] for e in out if e["type"] == "response.output_text.delta")
    assert deltas == expected
    done = next(e for e in out if e["type"] == "response.output_text.done")
    assert done["text"] == expected
    completed = out[-1]["response"]["output"][0]["content"][0]["text"]
    assert completed == expected
    assert [e["sequence_number"] for e in out] == list(range(len(out)))


def test_anthropic_restores_text_and_tool_input_and_keeps_thinking() -> None:
    b = book()
    text = answer_text(b)
    person = b.placeholder_for("PERSON", NAME)
    partial = json.dumps({"customer": person})
    thinking = f"the user is {person}"
    events = [
        {"type": "message_start", "message": {"id": "m", "content": []}},
        {"type": "content_block_start", "index": 0,
         "content_block": {"type": "thinking", "thinking": "", "signature": ""}},
        {"type": "content_block_delta", "index": 0,
         "delta": {"type": "thinking_delta", "thinking": thinking}},
        {"type": "content_block_delta", "index": 0,
         "delta": {"type": "signature_delta", "signature": "sig=="}},
        {"type": "content_block_stop", "index": 0},
        {"type": "content_block_start", "index": 1, "content_block": {"type": "text", "text": ""}},
        *({"type": "content_block_delta", "index": 1,
           "delta": {"type": "text_delta", "text": text[i:i + 3]}} for i in range(0, len(text), 3)),
        {"type": "content_block_stop", "index": 1},
        {"type": "content_block_start", "index": 2,
         "content_block": {"type": "tool_use", "id": "t", "name": "f", "input": {}}},
        *({"type": "content_block_delta", "index": 2,
           "delta": {"type": "input_json_delta", "partial_json": partial[i:i + 4]}}
          for i in range(0, len(partial), 4)),
        {"type": "content_block_stop", "index": 2},
        {"type": "message_delta", "delta": {"stop_reason": "tool_use"}},
        {"type": "message_stop"},
    ]
    out = run(LlmApi.ANTHROPIC_MESSAGES, [sse(e, named=True) for e in events])
    text_out = "".join(e["delta"]["text"] for e in out if e.get("delta", {}).get("type")
                       == "text_delta")
    assert text_out == f"Hi {NAME}, we wrote to {EMAIL} <b>today</b>; {NAME}."
    json_out = "".join(e["delta"]["partial_json"] for e in out
                       if e.get("delta", {}).get("type") == "input_json_delta")
    assert json.loads(json_out) == {"customer": NAME}
    kept = [e["delta"]["thinking"] for e in out if e.get("delta", {}).get("type")
            == "thinking_delta"]
    assert kept == [thinking]  # signed: never changed


@pytest.mark.parametrize("unknown", ["fail", "pass"])
def test_unknown_event_types_fail_closed_unless_the_contract_passes_them(unknown: str) -> None:
    event = sse({"type": "content_block_surprise", "index": 0, "secret": "x"}, named=True)
    if unknown == "fail":
        with pytest.raises(UnknownEvent):
            run(LlmApi.ANTHROPIC_MESSAGES, [event], unknown)
    else:
        assert run(LlmApi.ANTHROPIC_MESSAGES, [event], unknown)[0]["secret"] == "x"
