"""The fake model's aiohttp application: it records each request, applies the ``x-fake-*``
knobs, and hands the parsed body to the API module its path belongs to."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from aiohttp import web

from proxy.fake_model import chat, embeddings, messages, responses
from proxy.fake_model.core import BadRequest, Knobs, Received, error_answer

Handler = Callable[[web.Request, dict[str, Any], Knobs], Awaitable[web.StreamResponse]]

ROUTES: dict[str, Handler] = {
    "/v1/chat/completions": chat.handle,
    "/v1/responses": responses.handle,
    "/v1/messages": messages.handle,
    "/v1/embeddings": embeddings.handle,
}


def parse_json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return None


class FakeModel:
    """A stand-in LLM vendor (OpenAI Chat and Responses, Anthropic Messages, Embeddings).

    ``app`` is the aiohttp application; ``received`` every request it got, in order (kept
    only when ``record`` is true: a long benchmark run turns it off). ``start`` serves the app
    on a free port of 127.0.0.1 (or the given one), ``url`` is then its base URL.
    """

    def __init__(self, *, seed: int = 0, first_token_ms: float = 0, chunk_ms: float = 0,
                 answer_tokens: int = 40, record: bool = True) -> None:
        self.knobs = Knobs(seed=seed, answer_tokens=answer_tokens,
                           first_token_ms=first_token_ms, chunk_ms=chunk_ms)
        self.record = record
        self.received: list[Received] = []
        self.port = 0
        self._runner: web.AppRunner | None = None
        self.app = web.Application(client_max_size=64 * 1024 * 1024)
        for path, handler in ROUTES.items():
            self.app.router.add_post(path, self._serving(handler))
        self.app.router.add_route("*", "/{tail:.*}", self._serving(None))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def _receive(self, request: web.Request) -> Received:
        body = await request.read()
        received = Received(
            method=request.method, path=request.rel_url.raw_path,
            header_lines=tuple((name.lower(), value) for name, value in request.headers.items()),
            body=body, json=parse_json(body))
        if self.record:
            self.received.append(received)
        return received

    def _serving(self, handler: Handler | None) -> Callable[[web.Request], Awaitable[
            web.StreamResponse]]:
        async def serve(request: web.Request) -> web.StreamResponse:
            received = await self._receive(request)
            path = request.rel_url.path
            try:
                knobs = self.knobs.with_headers(request.headers)
                if handler is None:
                    return error_answer(path, 404, f"Unknown request URL: {request.method} {path}")
                if knobs.status is not None:
                    return error_answer(path, knobs.status, "fake error (x-fake-status)")
                if not isinstance(received.json, dict):
                    raise BadRequest("the body is not a JSON object")
                return await handler(request, received.json, knobs)
            except BadRequest as error:
                return error_answer(path, 400, str(error))

        return serve

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> FakeModel:
        """Serve on ``host:port`` (0: a free port); ``url`` and ``port`` tell where."""
        self._runner = web.AppRunner(self.app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, host, port).start()
        self.port = int(self._runner.addresses[0][1])
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


@asynccontextmanager
async def running_fake_model(**options: Any) -> AsyncIterator[FakeModel]:
    """A ``FakeModel(**options)`` serving on 127.0.0.1 for the duration of the block."""
    fake = FakeModel(**options)
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()
