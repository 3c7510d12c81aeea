"""OpenAI Responses (``POST /v1/responses``): a ``response`` object, or its typed events
(``event:`` line, ``data`` with ``type`` and ``sequence_number``) ending in
``response.completed``."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from aiohttp import web

from proxy.fake_model.core import Knobs, Pacer, Turn, new_id, open_stream, plan_turn, sse_event


def tool_names(body: dict[str, Any]) -> list[str]:
    return [tool["name"] for tool in body.get("tools") or []
            if isinstance(tool, dict) and tool.get("type") == "function"
            and isinstance(tool.get("name"), str)]


def usage(turn: Turn) -> dict[str, Any]:
    return {"input_tokens": turn.prompt_tokens,
            "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
            "output_tokens": turn.answer_tokens,
            "output_tokens_details": {"reasoning_tokens": 0},
            "total_tokens": turn.prompt_tokens + turn.answer_tokens}


def output_text(text: str) -> dict[str, Any]:
    return {"type": "output_text", "text": text, "annotations": [], "logprobs": []}


class Shapes:
    """The ids of one answer and the JSON of its response and output item, at any stage."""

    def __init__(self, body: dict[str, Any], turn: Turn) -> None:
        self.body = body
        self.turn = turn
        self.response_id = new_id("resp_")
        self.item_id = new_id("msg_" if turn.tool_name is None else "fc_")
        self.call_id = new_id("call_")
        self.created_at = int(time.time())

    def item(self, done: bool) -> dict[str, Any]:
        status = "completed" if done else "in_progress"
        if self.turn.tool_name is None:
            content = [output_text(self.turn.text)] if done else []
            return {"id": self.item_id, "type": "message", "status": status, "role": "assistant",
                    "content": content}
        return {"id": self.item_id, "type": "function_call", "status": status,
                "call_id": self.call_id, "name": self.turn.tool_name,
                "arguments": self.turn.arguments if done else ""}

    def response(self, done: bool) -> dict[str, Any]:
        body = self.body
        return {
            "id": self.response_id, "object": "response", "created_at": self.created_at,
            "status": "completed" if done else "in_progress", "background": False,
            "error": None, "incomplete_details": None,
            "instructions": body.get("instructions"),
            "max_output_tokens": body.get("max_output_tokens"),
            "model": str(body.get("model") or "fake-model"),
            "output": [self.item(True)] if done else [],
            "parallel_tool_calls": body.get("parallel_tool_calls", True),
            "previous_response_id": body.get("previous_response_id"),
            "reasoning": {"effort": None, "summary": None}, "service_tier": "default",
            "store": body.get("store", True), "temperature": body.get("temperature", 1.0),
            "text": {"format": {"type": "text"}},
            "tool_choice": body.get("tool_choice", "auto"), "tools": body.get("tools") or [],
            "top_p": body.get("top_p", 1.0), "truncation": "disabled",
            "usage": usage(self.turn) if done else None, "user": None,
            "metadata": body.get("metadata") or {},
        }


async def handle(request: web.Request, body: dict[str, Any], knobs: Knobs) -> web.StreamResponse:
    turn = plan_turn(knobs, [body.get("instructions"), body.get("input")], tool_names(body))
    shapes = Shapes(body, turn)
    if body.get("stream"):
        return await stream(request, shapes)
    await asyncio.sleep(turn.delay_s())
    return web.json_response(shapes.response(True))


class EventWriter:
    """Writes typed events with their ``sequence_number``, counting from 0."""

    def __init__(self, response: web.StreamResponse) -> None:
        self.response = response
        self.sequence = 0

    async def send(self, kind: str, **fields: Any) -> None:
        data = {"type": kind, "sequence_number": self.sequence, **fields}
        self.sequence += 1
        await self.response.write(sse_event(data, kind))


async def stream(request: web.Request, shapes: Shapes) -> web.StreamResponse:
    response = await open_stream(request)
    events = EventWriter(response)
    await events.send("response.created", response=shapes.response(False))
    await events.send("response.in_progress", response=shapes.response(False))
    await events.send("response.output_item.added", output_index=0, item=shapes.item(False))
    if shapes.turn.tool_name is None:
        await stream_text(events, shapes)
    else:
        await stream_arguments(events, shapes)
    await events.send("response.output_item.done", output_index=0, item=shapes.item(True))
    await events.send("response.completed", response=shapes.response(True))
    await response.write_eof()
    return response


async def stream_text(events: EventWriter, shapes: Shapes) -> None:
    turn, pacer = shapes.turn, Pacer(shapes.turn.knobs)
    where = {"item_id": shapes.item_id, "output_index": 0, "content_index": 0}
    await events.send("response.content_part.added", **where, part=output_text(""))
    for piece in turn.text_pieces:
        await pacer.tick()
        await events.send("response.output_text.delta", **where, delta=piece, logprobs=[])
    await events.send("response.output_text.done", **where, text=turn.text, logprobs=[])
    await events.send("response.content_part.done", **where, part=output_text(turn.text))


async def stream_arguments(events: EventWriter, shapes: Shapes) -> None:
    turn, pacer = shapes.turn, Pacer(shapes.turn.knobs)
    where = {"item_id": shapes.item_id, "output_index": 0}
    for piece in turn.argument_pieces:
        await pacer.tick()
        await events.send("response.function_call_arguments.delta", **where, delta=piece)
    await events.send("response.function_call_arguments.done", **where,
                      arguments=turn.arguments)
