"""One exchange on an ``llm:`` route: prompt checked, placeholders in, answer restored.

The order is the whole-body exchange's, with three additions:

1. The prompt's shape is checked first (``shapes.check_prompt``): unknown content parts and token
   arrays are refused before anything else runs.
2. The scope's placeholder book is loaded before detection (placeholders are deterministic, the
   book also holds the values to restore), and the placeholders created for this prompt are
   stored *before* the request leaves: a store failure is ``503 policy_store_unavailable`` with
   nothing sent, so no answer can hold a placeholder we cannot restore.
3. The answer is restored: whole (``answers``) or, when the caller asked for ``stream: true`` and
   the vendor streams, event by event (``events`` / ``rewriters``) without buffering it.

Detection failures are the usual 503 with nothing sent: the prompt never leaves unchecked.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import aiohttp
import orjson
from aiohttp import web

from proxy.codecs import parse_media_type
from proxy.codecs.content_encoding import check_response_encoding
from proxy.contract.models import LlmApi, LlmSpec
from proxy.enforce.placeholders import PlaceholderBook, PlaceholderFormat, PlaceholderNamer
from proxy.enforce.report import MessageReport
from proxy.enforce.span_cache import SpanCache
from proxy.errors import BadRequest, UpstreamError, UpstreamTimeout
from proxy.exchange.llm.answer_windows import AnswerWindows, redact_document
from proxy.exchange.llm.answers import restore_document
from proxy.exchange.llm.events import LlmEventProcessor
from proxy.exchange.llm.rewriters import rewriter_for
from proxy.exchange.llm.shapes import check_prompt
from proxy.exchange.message import CheckedMessage
from proxy.exchange.streaming.streamed import StreamingExchange
from proxy.policy.placeholder_store import PlaceholderStore
from proxy.policy.stores import StoreUnavailable

if TYPE_CHECKING:
    from proxy.contract.routing import RouteMatch
    from proxy.exchange.steps import ExchangeSteps
    from proxy.observe.audit import AuditRecord
    from recognizers.types import DetectionRequest, Span


class AnswerStream(StreamingExchange):
    """A model's streamed answer: each vendor chunk goes on as soon as it is restored.

    A record stream waits up to ``stream_batch_ms`` after a record for more, so that one
    detection call covers many records. Restoring placeholders needs no detection, so here that
    wait would only hold every token back (the first one included) by up to ``stream_batch_ms``
    (20 ms by default): chunks already queued still go out together, none is waited for.
    """

    def __init__(self, steps: ExchangeSteps, match: RouteMatch, upstream_url: str,
                 record: AuditRecord) -> None:
        super().__init__(steps, match, upstream_url, record)
        self._pipeline = replace(self._pipeline, batch_s=0.0)


def scope_of(key: bytes, vendor: str, spec: LlmSpec, headers: Any) -> str:
    """The placeholder scope: the vendor and the values of the scope headers, keyed."""
    parts = [vendor] + [headers.get(name, "") for name in spec.scope_headers]
    return hmac.new(key, "\0".join(parts).encode(), hashlib.sha256).hexdigest()[:40]


class LlmExchange:
    """Runs one exchange of an ``llm:`` route with the exchange steps."""

    def __init__(self, steps: ExchangeSteps, match: RouteMatch, target: str,
                 record: AuditRecord, store: PlaceholderStore | None,
                 span_cache: SpanCache | None = None) -> None:
        self._h = steps
        self._match = match
        self._target = target
        self._record = record
        self._store = store
        self._span_cache = span_cache  # the handler's: a conversation's history is detected once
        spec = match.route.route.llm
        assert spec is not None
        self._spec = spec
        self._answer_report = MessageReport()  # a whole answer's text (llm.answer)

    async def run(self, request: web.Request) -> web.StreamResponse:
        h, match, record = self._h, self._match, self._record
        raw = await h.read_body(request)
        record.bytes_from_client = len(raw)
        raw = self._checked_prompt(raw)
        scope, book = await self._book(request)
        outgoing = await h.check_request(match, request, raw, record)
        outgoing.book = book
        outgoing.span_cache = self._span_cache
        await h.detect(outgoing, record)
        h.inject_credentials(match, outgoing)  # after detection: secrets never reach it
        encoded = outgoing.encoded_body()
        headers = h.upstream_headers(outgoing, record)
        body = None
        if encoded is not None:
            body, headers["Content-Type"] = encoded
        record.bytes_to_vendor = len(body or b"")
        record.llm = {"api": self._spec.api.value, "placeholders": len(book.new)}
        # Stored before the prompt leaves, so every placeholder can come back; saved even with
        # nothing new, which keeps a conversation in use from expiring.
        assert self._store is not None
        await self._store.save(scope, book.new, _subject(outgoing))
        await h.write_intent(record)
        await h.record_disclosures(match, outgoing, record)
        document = outgoing.document
        if isinstance(document, dict) and document.get("stream") is True:
            return await self._streamed(request, outgoing, headers, body, book)
        answer = await h.upstream.send(request.method, self._target, outgoing.query, headers,
                                       body)
        record.vendor_status = answer.status  # from here on, no proxy 5xx
        record.upstream_ms = answer.elapsed_ms
        record.bytes_from_vendor = len(answer.body)
        check_response_encoding(answer.headers.getall("Content-Encoding", []))
        data = await self._restored(answer.body, answer.headers.get("Content-Type", ""), book)
        return self._absorbed(await h.whole_answer(match, answer.status, answer.headers, data,
                                                   record))

    def _checked_prompt(self, raw: bytes) -> bytes:
        try:
            document = orjson.loads(raw) if raw else None
        except orjson.JSONDecodeError:
            raise BadRequest("the body is not valid JSON", reason="invalid_json") from None
        if check_prompt(self._spec, document):
            return orjson.dumps(document)
        return raw

    async def _book(self, request: web.Request) -> tuple[str, PlaceholderBook]:
        store = self._store
        if store is None:  # build_app opens the store whenever a contract uses placeholders
            raise StoreUnavailable("no placeholder store is configured; nothing was forwarded")
        scope = scope_of(store.naming_key, self._record.vendor or "", self._spec,
                         request.headers)
        known = await store.load(scope)
        namer = PlaceholderNamer(store.naming_key, PlaceholderFormat(self._spec.placeholder))
        return scope, PlaceholderBook(namer, scope, known)

    async def _restored(self, data: bytes, content_type: str, book: PlaceholderBook) -> bytes:
        """A whole JSON answer with its text redacted (``llm.answer``) and placeholders restored
        (other answers pass as they are)."""
        media, _ = parse_media_type(content_type)
        if not self._spec.restore or not data or not media.endswith("json"):
            return data
        try:
            document = orjson.loads(data)
        except orjson.JSONDecodeError:
            return data  # the response contract's codec refuses it
        if self._spec.answer is not None:
            await redact_document(document, book, self._spec.answer, self._detect,
                                  self._answer_report, self._match.vendor.contract.detection,
                                  self._record.vendor or "")
        restore_document(document, book)
        self._count(book)
        return orjson.dumps(document)

    def _absorbed(self, answer: web.StreamResponse) -> web.StreamResponse:
        """``answer``, once the answer text's counts are in the record's response report (the
        response contract's check starts that report afresh)."""
        if self._record.response is not None:
            self._record.response.absorb(self._answer_report)
        return answer

    async def _detect(self, requests: Sequence[DetectionRequest]) -> list[list[Span]]:
        return await self._h.detect_spans(requests, self._record)

    def _count(self, book: PlaceholderBook) -> None:
        if self._record.llm is not None:
            self._record.llm.update(restored=book.restored, unknown=book.unknown)

    async def _streamed(self, request: web.Request, outgoing: CheckedMessage,
                        headers: dict[str, str], body: bytes | None,
                        book: PlaceholderBook) -> web.StreamResponse:
        h, match, record = self._h, self._match, self._record
        resp = await h.upstream.open_stream(request.method, self._target, outgoing.query,
                                            headers, body)
        record.vendor_status = resp.status
        try:
            check_response_encoding(resp.headers.getall("Content-Encoding", []))
            media, _ = parse_media_type(resp.headers.get("Content-Type", ""))
            if media != "text/event-stream" or not self._spec.restore or \
                    self._spec.api is LlmApi.EMBEDDINGS:
                return await self._whole_from_stream(resp, book)
            checked = await h.check_response(match, resp.headers, b"", record)
            if checked is None:
                checked = CheckedMessage(headers=h.default_response_headers(resp.headers, record),
                                         query=[])
            windows = None
            if self._spec.answer is not None:
                windows = AnswerWindows(
                    book, self._spec.answer, self._detect, checked.report,
                    self._spec.answer_window, match.vendor.contract.detection,
                    record.vendor or "", keep_texts=self._spec.api is LlmApi.OPENAI_RESPONSES)
            rewriter = rewriter_for(self._spec.api, book, windows)
            assert rewriter is not None  # every streaming API has one
            processor = LlmEventProcessor(rewriter, h.limits.stream_max_record_bytes,
                                          self._spec.unknown_events, windows)
            streaming = AnswerStream(h, match, self._target, record)
            try:
                return await streaming.deliver(request, resp, checked, processor, "sse")
            finally:
                streaming.audit_streams()
                self._count(book)
        finally:
            resp.close()

    async def _whole_from_stream(self, resp: aiohttp.ClientResponse,
                                 book: PlaceholderBook) -> web.StreamResponse:
        """The vendor answered a streamed request with a whole body (an error, usually)."""
        try:
            data = await self._h.upstream.read_answer(resp)
        except aiohttp.ClientError:
            raise UpstreamError("the vendor connection failed", reason="upstream_error") from None
        except TimeoutError:
            raise UpstreamTimeout("the vendor did not answer in time") from None
        self._record.bytes_from_vendor = len(data)
        data = await self._restored(data, resp.headers.get("Content-Type", ""), book)
        return self._absorbed(await self._h.whole_answer(self._match, resp.status, resp.headers,
                                                         data, self._record))


def _subject(message: CheckedMessage) -> str | None:
    """The one data subject a prompt is about (routes with ``subject:``), for erasure."""
    screening = message.screening
    if screening is not None and len(screening.sent) == 1:
        return screening.sent[0]
    return None
