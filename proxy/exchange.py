"""One exchange, step by step: route, read, minimize, detect, audit intent, forward, minimize
the answer, audit record.

``ExchangeHandler.handle`` is the aiohttp handler for every path under ``/{vendor}/``. Each step
is a function of its own module; this module only moves the exchange through them and turns a
``ProxyError`` into the documented JSON answer. Nothing reaches the vendor unless every step of
the request side succeeded, the audit intent included (proxy.audit_trail).

Once the vendor has answered, the caller never gets a proxy 5xx: the vendor acted on the request
and a retry would disclose again. A step after that which fails (the answer's content type or
shape, detection on it, detokenizing, anything unforeseen) *withholds* the answer: the caller
gets the vendor's status, the JSON error body with the reason, and ``Proxy-Status`` saying the
answer was withheld (outcome ``withheld`` in the audit record, with ``vendor_status``).
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import parse_qsl

from aiohttp import web
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from proxy.audit import AuditRecord, AuditSink
from proxy.audit_trail import AuditTrail, as_trail
from proxy.codecs import (
    CODECS,
    BodyCodec,
    CodecError,
    UnsupportedPart,
    bind_codec,
    find_parsed_codec,
    parse_media_type,
)
from proxy.content_encoding import (
    EncodingRejected,
    check_response_encoding,
    decode_body,
    parse_codings,
    request_error,
)
from proxy.contract import Mode
from proxy.cookies import filter_cookies, filter_set_cookies
from proxy.credentials import CredentialStore
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
from proxy.headers import (
    DEFAULT_RESPONSE_HEADERS,
    FRAMING_HEADERS,
    connection_nominated,
    filter_headers,
    filter_query,
)
from proxy.logs import current_request_id
from proxy.metrics import ProxyMetrics
from proxy.minimize import BodyMinimizer, BodyShapeError, PendingRedaction
from proxy.path_params import checked_upstream_url
from proxy.policy_gate import PolicyGate, Screening
from proxy.redaction import apply_redactions, detection_requests
from proxy.report import MessageReport
from proxy.routing import CompiledMessage, RouteMatch, Router
from proxy.settings import LimitSettings
from proxy.streaming import StreamingExchange, streams
from proxy.transforms import Pseudonymizer
from proxy.upstream import UpstreamClient
from proxy.vault import VAULT_ACTIONS, Vault, resolve_tokens
from recognizers.errors import DetectionError, DetectionOverloaded
from recognizers.types import DetectionRequest, Span

log = logging.getLogger("proxy.exchange")

# A re-serialized body gets its Content-Type from the proxy; a contract listing it has no effect.
_BUILT_FOR_BODY = FRAMING_HEADERS | {"content-type"}
# Request headers never copied from the caller (lowercase, as filter_headers expects).
_REQUEST_SKIP = _BUILT_FOR_BODY | {"x-request-id"}
_REQUEST_SKIP_COOKIE = _REQUEST_SKIP | {"cookie"}  # a cookies section rebuilds Cookie itself
_RESPONSE_SKIP_COOKIE = _BUILT_FOR_BODY | {"set-cookie"}
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
# Content-Type values most JSON messages carry, spelled exactly so; the JSON codec takes them
# without parsing the media type (a fixed set: nothing a caller sends is remembered).
_PLAIN_JSON = frozenset({"application/json", "application/json; charset=utf-8",
                         "application/json;charset=utf-8", "application/json; charset=UTF-8"})
_JSON_CODEC = CODECS["json"]
# A caller's id goes on to the vendor only when it is opaque (a UUID, or hex digits with at
# least one letter): a "plain token" may carry data (an order number, a phone number, a name)
# and the header is a side door past the contract. Other ids get a fresh one for the vendor,
# named in the audit record as upstream_request_id.
_OPAQUE_ID = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
    r"|(?=[0-9a-fA-F]*[a-fA-F])[0-9a-fA-F]{16,64}"
)


def new_request_id() -> str:
    """A random UUID (version 4) as 32 hex digits, like ``uuid.uuid4().hex`` at a third of its
    cost (no UUID object)."""
    raw = bytearray(os.urandom(16))
    raw[6] = (raw[6] & 0x0F) | 0x40  # version 4
    raw[8] = (raw[8] & 0x3F) | 0x80  # RFC 4122 variant
    return raw.hex()


def _with_nominated(skip: frozenset[str], headers: CIMultiDictProxy[str]) -> frozenset[str]:
    """``skip`` plus the headers the message's ``Connection`` header declares hop-by-hop."""
    if "Connection" not in headers:  # the usual case: no set to build
        return skip
    return skip | connection_nominated(headers)


