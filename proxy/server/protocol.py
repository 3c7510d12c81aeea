"""The HTTP/1.1 server side, hardened: quiet errors and a deadline for request heads.

aiohttp's parser already refuses what request smuggling needs (Content-Length with
Transfer-Encoding, duplicate or malformed Content-Length, obfuscated Transfer-Encoding, obs-fold,
bare LF, NUL or CR in headers, duplicate Host, oversized or too many headers). Two things are not
what we need, and this module changes them:

- Its error answer and its log line quote the offending bytes, which may be a header value (PII
  or a credential). Here the answer is our JSON error body and the log names the error type only.
- It has no deadline for a request head: a client may trickle header bytes forever (slow-loris).
  Here a head must be complete ``header_timeout_s`` after its first byte (or after the
  connection opens), else the client gets ``408`` and the connection is closed.

It relies on two private details of ``aiohttp.web_protocol.RequestHandler`` (``_request_count``
and ``handle_error``); tests/functional/test_framing_functional.py fails if they change.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from aiohttp.web_protocol import RequestHandler

from proxy.contract.settings import LimitSettings
from proxy.errors import error_body

log = logging.getLogger("proxy.http")

# An application may name a handler that takes each request before aiohttp's router does (the
# proxy's exchanges: one catch-all route, resolved per request for nothing); ``proxy.server.app``
# sets it and it hands back to the application whatever it does not handle itself.
DirectHandler = Callable[[web.BaseRequest], Awaitable[web.StreamResponse]]
DIRECT_HANDLER_KEY: web.AppKey[DirectHandler] = web.AppKey("direct_handler")


class SafeRequestHandler(RequestHandler):  # type: ignore[misc]
    """aiohttp's protocol with value-free error answers and a request-head deadline."""

    header_timeout_s: float = 10.0
    max_requests: int = 0  # limits.keepalive_max_requests (0: no limit)
    _head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        self._start_head_timer()

    def connection_lost(self, exc: BaseException | None) -> None:
        self._cancel_head_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        before = self._request_count
        in_flight = self._message_in_flight()
        super().data_received(data)
        if self._request_count > before:
            self._cancel_head_timer()  # a complete head was parsed
        elif self._head_timer is None and not in_flight:
            # The first bytes of a head. Bytes that come while a request is queued or handled
            # are its body (or a pipelined head, then bounded by the keep-alive timeout): a
            # timer started by them would fire on the idle connection afterwards.
            self._start_head_timer()

    def _message_in_flight(self) -> bool:
        return bool(
            self._messages
            or self._current_request is not None
            or getattr(self, "_request_in_progress", False)
        )

    async def finish_response(self, request: Any, resp: Any, start_time: Any) -> Any:
        if self.max_requests and self._request_count >= self.max_requests and not resp.prepared:
            resp.force_close()  # "Connection: close": the caller's pool shrinks to what it uses
        try:
            return await super().finish_response(request, resp, start_time)
        finally:
            # A timer started in the instant between aiohttp taking a message from its queue
            # and handling it belongs to that message's body, not to a next head.
            if not self._messages:
                self._cancel_head_timer()

    def _start_head_timer(self) -> None:
        self._cancel_head_timer()
        loop = asyncio.get_running_loop()
        self._head_timer = loop.call_later(self.header_timeout_s, self._head_timed_out)

    def _cancel_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        transport = self.transport
        if transport is None or transport.is_closing():
            return
        if self._current_request is not None or self._messages:
            return  # a request is being handled or queued; its own deadlines apply
        log.warning("request head not complete in time", extra={"reason": "header_timeout"})
        body = error_body("the request head was not received in time", "header_timeout")
        transport.write(
            b"HTTP/1.1 408 Request Timeout\r\nContent-Type: application/json\r\n"
            b"Connection: close\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
        )
        transport.close()

    def handle_error(
        self,
        request: Any,
        status: int = 500,
        exc: BaseException | None = None,
        message: str | None = None,
    ) -> web.StreamResponse:
        # The type only: aiohttp's messages quote the bytes that failed to parse.
        log.warning(
            "refused a malformed HTTP message",
            extra={"status": status, "error_type": type(exc).__name__ if exc else None},
        )
        if status >= 500:
            reason, text = "internal_error", "internal error"
        else:
            reason, text = "bad_http_message", "malformed HTTP request; nothing was forwarded"
        resp = web.Response(status=status, body=error_body(text, reason),
                            content_type="application/json")
        resp.force_close()
        return resp


class _SafeServer(web.Server):
    """Builds ``SafeRequestHandler`` protocols instead of aiohttp's own."""

    header_timeout_s: float = 10.0
    max_requests: int = 0

    def __call__(self) -> RequestHandler:
        handler = SafeRequestHandler(self, loop=self._loop, **self._kwargs)
        handler.header_timeout_s = self.header_timeout_s
        handler.max_requests = self.max_requests
        return handler


class ProxyAppRunner(web.AppRunner):
    """``web.AppRunner`` whose connections use ``SafeRequestHandler``."""

    def __init__(self, app: web.Application, *, header_timeout_s: float = 10.0,
                 max_requests: int = 0, **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        self._header_timeout_s = header_timeout_s
        self._max_requests = max_requests

    async def _make_server(self) -> web.Server:
        server = await super()._make_server()
        # The app builds a plain Server with all its settings; switching the class only changes
        # which protocol it instantiates per connection.
        server.__class__ = _SafeServer
        server.header_timeout_s = self._header_timeout_s  # type: ignore[attr-defined]
        server.max_requests = self._max_requests  # type: ignore[attr-defined]
        direct = self._app.get(DIRECT_HANDLER_KEY)
        # Only while the application has nothing the router's path would run around the
        # handler (middlewares, response-prepare hooks): those would be skipped otherwise.
        if direct is not None and not self._app.middlewares \
                and not self._app.on_response_prepare:
            server.request_handler = direct  # read by each connection's protocol when made
        return server


def make_runner(app: web.Application, limits: LimitSettings) -> ProxyAppRunner:
    """The runner every entry point uses: hardened protocol, header limits, no access log."""
    return ProxyAppRunner(
        app,
        header_timeout_s=limits.header_timeout_s,
        max_requests=limits.keepalive_max_requests,
        shutdown_timeout=limits.shutdown_grace_s,
        access_log=None,
        handle_signals=False,
        max_line_size=limits.max_header_bytes,
        max_field_size=limits.max_header_bytes,
        max_headers=limits.max_headers,
        keepalive_timeout=limits.keepalive_timeout_s,
        # After an early answer (408, 413) aiohttp reads and discards the rest of a body for this
        # long before closing; keep it short so a slow client cannot hold the connection.
        lingering_time=1.0,
        # Request bodies stay as sent: codecs.content_encoding decodes them with size AND ratio
        # limits (aiohttp would decode single codings itself, unbounded by ratio, and a corrupt
        # body would surface as an unexpected error instead of 400).
        auto_decompress=False,
    )
