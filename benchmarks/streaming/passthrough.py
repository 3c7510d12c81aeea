"""Baseline: a plain aiohttp pass-through proxy that streams (no contract, no detection, no audit).

    python -m benchmarks.streaming.passthrough --upstream http://127.0.0.1:N

Strips the first path segment like the proxy's routing and forwards the body chunk by chunk.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import AsyncIterator

import aiohttp
from aiohttp import web


def build_app(upstream: str) -> web.Application:
    app = web.Application()
    session_key = web.AppKey("session", aiohttp.ClientSession)

    async def forward(request: web.Request) -> web.StreamResponse:
        async def body() -> AsyncIterator[bytes]:
            async for chunk in request.content.iter_any():
                yield chunk

        tail = request.rel_url.raw_path.split("/", 2)[2] if request.path.count("/") > 1 else ""
        async with request.app[session_key].request(
            request.method, f"{upstream}/{tail}", data=body(),
            headers={"Content-Type": request.headers.get("Content-Type", "application/json")},
        ) as answer:
            payload = await answer.read()
            return web.Response(status=answer.status, body=payload,
                                content_type=answer.content_type)

    async def open_session(app: web.Application) -> None:
        app[session_key] = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=None))

    async def close_session(app: web.Application) -> None:
        await app[session_key].close()

    app.on_startup.append(open_session)
    app.on_cleanup.append(close_session)
    app.router.add_route("*", "/{tail:.*}", forward)
    return app


async def _serve(upstream: str) -> None:
    runner = web.AppRunner(build_app(upstream.rstrip("/")), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    print(f"PORT {site._server.sockets[0].getsockname()[1]}", flush=True)  # type: ignore[union-attr]
    await asyncio.Event().wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--upstream", required=True)
    args = parser.parse_args()
    try:
        asyncio.run(_serve(args.upstream))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
