"""Anthropic Messages (``POST /v1/messages``): a ``message`` with ``thinking``, ``text`` or
``tool_use`` blocks, or its named events from ``message_start`` to ``message_stop``."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from aiohttp import web

from proxy.fake_model.core import (
    Knobs,
    Pacer,
    Turn,
    new_id,
    open_stream,
    plan_turn,
    signature_of,
    sse_event,
)


def tool_names(body: dict[str, Any]) -> list[str]:
    return [tool["name"] for tool in body.get("tools") or []
            if isinstance(tool, dict) and isinstance(tool.get("name"), str)]


def usage(turn: Turn, output_tokens: int) -> dict[str, Any]:
    return {"input_tokens": turn.prompt_tokens, "output_tokens": output_tokens,
            "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0,
            "service_tier": "standard"}


def blocks(turn: Turn, tool_id: str) -> list[dict[str, Any]]:
    """The finished content blocks, in order."""
    content: list[dict[str, Any]] = []
    if turn.thinking:
        content.append({"type": "thinking", "thinking": turn.thinking,
                        "signature": signature_of(turn.thinking)})
    if turn.tool_name is None:
        content.append({"type": "text", "text": turn.text})
    else:
        content.append({"type": "tool_use", "id": tool_id, "name": turn.tool_name,
                        "input": json.loads(turn.arguments)})
    return content


def stop_reason(turn: Turn) -> str:
    return "end_turn" if turn.tool_name is None else "tool_use"


async def handle(request: web.Request, body: dict[str, Any], knobs: Knobs) -> web.StreamResponse:
    turn = plan_turn(knobs, [body.get("system"), body.get("messages")], tool_names(body))
    message: dict[str, Any] = {
        "id": new_id("msg_"), "type": "message", "role": "assistant",
        "model": str(body.get("model") or "fake-model"), "content": [], "stop_reason": None,
        "stop_sequence": None, "usage": usage(turn, 1)}
    tool_id = new_id("toolu_")
    if body.get("stream"):
        return await stream(request, turn, message, tool_id)
    await asyncio.sleep(turn.delay_s())
    return web.json_response({**message, "content": blocks(turn, tool_id),
                              "stop_reason": stop_reason(turn),
                              "usage": usage(turn, turn.answer_tokens)})


def opening(block: dict[str, Any]) -> dict[str, Any]:
    """A block as ``content_block_start`` carries it: everything the deltas fill, empty."""
    if block["type"] == "thinking":
        return {"type": "thinking", "thinking": "", "signature": ""}
    if block["type"] == "text":
        return {"type": "text", "text": ""}
    return {**block, "input": {}}


def deltas(turn: Turn, block: dict[str, Any]) -> list[dict[str, Any]]:
    if block["type"] == "thinking":
        return [{"type": "thinking_delta", "thinking": piece} for piece in turn.thinking_pieces]
    if block["type"] == "text":
        return [{"type": "text_delta", "text": piece} for piece in turn.text_pieces]
    return [{"type": "input_json_delta", "partial_json": piece}
            for piece in turn.argument_pieces]


async def stream(request: web.Request, turn: Turn, message: dict[str, Any],
                 tool_id: str) -> web.StreamResponse:
    response = await open_stream(request)
    pacer = Pacer(turn.knobs)

    async def send(kind: str, **fields: Any) -> None:
        await response.write(sse_event({"type": kind, **fields}, kind))

    await send("message_start", message=message)
    for index, block in enumerate(blocks(turn, tool_id)):
        await send("content_block_start", index=index, content_block=opening(block))
        if index == 0:
            await send("ping")
        for delta in deltas(turn, block):
            await pacer.tick()
            await send("content_block_delta", index=index, delta=delta)
        if block["type"] == "thinking":
            signature = {"type": "signature_delta", "signature": block["signature"]}
            await send("content_block_delta", index=index, delta=signature)
        await send("content_block_stop", index=index)
    await send("message_delta", delta={"stop_reason": stop_reason(turn), "stop_sequence": None},
               usage={"output_tokens": turn.answer_tokens})
    await send("message_stop")
    await response.write_eof()
    return response
