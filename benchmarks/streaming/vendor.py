"""A vendor that counts what a streamed body brings: bytes, records, first and last byte times.

    python -m benchmarks.streaming.vendor        (prints PORT n; GET /_stats answers the last run)

It keeps nothing but counters and a small sample of the start of the body (for the leak check).
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from aiohttp import web

SAMPLE_BYTES = 1 << 20


def build_app() -> web.Application:
    stats: dict[str, Any] = {}

    async def receive(request: web.Request) -> web.Response:
        stats.clear()
        stats.update(bytes=0, records=0, first_byte=None, last_byte=None, complete=False)
        sample = bytearray()
        async for chunk in request.content.iter_any():
            if stats["first_byte"] is None:
                stats["first_byte"] = time.time()
            stats["bytes"] += len(chunk)
            stats["records"] += chunk.count(b"\n")
            if len(sample) < SAMPLE_BYTES:
                sample += chunk[:SAMPLE_BYTES - len(sample)]
        stats["last_byte"] = time.time()
        stats["complete"] = True
        stats["sample"] = sample.decode("utf-8", "replace")
        return web.json_response({"records": stats["records"]})

    async def report(_: web.Request) -> web.Response:
        return web.json_response(stats)

    app = web.Application()
    app.router.add_get("/_stats", report)
    app.router.add_route("*", "/{tail:.*}", receive)
    return app


async def _serve() -> None:
    runner = web.AppRunner(build_app(), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    print(f"PORT {site._server.sockets[0].getsockname()[1]}", flush=True)  # type: ignore[union-attr]
    await asyncio.Event().wait()


if __name__ == "__main__":
    try:
        asyncio.run(_serve())
    except KeyboardInterrupt:
        pass