class SupportsDetect(Protocol):
    """What the exchange needs from the detection engine (``recognizers.DetectionPool``)."""

    async def detect(self, requests: Sequence[DetectionRequest]) -> list[list[Span]]: ...


@dataclass
class CheckedMessage:
    """A message after minimization, before detection fills its redactions."""

    headers: dict[str, str]
    query: list[list[str]]
    document: Any = None  # minimized document, or None when no body passes
    codec: BodyCodec | None = None
    pending: list[PendingRedaction] = field(default_factory=list)
    report: MessageReport = field(default_factory=MessageReport)
    set_cookies: list[str] = field(default_factory=list)  # response: per the cookies section
    screening: Screening | None = None  # the privacy-policy step (routes with a subject)

    def encoded_body(self) -> tuple[bytes, str] | None:
        """The re-encoded body and its Content-Type, or None when no body passes."""
        if self.document is None or self.codec is None:
            return None
        return self.codec.encode(self.document)


class _RoutePlan:
    """What an exchange needs to know of its route that is the same for every request.

    Kept per handler, by route: a handler and its router (which holds the routes) live and die
    together, and the plan holds its route, so the id it is filed under stays that route's.
    """

    __slots__ = ("route", "route_name", "shadow", "streams", "target", "upstream_url", "vendor")

    def __init__(self, handler: ExchangeHandler, match: RouteMatch) -> None:
        route = match.route
        self.route = route
        self.vendor: str = match.vendor.contract.vendor
        self.route_name = route.name
        self.shadow = (route.route.mode or match.vendor.contract.mode) is Mode.SHADOW
        self.streams = streams(route)
        # Only literal segments: the vendor URL (and the parsed URL the client sends to) once.
        self.upstream_url = ""
        self.target: URL | None = None
        if not route.template.params:
            self.upstream_url = checked_upstream_url(match, None, MessageReport())
            self.target = URL(handler._target_url(match, self.upstream_url), encoded=True)


