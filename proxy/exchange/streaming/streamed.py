"""One exchange on a route that streams its request, its response, or both.

``ExchangeHandler`` hands the exchange over here when the matched route declares ``stream:`` in
either direction (the whole-body path stays as it is). The head of each message (headers,
query, cookies, credentials) is checked by the same ``ExchangeSteps`` (proxy.exchange.steps) as
whole bodies are; bodies go through ``pipeline.transform``.

Request stream: the first batch is processed before the vendor is contacted, so a bad first
record, a record over the limit or a detector failure is answered (400 / 413 / 503) with
nothing sent. After that the body is sent chunked as batches are done; if it fails later the
upstream request is aborted (the vendor never sees a complete body), and the caller gets the
error. If the vendor fails while the stream is in flight, the caller gets a 502.

Response stream: the same, the other way round: the first batch is ready before the answer's
head goes to the caller; a failure after that aborts the caller's connection (a broken chunked
body, never a clean end). In every case the audit record's ``stream`` section says how many
records came in, were forwarded and were dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp import web
from multidict import CIMultiDict

from proxy.codecs import TEXT_KEY, parse_media_type
from proxy.codecs.content_encoding import check_response_encoding
from proxy.contract.models import StreamSpec
from proxy.enforce.minimize import PendingRedaction
from proxy.enforce.report import MessageReport
from proxy.errors import (
    BadRequest,
    PayloadTooLarge,
    ProxyError,
    RequestTimeout,
    UnsupportedMediaType,
    UpstreamError,
    UpstreamTimeout,
)
from proxy.exchange.message import CheckedMessage
from proxy.exchange.streaming.framing import RecordTooLarge, StreamFault
from proxy.exchange.streaming.pipeline import (
    Piece,
    PipelineLimits,
    SourceTimeout,
    StreamProcessor,
    StreamStats,
    transform,
)
from proxy.exchange.streaming.records import RecordProcessor, codec_for
from proxy.exchange.streaming.text_window import TextProcessor
from recognizers.types import DetectionRequest, Span

if TYPE_CHECKING:
    from proxy.contract.routing import CompiledMessage, CompiledRoute, RouteMatch
    from proxy.exchange.steps import ExchangeSteps
    from proxy.observe.audit import AuditRecord


def streams(route: CompiledRoute) -> bool:
    """Whether the route streams its request or its response."""
    return route.request.contract.stream is not None or (
        route.response is not None and route.response.contract.stream is not None)


def inbound_error(exc: BaseException) -> ProxyError:
    """A failure of the caller's stream, as the answer the caller gets."""
    if isinstance(exc, ProxyError):
        return exc
    if isinstance(exc, RecordTooLarge):
        return PayloadTooLarge("a record of the stream is larger than the limit",
                               reason="record_too_large")
    if isinstance(exc, StreamFault):
        return BadRequest("a record of the stream is not one we accept", reason=exc.reason)
    if isinstance(exc, SourceTimeout):
        return RequestTimeout("the request stream stalled")
    return BadRequest("the request stream broke off", reason="body_incomplete")


def outbound_error(exc: BaseException) -> ProxyError:
    """A failure of the vendor's stream, as the answer the caller gets."""
    if isinstance(exc, ProxyError):
        return exc
    if isinstance(exc, RecordTooLarge):
        return UpstreamError("a record of the vendor's stream is larger than the limit",
                             reason="upstream_record_too_large")
    if isinstance(exc, StreamFault):
        return UpstreamError("the vendor's stream has a record we cannot check",
                             reason="upstream_" + exc.reason)
    if isinstance(exc, SourceTimeout):
        return UpstreamTimeout("the vendor's stream stalled")
    return UpstreamError("the vendor's stream broke off", reason="upstream_stream_broken")


async def _chunks(reader: aiohttp.StreamReader) -> AsyncIterator[bytes]:
    async for chunk in reader.iter_any():
        yield chunk


