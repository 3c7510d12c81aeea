"""The fake model vendor as a benchmark process, with a record the harness can read.

    python -m benchmarks.llm.fake --first-token-ms 300 --chunk-ms 5 --answer-tokens 300

``proxy.fake_model.FakeModel`` (recording every request) plus two routes for the harness:
``GET /_bench/received`` (what it received since the last reset: one JSON object per line with
the body and the header values) and ``POST /_bench/reset``. Prints ``PORT <n>`` once it serves
(``benchmarks.servers.start_announcing``) and runs until SIGINT or SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
from collections.abc import Awaitable, Callable

from aiohttp import web
from aiohttp.typedefs import Middleware

from proxy.fake_model import FakeModel

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def received_lines(fake: FakeModel) -> bytes:
    """The fake's record as JSON lines: ``{"body": text, "headers": [values]}``."""
    lines = [json.dumps({"body": item.body.decode("utf-8", "replace"),
                         "headers": [value for _, value in item.header_lines]})
             for item in fake.received]
    return "\n".join(lines).encode()


def bench_routes(fake: FakeModel) -> Middleware:
    """A middleware answering ``/_bench/*`` before the fake's catch-all route sees it."""
    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path == "/_bench/received":
            return web.Response(body=received_lines(fake), content_type="application/x-ndjson")
        if request.path == "/_bench/reset":
            fake.received.clear()
            return web.Response(text="ok")
        return await handler(request)

    return middleware


async def serve(options: argparse.Namespace) -> None:
    """Serve until a signal; print the port first."""
    fake = FakeModel(first_token_ms=options.first_token_ms, chunk_ms=options.chunk_ms,
                     answer_tokens=options.answer_tokens, record=True)
    fake.app.middlewares.append(bench_routes(fake))
    await fake.start("127.0.0.1", 0)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    print(f"PORT {fake.port}", flush=True)
    try:
        await stop.wait()
    finally:
        await fake.stop()


def main(argv: list[str] | None = None) -> int:
    """``python -m benchmarks.llm.fake``."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.llm.fake", description=__doc__)
    parser.add_argument("--first-token-ms", type=float, default=300.0)
    parser.add_argument("--chunk-ms", type=float, default=5.0)
    parser.add_argument("--answer-tokens", type=int, default=300, help="answer length in words")
    asyncio.run(serve(parser.parse_args(argv)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
