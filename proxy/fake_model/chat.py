"""OpenAI Chat Completions (``POST /v1/chat/completions``): ``chat.completion`` objects and
``chat.completion.chunk`` server-sent events ending in ``data: [DONE]``."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from aiohttp import web

from proxy.fake_model.core import Knobs, Pacer, Turn, new_id, open_stream, plan_turn, sse_event


def tool_names(body: dict[str, Any]) -> list[str]:
    names = []
    for tool in body.get("tools") or []:
        function = tool.get("function") if isinstance(tool, dict) else None
        if isinstance(function, dict) and isinstance(function.get("name"), str):
            names.append(function["name"])
    return names


def usage(turn: Turn) -> dict[str, Any]:
    return {"prompt_tokens": turn.prompt_tokens, "completion_tokens": turn.answer_tokens,
            "total_tokens": turn.prompt_tokens + turn.answer_tokens,
            "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
            "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0,
                                          "accepted_prediction_tokens": 0,
                                          "rejected_prediction_tokens": 0}}


def message(turn: Turn, call_id: str) -> dict[str, Any]:
    if turn.tool_name is None:
        return {"role": "assistant", "content": turn.text, "refusal": None, "annotations": []}
    call = {"id": call_id, "type": "function",
            "function": {"name": turn.tool_name, "arguments": turn.arguments}}
    return {"role": "assistant", "content": None, "refusal": None, "annotations": [],
            "tool_calls": [call]}


def finish_reason(turn: Turn) -> str:
    return "stop" if turn.tool_name is None else "tool_calls"


async def handle(request: web.Request, body: dict[str, Any], knobs: Knobs) -> web.StreamResponse:
    turn = plan_turn(knobs, [body.get("messages")], tool_names(body))
    model = str(body.get("model") or "fake-model")
    head = {"id": new_id("chatcmpl-"), "created": int(time.time()), "model": model,
            "system_fingerprint": "fp_fake", "service_tier": "default"}
    call_id = new_id("call_")
    if body.get("stream"):
        options = body.get("stream_options") or {}
        with_usage = isinstance(options, dict) and bool(options.get("include_usage"))
        return await stream(request, turn, head, call_id, with_usage)
    await asyncio.sleep(turn.delay_s())
    choice = {"index": 0, "message": message(turn, call_id), "logprobs": None,
              "finish_reason": finish_reason(turn)}
    return web.json_response({**head, "object": "chat.completion", "choices": [choice],
                              "usage": usage(turn)})


def first_delta(turn: Turn, call_id: str) -> dict[str, Any]:
    if turn.tool_name is None:
        return {"role": "assistant", "content": "", "refusal": None}
    call = {"index": 0, "id": call_id, "type": "function",
            "function": {"name": turn.tool_name, "arguments": ""}}
    return {"role": "assistant", "content": None, "refusal": None, "tool_calls": [call]}


async def stream(request: web.Request, turn: Turn, head: dict[str, Any], call_id: str,
                 with_usage: bool) -> web.StreamResponse:
    response = await open_stream(request)
    pacer = Pacer(turn.knobs)
    extra: dict[str, Any] = {"usage": None} if with_usage else {}

    async def send(delta: dict[str, Any], finish: str | None = None) -> None:
        choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
        chunk = {**head, "object": "chat.completion.chunk", "choices": [choice], **extra}
        await response.write(sse_event(chunk))

    await send(first_delta(turn, call_id))
    for piece in turn.text_pieces:
        await pacer.tick()
        await send({"content": piece})
    for piece in turn.argument_pieces:
        await pacer.tick()
        await send({"tool_calls": [{"index": 0, "function": {"arguments": piece}}]})
    await send({}, finish_reason(turn))
    if with_usage:
        chunk = {**head, "object": "chat.completion.chunk", "choices": [], "usage": usage(turn)}
        await response.write(sse_event(chunk))
    await response.write(sse_event("[DONE]"))
    await response.write_eof()
    return response