@dataclass
class _Body:
    """The request body generator's outcome, watched by the exchange."""

    failed: asyncio.Event = field(default_factory=asyncio.Event)
    error: BaseException | None = None


class StreamingExchange:
    """Runs one streaming exchange with the exchange steps (proxy.exchange.steps)."""

    def __init__(self, steps: ExchangeSteps, match: RouteMatch, upstream_url: str,
                 record: AuditRecord) -> None:
        self._h = steps
        self._match = match
        self._upstream_url = upstream_url
        self._record = record
        self._vendor = match.vendor.contract.vendor
        self._stats: dict[str, tuple[StreamStats, StreamProcessor]] = {}
        limits = steps.limits
        self._limits = limits
        self._pipeline = PipelineLimits(
            queue_units=limits.stream_queue_records,
            batch_records=limits.stream_batch_records,
            batch_s=limits.stream_batch_ms / 1000,
            idle_timeout_s=limits.stream_idle_timeout_s,
        )

    # -- steps shared with the handler -----------------------------------------------------------

    async def _resolve(self, pending: list[PendingRedaction], report: MessageReport) -> None:
        message = CheckedMessage(headers={}, query=[], pending=pending, report=report)
        await self._h.detect(message, self._record)

    async def _detect_spans(self, requests: Sequence[DetectionRequest]) -> list[list[Span]]:
        return await self._h.detect_spans(requests, self._record)

    def _processor(self, message: CompiledMessage, spec: StreamSpec,
                   report: MessageReport) -> StreamProcessor:
        if spec.kind == "text":
            rule = (message.contract.body or {}).get(TEXT_KEY)
            return TextProcessor(rule, self._detect_spans, report,
                                 spec.window or self._limits.stream_text_window,
                                 options=self._match.vendor.contract.detection,
                                 vendor=self._vendor)
        return RecordProcessor(
            codec_for(spec), message.body_trie, self._vendor,
            self._h.pseudonymizer, report, self._resolve,
            spec.on_record_error, spec.max_record_bytes or self._limits.stream_max_record_bytes,
            self._limits.max_json_depth,
        )

    def _track(self, direction: str, stats: StreamStats, processor: StreamProcessor) -> None:
        self._stats[direction] = (stats, processor)

    def audit_streams(self) -> None:
        """Put the streams' counts into the audit record (``run`` does it when it ends)."""
        out: dict[str, Any] = {}
        for direction, (stats, processor) in self._stats.items():
            stats.records_in = getattr(processor, "records_in", 0)
            stats.records_dropped = Counter(getattr(processor, "dropped", {}))
            out[direction] = stats.to_dict()
        if out:
            self._record.stream = out

    # -- the exchange ---------------------------------------------------------------------------

    async def run(self, request: web.Request) -> web.StreamResponse:
        try:
            return await self._run(request)
        finally:
            self.audit_streams()

    async def _run(self, request: web.Request) -> web.StreamResponse:
        h, match, record = self._h, self._match, self._record
        spec = match.route.request.contract.stream
        body: AsyncIterator[bytes] | bytes | None
        body_state = _Body()
        tasks: list[asyncio.Task[Any]] = []
        if spec is None:
            outgoing, body, content_type = await self._whole_request(request)
        else:
            outgoing, body, content_type = await self._streamed_request(request, spec, body_state)

        headers = h.upstream_headers(outgoing, record)
        if content_type is not None:
            headers["Content-Type"] = content_type
        await h.write_intent(record)  # before the first byte leaves; AuditUnavailable: none does
        await h.record_disclosures(match, outgoing, record)

        started = asyncio.get_running_loop().time()
        send = asyncio.ensure_future(h.upstream.open_stream(
            request.method, h.target_url(match, self._upstream_url),
            outgoing.query, headers, body))
        failed = asyncio.ensure_future(body_state.failed.wait())
        tasks.extend((send, failed))
        try:
            await asyncio.wait({send, failed}, return_when=asyncio.FIRST_COMPLETED)
            if body_state.error is not None:  # our side failed: the vendor must not finish
                send.cancel()
                with contextlib.suppress(BaseException):
                    await send
                return self._answer_error(inbound_error(body_state.error))
            try:
                resp = send.result()
            except ProxyError as exc:
                if spec is not None:  # the vendor failed while the stream was in flight
                    return self._answer_error(exc)
                raise
        finally:
            for task in tasks:
                task.cancel()
        record.vendor_status = resp.status  # from here on, no proxy 5xx (proxy.exchange.handler)
        record.upstream_ms = (asyncio.get_running_loop().time() - started) * 1000
        try:
            return await self._answer(request, resp)
        finally:
            resp.close()
            if isinstance(body, AsyncIterator):
                with contextlib.suppress(BaseException):
                    await body.aclose()  # type: ignore[attr-defined]

    async def _whole_request(
            self, request: web.Request) -> tuple[CheckedMessage, bytes | None, str | None]:
        """A request read whole (only its answer streams): checked, detected, re-encoded."""
        h, match, record = self._h, self._match, self._record
        raw = await h.read_body(request)
        record.bytes_from_client = len(raw)
        outgoing = await h.check_request(match, request, raw, record)
        await h.detect(outgoing, record)
        h.inject_credentials(match, outgoing)
        encoded = outgoing.encoded_body()
        body, content_type = encoded if encoded is not None else (None, None)
        record.bytes_to_vendor = len(body or b"")
        return outgoing, body, content_type

    async def _streamed_request(
            self, request: web.Request, spec: StreamSpec, body_state: _Body,
    ) -> tuple[CheckedMessage, AsyncIterator[bytes], str]:
        """A streamed request: head checked now, records checked as they arrive; nothing is
        sent before the first batch is checked."""
        h, match, record = self._h, self._match, self._record
        codings = [c.strip().lower() for v in request.headers.getall("Content-Encoding", [])
                   for c in v.split(",") if c.strip()]
        if any(c != "identity" for c in codings):
            raise UnsupportedMediaType("compressed request streams are not accepted",
                                       reason="unsupported_content_encoding")
        processor = self._processor(match.route.request, spec, record.request)
        media, params = parse_media_type(request.headers.get("Content-Type", ""))
        if not processor.accepts(media, params):  # type: ignore[attr-defined]
            raise UnsupportedMediaType("this route streams another content type",
                                       reason="unsupported_media_type")
        outgoing = await h.check_request(match, request, b"", record)
        await h.detect(outgoing, record)
        h.inject_credentials(match, outgoing)
        stats = StreamStats(spec.kind)
        self._track("request", stats, processor)
        pieces = transform(_chunks(request.content), processor, self._pipeline, stats)
        try:
            first = await anext(pieces)
        except StopAsyncIteration:
            first = Piece(b"", 0)
        except Exception as exc:  # noqa: BLE001
            raise inbound_error(exc) from None
        return outgoing, self._deliver(first, pieces, stats, body_state), processor.content_type

    async def _deliver(self, first: Piece, pieces: AsyncIterator[Piece], stats: StreamStats,
                       state: _Body) -> AsyncIterator[bytes]:
        """The request body: counts a piece as delivered once the writer asks for the next."""
        piece: Piece | None = first
        try:
            while piece is not None:
                if piece.data:
                    yield piece.data
                    stats.bytes_out += len(piece.data)
                    self._record.bytes_to_vendor = stats.bytes_out
                stats.records_forwarded += piece.records
                piece = await anext(pieces, None)
            self._record.bytes_from_client = stats.bytes_in
        except Exception as exc:  # noqa: BLE001 - the exchange aborts the upstream request
            self._record.bytes_from_client = stats.bytes_in
            state.error = exc
            state.failed.set()
            await asyncio.Event().wait()  # never end the body: a clean end would look complete
        finally:
            with contextlib.suppress(BaseException):
                await pieces.aclose()  # type: ignore[attr-defined]

    def _answer_error(self, exc: ProxyError) -> web.Response:
        """An error answer after the vendor was contacted: the exchange is ``aborted``."""
        response = self._h.error_answer(exc, self._record, outcome="aborted")
        response.force_close()  # the rest of the caller's stream is not read
        return response

    async def _answer(self, request: web.Request, resp: aiohttp.ClientResponse
                      ) -> web.StreamResponse:
        h, match, record = self._h, self._match, self._record
        check_response_encoding(resp.headers.getall("Content-Encoding", []))
        message = match.route.response
        spec = message.contract.stream if message is not None else None
        if message is None or spec is None:
            return await self._answer_whole(resp)
        checked = await h.check_response(match, resp.headers, b"", record)
        assert checked is not None
        await h.detect(checked, record)
        processor = self._processor(message, spec, checked.report)
        return await self.deliver(request, resp, checked, processor, spec.kind)

    async def deliver(self, request: web.Request, resp: aiohttp.ClientResponse,
                      checked: CheckedMessage, processor: StreamProcessor,
                      kind: str) -> web.StreamResponse:
        """Stream the vendor's answer through ``processor`` to the caller (its head once the
        first piece is ready); also used by model APIs (proxy.exchange.llm)."""
        record = self._record
        media, params = parse_media_type(resp.headers.get("Content-Type", ""))
        if not processor.accepts(media, params):  # type: ignore[attr-defined]
            raise UpstreamError("the vendor answered with a content type the contract cannot "
                                "check", reason="upstream_unsupported_media_type")
        stats = StreamStats(kind)
        self._track("response", stats, processor)
        pieces = transform(_chunks(resp.content), processor, self._pipeline, stats)
        try:
            try:
                first = await anext(pieces)
            except StopAsyncIteration:
                first = Piece(b"", 0)
            except Exception as exc:  # noqa: BLE001 - nothing was sent to the caller yet
                record.bytes_from_vendor = stats.bytes_in
                raise outbound_error(exc) from None
            out_headers = CIMultiDict(checked.headers)
            for value in checked.set_cookies:
                out_headers.add("Set-Cookie", value)
            out_headers["Content-Type"] = processor.content_type
            out_headers["X-Request-Id"] = record.request_id
            out = web.StreamResponse(status=resp.status, headers=out_headers)
            await out.prepare(request)
            try:
                piece: Piece | None = first
                while piece is not None:
                    if piece.data:
                        await out.write(piece.data)  # waits for the caller: backpressure
                        stats.bytes_out += len(piece.data)
                    stats.records_forwarded += piece.records
                    piece = await anext(pieces, None)
            except Exception as exc:  # noqa: BLE001 - the head is out: abort the connection
                error = outbound_error(exc)
                record.outcome = "aborted"
                record.reason = error.reason
                transport = request.transport
                if transport is not None:
                    transport.abort()
                return out
            finally:
                record.bytes_from_vendor = stats.bytes_in
                record.bytes_to_client = stats.bytes_out
            await out.write_eof()
            record.outcome = "forwarded"
            return out
        finally:
            await pieces.aclose()  # type: ignore[attr-defined]

    async def _answer_whole(self, resp: aiohttp.ClientResponse) -> web.Response:
        """A response without ``stream:``: the handler's whole-body checks, as in its _run."""
        h, match, record = self._h, self._match, self._record
        try:
            data = await h.upstream.read_answer(resp)
        except aiohttp.ClientError:
            raise UpstreamError("the vendor connection failed", reason="upstream_error") from None
        except TimeoutError:
            raise UpstreamTimeout("the vendor did not answer in time") from None
        record.bytes_from_vendor = len(data)
        return await h.whole_answer(match, resp.status, resp.headers, data, record)
