"""The steps of one exchange, shared by the whole-body and the streamed-body modes.

``ExchangeHandler`` (proxy.exchange.handler) runs a message whose body is read whole;
``StreamingExchange`` (proxy.exchange.streaming) one whose body passes record by record.
Both take the same steps from here: read and check the head and body of a request or an answer
(minimize, screen by the privacy policy), detect free text, inject credentials, build the
vendor's headers, write the audit intent and the disclosures, and turn a failure into the
caller's answer (``failure_answer``: the error body, or the vendor's status with its answer
withheld once the vendor answered).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from typing import Literal
from urllib.parse import parse_qsl

from aiohttp import web
from multidict import CIMultiDict, CIMultiDictProxy

from proxy.codecs import (
    CODECS,
    BodyCodec,
    CodecError,
    UnsupportedPart,
    bind_codec,
    find_parsed_codec,
    parse_media_type,
)
from proxy.codecs.content_encoding import (
    EncodingRejected,
    decode_body,
    parse_codings,
    request_error,
)
from proxy.contract.routing import CompiledMessage, RouteMatch, Router
from proxy.contract.settings import LimitSettings
from proxy.enforce.cookies import filter_cookies, filter_set_cookies
from proxy.enforce.headers import (
    DEFAULT_RESPONSE_HEADERS,
    FRAMING_HEADERS,
    connection_nominated,
    filter_headers,
    filter_query,
)
from proxy.enforce.minimize import BodyMinimizer, BodyShapeError, PendingRedaction
from proxy.enforce.placeholding import resolve_placeholders
from proxy.enforce.redaction import apply_redactions, detection_requests
from proxy.enforce.report import MessageReport
from proxy.enforce.transforms import Pseudonymizer
from proxy.errors import (
    BadRequest,
    DetectionUnavailable,
    PayloadTooLarge,
    ProxyError,
    RequestTimeout,
    UnsupportedMediaType,
    UpstreamError,
    error_body,
)
from proxy.exchange.credentials import CredentialStore
from proxy.exchange.message import CheckedMessage, SupportsDetect
from proxy.exchange.request_ids import OPAQUE_ID, new_request_id
from proxy.exchange.upstream import UpstreamClient
from proxy.observe.audit import AuditRecord, AuditSink
from proxy.observe.audit_trail import AuditTrail, as_trail
from proxy.policy.gate import PolicyGate
from proxy.policy.vault import VAULT_ACTIONS, Vault, resolve_tokens
from recognizers.errors import DetectionError, DetectionOverloaded
from recognizers.types import DetectionRequest, Span

# A re-serialized body gets its Content-Type from the proxy; a contract listing it has no effect.
_BUILT_FOR_BODY = FRAMING_HEADERS | {"content-type"}
# Request headers never copied from the caller (lowercase, as filter_headers expects).
_REQUEST_SKIP = _BUILT_FOR_BODY | {"x-request-id"}
_REQUEST_SKIP_COOKIE = _REQUEST_SKIP | {"cookie"}  # a cookies section rebuilds Cookie itself
_RESPONSE_SKIP_COOKIE = _BUILT_FOR_BODY | {"set-cookie"}
# Content-Type values most JSON messages carry, taken by the JSON codec without parsing them.
PLAIN_JSON = frozenset({"application/json", "application/json; charset=utf-8",
                        "application/json;charset=utf-8", "application/json; charset=UTF-8"})
JSON_CODEC = CODECS["json"]
Audience = Literal["vendor", "api"]


def _with_nominated(skip: frozenset[str], headers: CIMultiDictProxy[str]) -> frozenset[str]:
    """``skip`` plus the headers the message's ``Connection`` header declares hop-by-hop."""
    if "Connection" not in headers:  # the usual case: no set to build
        return skip
    return skip | connection_nominated(headers)