class ExchangeHandler:
    """Runs exchanges against one loaded configuration."""

    def __init__(
        self,
        router: Router,
        limits: LimitSettings,
        detector: SupportsDetect,
        upstream: UpstreamClient,
        audit: AuditSink | AuditTrail,
        pseudonymizer: Pseudonymizer | None,
        contract_version: str,
        upstream_overrides: dict[str, str] | None = None,
        clock: Callable[[], float] = time.perf_counter,
        metrics: ProxyMetrics | None = None,
        credentials: CredentialStore | None = None,
        gate: PolicyGate | None = None,
        vault: Vault | None = None,
    ) -> None:
        self._router = router
        self._gate = gate  # opt-outs, erasure, minors, regions, ledger (proxy.policy_gate)
        self._vault = vault  # tokenize / detokenize (proxy.vault)
        # Vendor secrets are read at start (build_app passes them; a missing one is a ConfigError
        # naming the variable); handlers built directly read them here.
        self._credentials = credentials if credentials is not None else CredentialStore.load(
            router._vendors.values()
        )
        self._limits = limits
        self._detector = detector
        self._upstream = upstream
        self._audit = as_trail(audit)
        self._pseudonymizer = pseudonymizer
        self._version = contract_version
        self._overrides = upstream_overrides or {}
        self._clock = clock
        self._metrics = metrics
        self._plans: dict[int, _RoutePlan] = {}  # by id(route): see _RoutePlan

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """The aiohttp handler: always answers, always writes one audit record (and an intent
        before anything is sent)."""
        started = self._clock()
        incoming_id = request.headers.get("X-Request-Id")
        request_id = (incoming_id if incoming_id is not None and _REQUEST_ID.fullmatch(incoming_id)
                      else new_request_id())
        record = AuditRecord(request_id=request_id, method=request.method,
                             contract_version=self._version)
        id_token = current_request_id.set(request_id)
        try:
            response = await self._run(request, record)
        except ProxyError as exc:
            response = self.failure_answer(exc, record)
        except Exception:  # fail closed on anything unforeseen, without details
            log.exception("unexpected error in exchange", extra={"request_id": request_id})
            response = self.failure_answer(ProxyError("internal error"), record)
        response.headers["X-Request-Id"] = request_id
        record.status = response.status
        record.duration_ms = (self._clock() - started) * 1000
        await self._audit.complete(record)  # never raises: a failure turns readiness false
        if self._metrics is not None:
            self._metrics.observe_exchange(record)
        current_request_id.reset(id_token)
        return response

    def _plan(self, match: RouteMatch) -> _RoutePlan:
        plan = self._plans.get(id(match.route))
        if plan is None:
            plan = _RoutePlan(self, match)
            self._plans[id(match.route)] = plan
        return plan

    async def _run(self, request: web.Request, record: AuditRecord) -> web.StreamResponse:
        match = self._router.match(request.method, request.rel_url.raw_path)
        plan = self._plan(match)
        record.vendor = plan.vendor
        record.route = plan.route_name
        if plan.shadow:
            return await self._run_shadow(request, match, record)
        if plan.target is None:
            upstream_url = checked_upstream_url(match, self._pseudonymizer, record.request)
            target: str | URL = self._target_url(match, upstream_url)
        else:  # no path parameters: the same URL for every request
            upstream_url, target = plan.upstream_url, plan.target
        if plan.streams:  # records pass as they arrive: proxy.streaming runs it
            return await StreamingExchange(self, match, upstream_url, record).run(request)
        body = await self._read_body(request)
        record.bytes_from_client = len(body)

        outgoing = await self._check_request(match, request, body, record)
        if outgoing.pending:  # free text to check (or tokens to resolve)
            await self._detect(outgoing, record)
        self._inject_credentials(match, outgoing)  # after detection: secrets never reach it
        encoded = outgoing.encoded_body()
        headers = outgoing.headers  # the checked message's own dict, not the caller's headers
        if not _OPAQUE_ID.fullmatch(record.request_id):
            record.upstream_request_id = new_request_id()
        headers["X-Request-Id"] = record.upstream_request_id or record.request_id
        out_body = None
        if encoded is not None:
            out_body, headers["Content-Type"] = encoded
        record.bytes_to_vendor = len(out_body or b"")

        await self.write_intent(record)  # no record, no disclosure
        if outgoing.screening is not None and self._gate is not None:
            await self._gate.record_disclosures(match.vendor, match.route, outgoing.screening,
                                                record.request, record.request_id)
        answer = await self._upstream.send(request.method, target, outgoing.query, headers,
                                           out_body)
        record.vendor_status = answer.status
        record.upstream_ms = answer.elapsed_ms
        record.bytes_from_vendor = len(answer.body)
        check_response_encoding(answer.headers.getall("Content-Encoding", []))

        return await self.answer(match, answer.status, answer.headers, answer.body, record)

    async def answer(self, match: RouteMatch, status: int, headers: CIMultiDictProxy[str],
                     body: bytes, record: AuditRecord) -> web.Response:
        """The caller's answer from the vendor's whole answer, per the route's response contract.

        Also used by the streaming path when only the request streams.
        """
        checked = await self._check_response(match, headers, body, record)
        if checked is None:  # no response contract: body passes unchanged (documented)
            out = web.Response(status=status, body=body, headers=CIMultiDict(
                self._default_response_headers(headers, record)))
        else:
            if checked.pending:
                await self._detect(checked, record)
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

    async def _run_shadow(
        self, request: web.Request, match: RouteMatch, record: AuditRecord
    ) -> web.StreamResponse:
        """Forward what the caller sent, unchanged; audit and count what enforcement would do.

        For rolling a contract out: the vendor integration keeps working while the audit
        (``mode: shadow``, ``would_reject``, and the usual kept/dropped/redacted report) and the
        metrics show what the contract would change. Limits still apply (they protect the proxy).
        """
        record.mode = "shadow"
        log.warning("shadow mode: forwarded WITHOUT enforcement",
                    extra={"vendor": record.vendor, "route": record.route})
        body = await self._read_body(request)
        record.bytes_from_client = len(body)
        try:
            checked_upstream_url(match, self._pseudonymizer, record.request)
            outgoing = await self._check_request(match, request, body, record)
            await self._detect(outgoing, record)
        except ProxyError as exc:
            record.would_reject = exc.reason
        # The caller's own message, less what is hop-by-hop; Content-Encoding stays with its body.
        skip = (FRAMING_HEADERS - {"content-encoding"}) | connection_nominated(request.headers)
        headers = {k: v for k, v in request.headers.items() if k.lower() not in skip}
        message = CheckedMessage(headers=headers, query=[])
        self._inject_credentials(match, message)
        prefix = "/" + match.vendor.contract.vendor
        target = self._target_url(match, match.vendor.upstream_base
                                  + request.rel_url.raw_path[len(prefix):])
        if request.rel_url.raw_query_string:
            target += "?" + request.rel_url.raw_query_string
        record.bytes_to_vendor = len(body)
        await self.write_intent(record)
        answer = await self._upstream.send(request.method, target, [], message.headers,
                                           body or None)
        record.vendor_status = answer.status
        record.upstream_ms = answer.elapsed_ms
        record.bytes_from_vendor = len(answer.body)
        if match.route.response is not None:
            try:
                checked = await self._check_response(match, answer.headers, answer.body, record)
                if checked is not None:
                    await self._detect(checked, record)
            except ProxyError as exc:
                record.would_reject_response = exc.reason
        # aiohttp decoded the answer: its Content-Encoding and framing no longer apply.
        out_headers = CIMultiDict(
            (k, v) for k, v in answer.headers.items()
            if k.lower() not in FRAMING_HEADERS | connection_nominated(answer.headers)
        )
        record.outcome = "shadow"
        record.bytes_to_client = len(answer.body)
        return web.Response(status=answer.status, body=answer.body, headers=out_headers)

    def _target_url(self, match: RouteMatch, upstream_url: str) -> str:
        override = self._overrides.get(match.vendor.contract.vendor) or self._overrides.get("*")
        if override is None:
            return upstream_url
        return override.rstrip("/") + upstream_url[len(match.vendor.upstream_base):]

    def _inject_credentials(self, match: RouteMatch, message: CheckedMessage) -> None:
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

    async def _read_body(self, request: web.Request) -> bytes:
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

    async def _check_request(
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
        if content_type in _PLAIN_JSON and "json" in contract.contract.content_types:
            # What find_parsed_codec picks for these (no other codec accepts JSON).
            codec, params = _JSON_CODEC, {}
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

    async def _check_response(
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

    def _default_response_headers(
        self, headers: CIMultiDictProxy[str], record: AuditRecord
    ) -> dict[str, str]:
        record.response = report = MessageReport()
        return filter_headers(headers, DEFAULT_RESPONSE_HEADERS, "", None, report, [],
                              skip=FRAMING_HEADERS)

    async def _detect(self, message: CheckedMessage, record: AuditRecord) -> None:
        if any(p.rule.action in VAULT_ACTIONS for p in message.pending):
            message.pending[:] = await resolve_tokens(self._vault, record.vendor or "",
                                                      message.pending, message.report)
        if not message.pending:
            return
        started = self._clock()
        try:
            vendor = self._router.vendors.get(record.vendor or "")
            options = vendor.contract.detection if vendor is not None else None
            results = await self._detector.detect(detection_requests(
                message.pending, options=options, vendor=record.vendor or ""))
        except DetectionOverloaded as exc:
            raise DetectionUnavailable("the detection engine is overloaded; retry later",
                                       reason=exc.reason) from None
        except DetectionError as exc:
            raise DetectionUnavailable("free text could not be checked; nothing was forwarded",
                                       reason=exc.reason) from None
        apply_redactions(message.pending, results, message.report)
        message.pending.clear()
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
            return self._withheld_response(exc, record)
        return self._error_response(exc, record)

    def error_message(self, exc: ProxyError) -> str:
        """The error text for the caller (a partner handler speaks of "the API")."""
        return exc.message

    def _error_response(self, exc: ProxyError, record: AuditRecord) -> web.Response:
        record.outcome = "rejected"
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

    def _withheld_response(self, exc: ProxyError, record: AuditRecord) -> web.Response:
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

