"""Model-API routes fail closed: a prompt never leaves unchecked, a stream never ends unchecked.

Each test asserts what the caller got (the documented answer) and what the vendor received.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from proxy.testing import ReceivedRequest, RecordingVendor
from recognizers.errors import DetectionFailed
from recognizers.types import DetectionRequest, Span
from tests.conftest import REPO, ProxyFactory, RunningProxy

pytestmark = pytest.mark.functional

NAME = "Dora Keene"
PROMPT = {"model": "m", "messages": [{"role": "user", "content": f"Write to {NAME} today."}]}


class BrokenDetector:
    """A detector whose every call fails, as a crashed worker pool does."""

    async def detect(self, requests: Sequence[DetectionRequest]) -> list[list[Span]]:
        raise DetectionFailed("worker crashed")


async def proxy_for(start_proxy: ProxyFactory, vendor: RecordingVendor, sqlite: Path,
                    **options: Any) -> RunningProxy:
    contract = (REPO / "config" / "vendors" / "openai.yaml").read_text()
    stores = f"stores: {{backend: sqlite, sqlite_path: '{sqlite}'}}\n"
    return await start_proxy({"openai": contract}, upstream=vendor.url, proxy_yaml=stores,
                             **options)


async def post(proxy: RunningProxy, body: dict[str, Any]) -> tuple[int, bytes]:
    async with proxy.session.post(proxy.url + "/openai/v1/chat/completions", json=body) as r:
        return r.status, await r.read()


async def test_a_detector_failure_sends_nothing(
        start_proxy: ProxyFactory, vendor: RecordingVendor, tmp_path: Path) -> None:
    proxy = await proxy_for(start_proxy, vendor, tmp_path / "s.sqlite3",
                            detector=BrokenDetector())
    status, body = await post(proxy, PROMPT)
    assert status == 503 and json.loads(body)["reason"] == "detection_failed"
    assert vendor.received == []
    assert NAME.encode() not in body


async def test_an_unreachable_placeholder_store_sends_nothing(
        start_proxy: ProxyFactory, vendor: RecordingVendor, tmp_path: Path) -> None:
    contract = (REPO / "config" / "vendors" / "openai.yaml").read_text()
    proxy = await start_proxy({"openai": contract}, upstream=vendor.url, proxy_yaml=(
        "stores: {backend: redis, redis_url: 'redis://127.0.0.1:1/0'}\n"))  # nothing listens
    status, body = await post(proxy, PROMPT)
    assert status == 503 and json.loads(body)["reason"] == "policy_store_unavailable"
    assert vendor.received == []


def sse_answer(events: list[bytes]) -> Any:
    async def respond(request: web.Request, __: ReceivedRequest) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        for event in events:
            await response.write(event)
            await asyncio.sleep(0.2)  # the first event usually reaches the caller on its own
        await response.write_eof()
        return response
    return respond


async def test_an_unknown_event_type_cuts_the_stream(
        start_proxy: ProxyFactory, vendor: RecordingVendor, tmp_path: Path) -> None:
    chunk = {"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m",
             "choices": [{"index": 0, "delta": {"content": "Hello"}, "finish_reason": None}]}
    vendor.responder = sse_answer([
        b"data: " + json.dumps(chunk).encode() + b"\n\n",
        b'data: {"object": "chat.completion.surprise", "leak": "' + NAME.encode() + b'"}\n\n',
        b"data: [DONE]\n\n"])
    proxy = await proxy_for(start_proxy, vendor, tmp_path / "s.sqlite3")
    received = b""
    status = 0
    # Cut mid-body once the first event went out (a broken chunked body, never a clean end);
    # a 502 if the unknown event came in the stream's first batch.
    with contextlib.suppress(aiohttp.ClientPayloadError):
        async with proxy.session.post(proxy.url + "/openai/v1/chat/completions",
                                      json={**PROMPT, "stream": True}) as response:
            status = response.status
            async for piece in response.content.iter_any():
                received += piece
    assert status in (200, 502)
    assert NAME.encode() not in received and b"[DONE]" not in received
    assert NAME.encode() not in vendor.received[0].body
    record = proxy.audit_lines()[-1]
    assert record["outcome"] == "aborted" and record["reason"] == "upstream_llm_unknown_event"


async def test_a_vendor_error_on_a_streamed_prompt_reaches_the_caller_restored(
        start_proxy: ProxyFactory, vendor: RecordingVendor, tmp_path: Path) -> None:
    async def refuse(_: web.Request, received: ReceivedRequest) -> web.StreamResponse:
        # The vendor quotes the prompt in its error: the placeholder it saw comes back as is.
        prompt = received.json()["messages"][0]["content"]
        return web.json_response({"error": {"message": f"bad: {prompt}", "type": "x"}},
                                 status=429)
    vendor.responder = refuse
    proxy = await proxy_for(start_proxy, vendor, tmp_path / "s.sqlite3")
    status, body = await post(proxy, {**PROMPT, "stream": True})
    assert status == 429
    assert NAME in json.loads(body)["error"]["message"]  # restored for our service
    assert NAME.encode() not in vendor.received[0].body
