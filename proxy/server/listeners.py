"""Starting a listener: one helper for every port ``serve`` opens, stopped by one exit stack.

A port that cannot be bound (a second proxy on one machine: the admin port is taken) stops
``serve`` with one line naming the listener, the address and the setting to change, instead
of a traceback.
"""

from __future__ import annotations

import ssl
from contextlib import AsyncExitStack

from aiohttp import web


class ListenerError(Exception):
    """A listener could not start; the message is the one line ``serve`` prints."""


async def start_listener(stack: AsyncExitStack, runner: web.BaseRunner, name: str, host: str,
                         port: int, setting: str,
                         ssl_context: ssl.SSLContext | None = None) -> str:
    """Set up ``runner`` and listen on ``host:port``; its cleanup joins ``stack``. Returns the
    bound address (``port`` 0 takes a free one)."""
    await runner.setup()
    stack.push_async_callback(runner.cleanup)
    site = web.TCPSite(runner, host, port, ssl_context=ssl_context)
    try:
        await site.start()
    except OSError as exc:
        raise ListenerError(
            f"cannot listen for the {name} on {host}:{port}: {exc.strerror or exc}; change "
            f"{setting} in proxy.yaml or stop what uses that address") from None
    server = site._server  # the bound port, when port 0 asked for any free one
    bound = server.sockets[0].getsockname()[1] if server else port  # type: ignore[attr-defined]
    return f"{host}:{bound}"
