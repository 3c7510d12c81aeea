"""Baseline (b): a plain aiohttp pass-through proxy with no contract, no detection, no audit.

    python -m benchmarks.passthrough --upstream http://127.0.0.1:N [--port P]

It strips the first path segment (``/mailer/v3/...`` -> ``/v3/...``) like the proxy's routing,
forwards method, body and content type, and returns the vendor's status, body and content type.
"""

from __future__ import annotations

import argparse
import asyncio

import aiohttp
from aiohttp import web

from proxy.server.loop import run as run_loop


def build_app(upstream: str) -> web.Application:
    app = web.Application()
    session_key = web.AppKey("session", aiohttp.ClientSession)

    async def forward(request: web.Request) -> web.Response:
        body = await request.read()
        tail = request.rel_url.raw_path.split("/", 2)[2] if request.path.count("/") > 1 else ""
        async with request.app[session_key].request(
            request.method, f"{upstream}/{tail}", data=body,
            headers={"Content-Type": request.headers.get("Content-Type", "application/json")},
        ) as answer:
            payload = await answer.read()
            return web.Response(status=answer.status, body=payload,
                                content_type=answer.content_type)

    async def open_session(app: web.Application) -> None:
        app[session_key] = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=100))

    async def close_session(app: web.Application) -> None:
        await app[session_key].close()

    app.on_startup.append(open_session)
    app.on_cleanup.append(close_session)
    app.router.add_route("*", "/{tail:.*}", forward)
    return app


async def _serve(upstream: str, port: int) -> None:
    runner = web.AppRunner(build_app(upstream.rstrip("/")), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    print(f"PORT {site._server.sockets[0].getsockname()[1]}", flush=True)  # type: ignore[union-attr]
    await asyncio.Event().wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--upstream", required=True)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    try:
        run_loop(_serve(args.upstream, args.port))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