class ExchangeSteps:
    """The steps of an exchange against one loaded configuration (module docstring)."""

    def __init__(
        self,
        router: Router,
        limits: LimitSettings,
        detector: SupportsDetect,
        upstream: UpstreamClient,
        audit: AuditSink | AuditTrail,
        pseudonymizer: Pseudonymizer | None,
        upstream_overrides: dict[str, str] | None = None,
        clock: Callable[[], float] = time.perf_counter,
        credentials: CredentialStore | None = None,
        gate: PolicyGate | None = None,
        vault: Vault | None = None,
        audience: Audience = "vendor",
    ) -> None:
        self._router = router
        self._gate = gate  # opt-outs, erasure, minors, regions, ledger (proxy.policy.gate)
        self._vault = vault  # tokenize / detokenize (proxy.policy.vault)
        # Vendor secrets are read at start (build_app passes them; a missing one is a ConfigError
        # naming the variable); steps built directly read them here.
        self._credentials = credentials if credentials is not None else CredentialStore.load(
            router.vendors.values()
        )
        self._limits = limits
        self._detector = detector
        self.upstream = upstream
        self._audit = as_trail(audit)
        self._pseudonymizer = pseudonymizer
        self._overrides = upstream_overrides or {}
        self._clock = clock
        self.audience = audience

    @property
    def limits(self) -> LimitSettings:
        return self._limits

    @property
    def pseudonymizer(self) -> Pseudonymizer | None:
        return self._pseudonymizer

    @property
    def audit(self) -> AuditTrail:
        return self._audit

    def upstream_headers(self, message: CheckedMessage, record: AuditRecord) -> dict[str, str]:
        """The checked message's headers with the vendor's X-Request-Id (see ``OPAQUE_ID``)."""
        if not OPAQUE_ID.fullmatch(record.request_id):
            record.upstream_request_id = new_request_id()
        headers = message.headers  # the checked message's own dict, not the caller's headers
        headers["X-Request-Id"] = record.upstream_request_id or record.request_id
        return headers

    async def record_disclosures(self, match: RouteMatch, message: CheckedMessage,
                                 record: AuditRecord) -> None:
        """The privacy policy's disclosure ledger, for routes with a subject (before sending)."""
        if message.screening is not None and self._gate is not None:
            await self._gate.record_disclosures(match.vendor, match.route, message.screening,
                                                record.request, record.request_id)

    def target_url(self, match: RouteMatch, upstream_url: str) -> str:
        override = self._overrides.get(match.vendor.contract.vendor) or self._overrides.get("*")
        if override is None:
            return upstream_url
        return override.rstrip("/") + upstream_url[len(match.vendor.upstream_base):]

    def inject_credentials(self, match: RouteMatch, message: CheckedMessage) -> None:
        credential = self._credentials.for_route(match.route)
        if credential is None:
            return
        credential.inject_headers(message.headers, message.report)
        if credential.field_path is None:
            return
        if message.document is None:  # no body was sent: start one in the route's codec
            contract = match.route.request.contract
            name = next(n for n in contract.content_types if n in ("form", "json", "multipart"))
            message.codec = bind_codec(CODECS[name], contract, message.report)
            message.document = {}
        if not credential.inject_field(message.document, message.report):
            raise BadRequest("the body must be an object to carry the vendor credential",
                             reason="unexpected_body_shape")

    async def read_body(self, request: web.Request) -> bytes:
        limit = self._limits.max_body_bytes
        declared = request.content_length
        if declared is not None and declared > limit:
            raise PayloadTooLarge("the request body is larger than the limit")
        if request.content.is_eof():  # the whole body is in already: take it as it is
            body = request.content.read_nowait()
            if len(body) > limit:
                raise PayloadTooLarge("the request body is larger than the limit")
            return body
        try:
            async with asyncio.timeout(self._limits.body_timeout_s):
                return await self._read_chunks(request, limit)
        except TimeoutError:
            raise RequestTimeout("the request body was not received in time") from None

    @staticmethod
    async def _read_chunks(request: web.Request, limit: int) -> bytes:
        chunks: list[bytes] = []
        size = 0
        while True:
            chunk = await request.content.read(65536)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                raise PayloadTooLarge("the request body is larger than the limit")
            chunks.append(chunk)
        return bytes(chunks[0]) if len(chunks) == 1 else b"".join(chunks)

    async def check_request(
        self, match: RouteMatch, request: web.Request, body: bytes, record: AuditRecord
    ) -> CheckedMessage:
        contract = match.route.request
        report = record.request
        pending: list[PendingRedaction] = []
        vendor = match.vendor.contract.vendor
        cookie_rules = contract.contract.cookies
        headers = filter_headers(
            request.headers, contract.headers, vendor, self._pseudonymizer, report, pending,
            skip=_with_nominated(_REQUEST_SKIP_COOKIE if cookie_rules else _REQUEST_SKIP,
                                 request.headers),
        )
        if cookie_rules:
            cookie = filter_cookies(request.headers.getall("Cookie", []), cookie_rules, vendor,
                                    self._pseudonymizer, report)
            if cookie is not None:
                headers["cookie"] = cookie
        raw_query = request.rel_url.raw_query_string
        try:
            pairs = parse_qsl(raw_query, keep_blank_values=True,
                              errors="strict") if raw_query else []
        except (UnicodeDecodeError, ValueError):
            raise BadRequest("the query string is not valid UTF-8", reason="bad_query") from None
        query = filter_query(pairs, contract.query, vendor, self._pseudonymizer, report, pending)
        message = CheckedMessage(headers=headers, query=query, pending=pending, report=report)
        if body:
            await self._check_body(contract, request.headers, body, message, vendor,
                                   inbound=True, screen=(match, record))
        if self._gate is not None and message.screening is None:  # no body: no subject in it
            message.screening = await self._gate.screen(match.vendor, match.route, None, record)
        return message

    async def _check_body(
        self,
        contract: CompiledMessage,
        headers: CIMultiDictProxy[str],
        body: bytes,
        message: CheckedMessage,
        vendor: str,
        inbound: bool,
        screen: tuple[RouteMatch, AuditRecord] | None = None,
    ) -> None:
        if contract.body_trie is None:
            message.report.body_dropped = True
            return
        if inbound and "Content-Encoding" in headers:  # answers arrive decoded (see _run)
            try:
                codings = parse_codings(headers.getall("Content-Encoding", []))
                body = decode_body(body, codings, self._limits.max_body_bytes)
            except EncodingRejected as exc:
                raise request_error(exc) from None
        content_type = headers.get("Content-Type")
        codec: BodyCodec | None
        params: dict[str, str]
        if content_type in PLAIN_JSON and "json" in contract.contract.content_types:
            # What find_parsed_codec picks for these (no other codec accepts JSON).
            codec, params = JSON_CODEC, {}
        else:
            media, params = parse_media_type(content_type) if content_type else ("", {})
            codec = (find_parsed_codec(contract.contract.content_types, media, params)
                     if content_type else None)
        if codec is None:
            if inbound:
                raise UnsupportedMediaType("this route does not accept this content type; see "
                                           "the route's content_types")
            raise UpstreamError("the vendor answered with a content type the contract cannot "
                                "check", reason="upstream_unsupported_media_type")
        codec = bind_codec(codec, contract.contract, message.report)
        try:
            document = codec.decode(body, params, self._limits.max_json_depth)
        except CodecError as exc:
            if inbound:
                error = UnsupportedMediaType if isinstance(exc, UnsupportedPart) else BadRequest
                raise error(str(exc), reason=exc.reason) from None
            raise UpstreamError("the vendor's answer is not a body we accept",
                                reason="upstream_" + exc.reason) from None
        message.codec = codec
        if screen is not None and self._gate is not None:  # the privacy policy, per record
            message.screening = await self._gate.screen(screen[0].vendor, screen[0].route,
                                                        document, screen[1])
        minimizer = BodyMinimizer(contract.body_trie, vendor, self._pseudonymizer, message.report)
        try:
            message.document = minimizer.minimize(document)
        except BodyShapeError:
            if inbound:
                raise BadRequest("the body must be a JSON object or array",
                                 reason="unexpected_body_shape") from None
            raise UpstreamError("the vendor's answer is not a JSON object or array",
                                reason="upstream_unexpected_body_shape") from None
        message.pending.extend(minimizer.pending)

    async def check_response(
        self, match: RouteMatch, headers: CIMultiDictProxy[str], body: bytes, record: AuditRecord
    ) -> CheckedMessage | None:
        contract = match.route.response
        if contract is None:
            return None
        record.response = report = MessageReport()
        pending: list[PendingRedaction] = []
        vendor = match.vendor.contract.vendor
        cookie_rules = contract.contract.cookies
        out_headers = filter_headers(
            headers, contract.headers, vendor, self._pseudonymizer, report, pending,
            skip=_with_nominated(_RESPONSE_SKIP_COOKIE if cookie_rules else _BUILT_FOR_BODY,
                                 headers))
        message = CheckedMessage(headers=out_headers, query=[], pending=pending, report=report)
        if cookie_rules:
            message.set_cookies = filter_set_cookies(headers.getall("Set-Cookie", []),
                                                     cookie_rules, vendor, self._pseudonymizer,
                                                     report)
        if body:
            await self._check_body(contract, headers, body, message, vendor, inbound=False)
        return message

    def default_response_headers(
        self, headers: CIMultiDictProxy[str], record: AuditRecord
    ) -> dict[str, str]:
        record.response = report = MessageReport()
        return filter_headers(headers, DEFAULT_RESPONSE_HEADERS, "", None, report, [],
                              skip=FRAMING_HEADERS)

    async def detect(self, message: CheckedMessage, record: AuditRecord) -> None:
        if any(p.rule.action in VAULT_ACTIONS for p in message.pending):
            message.pending[:] = await resolve_tokens(self._vault, record.vendor or "",
                                                      message.pending, message.report)
        if not message.pending:
            return
        vendor = self._router.vendors.get(record.vendor or "")
        options = vendor.contract.detection if vendor is not None else None
        if message.book is not None:  # an llm route's placeholders (enforce.placeholding)
            message.pending = await resolve_placeholders(
                message.book, message.pending, lambda r: self.detect_spans(r, record),
                message.report, options, record.vendor or "", message.span_cache)
        results = await self.detect_spans(detection_requests(
            message.pending, options=options, vendor=record.vendor or ""), record)
        apply_redactions(message.pending, results, message.report)
        message.pending.clear()

    async def detect_spans(self, requests: Sequence[DetectionRequest],
                           record: AuditRecord) -> list[list[Span]]:
        """The detector's spans for ``requests``; its failures as ``DetectionUnavailable`` (503),
        its time added to ``record.detection_ms``."""
        started = self._clock()
        try:
            return await self._detector.detect(requests)
        except DetectionOverloaded as exc:
            raise DetectionUnavailable("the detection engine is overloaded; retry later",
                                       reason=exc.reason) from None
        except DetectionError as exc:
            raise DetectionUnavailable("free text could not be checked; nothing was forwarded",
                                       reason=exc.reason) from None
        finally:
            elapsed = (self._clock() - started) * 1000
            record.detection_ms = (record.detection_ms or 0.0) + elapsed

    async def write_intent(self, record: AuditRecord) -> None:
        """The write-ahead audit line; ``AuditUnavailable`` (503, nothing sent) if it fails."""
        await self._audit.intent(record, new_request_id())

    def failure_answer(self, exc: ProxyError, record: AuditRecord) -> web.Response:
        """The caller's answer to a failed exchange: the error (nothing was sent, or the vendor
        did not answer), or the vendor's status with its answer withheld (module docstring)."""
        if record.vendor_status is None and isinstance(exc, UpstreamError):
            record.vendor_status = exc.vendor_status  # the head came, its body failed
        if record.vendor_status is not None:
            return self._withheld_answer(exc, record)
        return self.error_answer(exc, record)

    def error_message(self, exc: ProxyError) -> str:
        """The error text for the caller: the engine's messages speak of the upstream as "the
        vendor"; behind the partner listener the upstream is our own API."""
        if self.audience == "api":
            return exc.message.replace("the vendor", "the API")
        return exc.message

    def error_answer(self, exc: ProxyError, record: AuditRecord,
                     outcome: str = "rejected") -> web.Response:
        """The JSON error answer (the one place it is built for exchanges); ``outcome`` is
        ``aborted`` when a streamed request fails after the vendor was contacted."""
        record.outcome = outcome
        record.reason = exc.reason
        if record.vendor is None and exc.vendor is not None:
            record.vendor = exc.vendor
        response = web.Response(
            status=exc.status,
            body=error_body(self.error_message(exc), exc.reason, record.vendor, record.route),
            content_type="application/json",
        )
        if exc.retry_after_s is not None:
            response.headers["Retry-After"] = str(exc.retry_after_s)
        if isinstance(exc, (RequestTimeout, PayloadTooLarge)):
            response.force_close()  # the rest of the body is not worth reading
        record.bytes_to_client = len(response.body) if isinstance(response.body, bytes) else 0
        return response

    def _withheld_answer(self, exc: ProxyError, record: AuditRecord) -> web.Response:
        """The vendor answered, but its answer cannot go to the caller as it is: the vendor's
        status (so the caller does not retry what the vendor already did), our error body."""
        status = record.vendor_status or 502
        record.outcome = "withheld"
        record.reason = exc.reason
        no_body = status in (204, 304) or 100 <= status < 200
        response = web.Response(
            status=status,
            body=None if no_body else error_body(
                "the vendor answered; its answer could not be checked and is withheld "
                f"({exc.reason}); do not retry", exc.reason, record.vendor, record.route),
            content_type=None if no_body else "application/json",
        )
        response.headers["Proxy-Status"] = f'privacy-proxy; details="answer withheld: {exc.reason}"'
        record.bytes_to_client = len(response.body) if isinstance(response.body, bytes) else 0
        return response

    async def whole_answer(self, match: RouteMatch, status: int,
                           headers: CIMultiDictProxy[str], body: bytes,
                           record: AuditRecord) -> web.Response:
        """The caller's answer from the vendor's whole answer, per the route's response contract.

        Also used by the streaming path when only the request streams.
        """
        checked = await self.check_response(match, headers, body, record)
        if checked is None:  # no response contract: body passes unchanged (documented)
            out = web.Response(status=status, body=body, headers=CIMultiDict(
                self.default_response_headers(headers, record)))
        else:
            if checked.pending:
                await self.detect(checked, record)
            encoded = checked.encoded_body()
            # web.Response copies the headers into a CIMultiDict of its own; a multidict here
            # only when Set-Cookie repeats.
            out_headers: dict[str, str] | CIMultiDict[str] = checked.headers
            if checked.set_cookies:
                out_headers = CIMultiDict(checked.headers)
                for value in checked.set_cookies:
                    out_headers.add("Set-Cookie", value)
            payload = None
            if encoded is not None:
                payload, out_headers["Content-Type"] = encoded
            out = web.Response(status=status, body=payload, headers=out_headers)
        record.outcome = "forwarded"
        record.bytes_to_client = len(out.body or b"") if isinstance(out.body, bytes) else 0
        return out
