"""The recording mock vendor as its own process, with a control API for the harness.

    python -m benchmarks.vendor [--port P]      prints "PORT <n>" once listening

It answers every mail request like SendGrid's send endpoint (202, a message id) and keeps the
bodies it received. ``POST /_bench/reset`` forgets them; ``GET /_bench/received`` returns them as
JSON lines. Running it in its own process keeps its CPU out of the load generator's.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools

import orjson
from aiohttp import web

from proxy.server.loop import run as run_loop
from proxy.testing import ReceivedRequest, RecordingVendor

_ids = itertools.count(1)


def build_vendor() -> RecordingVendor:
    vendor = RecordingVendor()

    async def respond(request: web.Request, received: ReceivedRequest) -> web.StreamResponse:
        if received.path == "/_bench/reset":
            vendor.received.clear()
            return web.json_response({"ok": True})
        if received.path == "/_bench/received":
            vendor.received.pop()  # the control call itself
            lines = b"\n".join(orjson.dumps(r.body.decode("utf-8", "replace"))
                               for r in vendor.received)
            return web.Response(body=lines, content_type="application/x-ndjson")
        message_id = f"msg_{next(_ids):010d}"
        return web.json_response({"message_id": message_id}, status=202,
                                 headers={"X-Message-Id": message_id})

    vendor.responder = respond
    return vendor


async def _serve(port: int) -> None:
    vendor = await build_vendor().start(port)
    print(f"PORT {vendor.port}", flush=True)
    await asyncio.Event().wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    try:
        run_loop(_serve(args.port))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
