"""The client side: send a checked request to a vendor, read its answer within limits.

Framing is always built here (aiohttp computes Host and Content-Length for the bytes we send);
redirects are not followed; a body larger than the limit (after decompression) is refused.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterable, Iterable
from dataclasses import dataclass
from urllib.parse import quote, urlencode

import aiohttp
from multidict import CIMultiDictProxy
from yarl import URL

from proxy.contract.settings import LimitSettings
from proxy.errors import UpstreamError, UpstreamTimeout


@dataclass(frozen=True)
class UpstreamResponse:
    """What the vendor answered: status, headers, the whole (decoded) body and the time taken."""

    status: int
    headers: CIMultiDictProxy[str]
    body: bytes
    elapsed_ms: float


class _BareClientRequest(aiohttp.ClientRequest):
    """aiohttp's request without the ``Accept``, ``Accept-Encoding`` and ``User-Agent`` it adds.

    Default deny covers our own client too: only framing and listed headers go out. (The
    session's ``skip_auto_headers`` does the same, at the cost of a sorted header multidict
    built per request.)
    """

    def update_auto_headers(self, skip_auto_headers: Iterable[str] | None) -> None:
        pass


class UpstreamClient:
    """One pooled aiohttp session for all vendors."""

    def __init__(self, limits: LimitSettings) -> None:
        self._limits = limits
        self._session: aiohttp.ClientSession | None = None
        self._sent = 0  # requests sent, for limits.upstream_retire_every

    def _retiring(self, headers: dict[str, str]) -> dict[str, str]:
        """``headers``, asking the vendor to close this connection after its answer on every
        ``upstream_retire_every``-th request: aiohttp reuses the oldest idle connection first,
        so without this a pool grown in a burst keeps every connection warm for ever."""
        self._sent += 1
        every = self._limits.upstream_retire_every
        if every and self._sent % every == 0:
            return {**headers, "Connection": "close"}
        return headers

    async def start(self) -> None:
        if self._session is None:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._limits.upstream_connections),
                timeout=aiohttp.ClientTimeout(
                    total=self._limits.upstream_timeout_s,
                    sock_connect=self._limits.upstream_connect_timeout_s,
                ),
                auto_decompress=True,
                request_class=_BareClientRequest,
                # No cookie jar: a vendor's Set-Cookie is never stored and sent on with later
                # requests (of other callers); cookies pass only per the contract's cookies.
                cookie_jar=aiohttp.DummyCookieJar(),
            )

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def send(
        self,
        method: str,
        url: str | URL,
        query: list[list[str]],
        headers: dict[str, str],
        body: bytes | None,
    ) -> UpstreamResponse:
        """Send the request; raise UpstreamError (502) or UpstreamTimeout (504) on failure.

        ``url`` is the encoded URL without query, as text or already parsed (routes without
        parameters parse theirs once).
        """
        if self._session is None:
            raise UpstreamError("the upstream client is not running", reason="upstream_error")
        if query:
            target = URL(str(url) + "?" + urlencode([(k, v) for k, v in query], quote_via=quote),
                         encoded=True)
        else:
            target = url if isinstance(url, URL) else URL(url, encoded=True)
        started = time.perf_counter()
        try:
            resp = await self._session.request(method, target, headers=self._retiring(headers),
                                               data=body, allow_redirects=False)
            try:
                data = await self._answer_body(resp)
                return UpstreamResponse(
                    status=resp.status,
                    headers=resp.headers,
                    body=data,
                    elapsed_ms=(time.perf_counter() - started) * 1000,
                )
            finally:
                resp.release()  # what leaving `async with` does, less waiting for the writer
        except (TimeoutError, aiohttp.ServerTimeoutError):
            raise UpstreamTimeout("the vendor did not answer in time") from None
        except aiohttp.ClientConnectorError:
            raise UpstreamError("the vendor could not be reached",
                                reason="upstream_unreachable") from None
        except aiohttp.ClientError:
            raise UpstreamError("the vendor connection failed", reason="upstream_error") from None

    async def open_stream(
        self,
        method: str,
        url: str,
        query: list[list[str]],
        headers: dict[str, str],
        body: AsyncIterable[bytes] | bytes | None,
    ) -> aiohttp.ClientResponse:
        """Send a streamed body (chunked) and return once the answer's head is in.

        The caller reads ``content`` and must ``close()`` (abort) or ``release()`` the answer.
        No total deadline: a stream may be long. The head must come ``upstream_timeout_s``
        after the body was sent; the caller bounds each body read (proxy.exchange.streaming).
        """
        if self._session is None:
            raise UpstreamError("the upstream client is not running", reason="upstream_error")
        target = url
        if query:
            target += "?" + urlencode([(k, v) for k, v in query], quote_via=quote)
        timeout = aiohttp.ClientTimeout(total=None,
                                        sock_connect=self._limits.upstream_connect_timeout_s,
                                        sock_read=self._limits.upstream_timeout_s)
        try:
            return await self._session.request(
                method, URL(target, encoded=True), headers=self._retiring(headers), data=body,
                allow_redirects=False, timeout=timeout,
            )
        except (TimeoutError, aiohttp.ServerTimeoutError):
            raise UpstreamTimeout("the vendor did not answer in time") from None
        except aiohttp.ClientConnectorError:
            raise UpstreamError("the vendor could not be reached",
                                reason="upstream_unreachable") from None
        except aiohttp.ClientError:
            raise UpstreamError("the vendor connection failed", reason="upstream_error") from None

    async def _answer_body(self, resp: aiohttp.ClientResponse) -> bytes:
        """The answer's body; an error here carries ``vendor_status``: the vendor answered."""
        try:
            data = self._whole_answer(resp)
            return data if data is not None else await self.read_answer(resp)
        except UpstreamError as exc:
            exc.vendor_status = resp.status
            raise
        except (TimeoutError, aiohttp.ServerTimeoutError):
            error: UpstreamError = UpstreamTimeout("the vendor's answer did not arrive in time")
        except aiohttp.ClientError:
            error = UpstreamError("the vendor's answer broke off", reason="upstream_error")
        error.vendor_status = resp.status
        raise error

    def _whole_answer(self, resp: aiohttp.ClientResponse) -> bytes | None:
        """The answer's body when all of it is in already (small answers), else None."""
        if not resp.content.is_eof():
            return None
        limit = self._limits.max_response_bytes
        declared = resp.content_length
        if declared is not None and declared > limit:
            raise UpstreamError("the vendor's answer is larger than the limit",
                                reason="upstream_response_too_large")
        data = resp.content.read_nowait()
        if len(data) > limit:
            raise UpstreamError("the vendor's answer is larger than the limit",
                                reason="upstream_response_too_large")
        return data

    async def read_answer(self, resp: aiohttp.ClientResponse) -> bytes:
        """The body of an answer opened with ``open_stream``, bounded by ``max_response_bytes``."""
        limit = self._limits.max_response_bytes
        declared = resp.content_length
        if declared is not None and declared > limit:
            raise UpstreamError("the vendor's answer is larger than the limit",
                                reason="upstream_response_too_large")
        if resp.content.is_eof():  # the whole answer is buffered already: one read
            data = await resp.content.read()
            if len(data) > limit:
                raise UpstreamError("the vendor's answer is larger than the limit",
                                    reason="upstream_response_too_large")
            return data
        chunks: list[bytes] = []
        size = 0
        async for chunk in resp.content.iter_chunked(65536):
            size += len(chunk)
            if size > limit:
                raise UpstreamError("the vendor's answer is larger than the limit",
                                    reason="upstream_response_too_large")
            chunks.append(chunk)
        return b"".join(chunks)
