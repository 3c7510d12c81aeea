"""One exchange, step by step: route, read, minimize, detect, audit intent, forward, minimize
the answer, audit record.

``ExchangeHandler.handle`` is the aiohttp handler for every path under ``/{vendor}/``. Each step
is a function of its own module; this module only moves the exchange through them and turns a
``ProxyError`` into the documented JSON answer. Nothing reaches the vendor unless every step of
the request side succeeded, the audit intent included (proxy.observe.audit_trail).

Once the vendor has answered, the caller never gets a proxy 5xx: the vendor acted on the request
and a retry would disclose again. A step after that which fails (the answer's content type or
shape, detection on it, detokenizing, anything unforeseen) *withholds* the answer: the caller
gets the vendor's status, the JSON error body with the reason, and ``Proxy-Status`` saying the
answer was withheld (outcome ``withheld`` in the audit record, with ``vendor_status``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from aiohttp import web
from multidict import CIMultiDict
from yarl import URL

from proxy.codecs.content_encoding import check_response_encoding
from proxy.contract.models import Mode
from proxy.contract.routing import RouteMatch, Router
from proxy.contract.settings import LimitSettings
from proxy.enforce.headers import FRAMING_HEADERS, connection_nominated
from proxy.enforce.path_params import checked_upstream_url
from proxy.enforce.report import MessageReport
from proxy.enforce.span_cache import SpanCache
from proxy.enforce.transforms import Pseudonymizer
from proxy.errors import ProxyError
from proxy.exchange.credentials import CredentialStore
from proxy.exchange.llm.exchange import LlmExchange
from proxy.exchange.message import CheckedMessage, SupportsDetect
from proxy.exchange.request_ids import request_id_of
from proxy.exchange.steps import Audience, ExchangeSteps
from proxy.exchange.streaming import StreamingExchange, streams
from proxy.exchange.upstream import UpstreamClient
from proxy.observe.audit import AuditRecord, AuditSink
from proxy.observe.audit_trail import AuditTrail
from proxy.observe.logs import current_request_id
from proxy.observe.metrics import ProxyMetrics
from proxy.policy.gate import PolicyGate
from proxy.policy.placeholder_store import PlaceholderStore
from proxy.policy.vault import Vault

__all__ = ["ExchangeHandler", "SupportsDetect"]

log = logging.getLogger("proxy.exchange.handler")


class _RoutePlan:
    """What an exchange needs to know of its route that is the same for every request.

    Kept per handler, by route: a handler and its router (which holds the routes) live and die
    together, and the plan holds its route, so the id it is filed under stays that route's.
    """

    __slots__ = ("llm", "route", "route_name", "shadow", "streams", "target", "upstream_url",
                 "vendor")

    def __init__(self, steps: ExchangeSteps, match: RouteMatch) -> None:
        route = match.route
        self.route = route
        self.vendor: str = match.vendor.contract.vendor
        self.route_name = route.name
        self.shadow = (route.route.mode or match.vendor.contract.mode) is Mode.SHADOW
        self.streams = streams(route)
        self.llm = route.route.llm is not None
        # Only literal segments: the vendor URL (and the parsed URL the client sends to) once.
        self.upstream_url = ""
        self.target: URL | None = None
        if not route.template.params:
            self.upstream_url = checked_upstream_url(match, None, MessageReport())
            self.target = URL(steps.target_url(match, self.upstream_url), encoded=True)


class ExchangeHandler:
    """Runs exchanges against one loaded configuration: whole bodies here, streamed bodies
    through ``StreamingExchange``; both with the same ``ExchangeSteps``."""

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
        audience: Audience = "vendor",
        partner: str | None = None,
        inbound: bool = False,
        placeholders: PlaceholderStore | None = None,
    ) -> None:
        self.steps = ExchangeSteps(
            router, limits, detector, upstream, audit, pseudonymizer,
            upstream_overrides=upstream_overrides, clock=clock, credentials=credentials,
            gate=gate, vault=vault, audience=audience)
        self._router = router
        self._version = contract_version
        self._clock = clock
        self._metrics = metrics
        # On the partner listener: records name who called our API (``inbound`` even when no
        # partner was identified).
        self.partner = partner
        self._inbound = inbound or partner is not None
        self._plans: dict[int, _RoutePlan] = {}  # by id(route): see _RoutePlan
        self._placeholders = placeholders  # llm routes: the placeholder mappings
        self._span_cache = SpanCache()  # llm routes: spans of history already checked

    async def handle(self, request: web.Request,
                     refusal: ProxyError | None = None) -> web.StreamResponse:
        """The aiohttp handler: always answers, always writes one audit record (and an intent
        before anything is sent). With ``refusal`` the request goes no further than its answer
        and record (the partner listener's unknown caller)."""
        started = self._clock()
        request_id = request_id_of(request)
        record = AuditRecord(request_id=request_id, method=request.method,
                             contract_version=self._version, partner=self.partner,
                             inbound=self._inbound)
        id_token = current_request_id.set(request_id)
        steps = self.steps
        try:
            if refusal is not None:
                raise refusal
            response = await self._run(request, record)
        except ProxyError as exc:
            response = steps.failure_answer(exc, record)
        except Exception:  # fail closed on anything unforeseen, without details
            log.exception("unexpected error in exchange", extra={"request_id": request_id})
            response = steps.failure_answer(ProxyError("internal error"), record)
        response.headers["X-Request-Id"] = request_id
        record.status = response.status
        record.duration_ms = (self._clock() - started) * 1000
        await steps.audit.complete(record)  # never raises: a failure turns readiness false
        if self._metrics is not None:
            self._metrics.observe_exchange(record)
        current_request_id.reset(id_token)
        return response

    def _plan(self, match: RouteMatch) -> _RoutePlan:
        plan = self._plans.get(id(match.route))
        if plan is None:
            plan = _RoutePlan(self.steps, match)
            self._plans[id(match.route)] = plan
        return plan

    async def _run(self, request: web.Request, record: AuditRecord) -> web.StreamResponse:
        steps = self.steps
        match = self._router.match(request.method, request.rel_url.raw_path)
        plan = self._plan(match)
        record.vendor = plan.vendor
        record.route = plan.route_name
        if plan.shadow:
            return await self._run_shadow(request, match, record)
        if plan.target is None:
            upstream_url = checked_upstream_url(match, steps.pseudonymizer, record.request)
            target: str | URL = steps.target_url(match, upstream_url)
        else:  # no path parameters: the same URL for every request
            upstream_url, target = plan.upstream_url, plan.target
        if plan.llm:  # a model API: placeholders in, restored answers out (exchange.llm)
            return await LlmExchange(steps, match, str(target), record, self._placeholders,
                                     self._span_cache).run(request)
        if plan.streams:  # records pass as they arrive: proxy.exchange.streaming runs it
            return await StreamingExchange(steps, match, upstream_url, record).run(request)
        body = await steps.read_body(request)
        record.bytes_from_client = len(body)

        outgoing = await steps.check_request(match, request, body, record)
        if outgoing.pending:  # free text to check (or tokens to resolve)
            await steps.detect(outgoing, record)
        steps.inject_credentials(match, outgoing)  # after detection: secrets never reach it
        encoded = outgoing.encoded_body()
        headers = steps.upstream_headers(outgoing, record)
        out_body = None
        if encoded is not None:
            out_body, headers["Content-Type"] = encoded
        record.bytes_to_vendor = len(out_body or b"")

        await steps.write_intent(record)  # no record, no disclosure
        await steps.record_disclosures(match, outgoing, record)
        answer = await steps.upstream.send(request.method, target, outgoing.query, headers,
                                           out_body)
        record.vendor_status = answer.status
        record.upstream_ms = answer.elapsed_ms
        record.bytes_from_vendor = len(answer.body)
        check_response_encoding(answer.headers.getall("Content-Encoding", []))

        return await steps.whole_answer(match, answer.status, answer.headers, answer.body, record)

    async def _run_shadow(
        self, request: web.Request, match: RouteMatch, record: AuditRecord
    ) -> web.StreamResponse:
        """Forward what the caller sent, unchanged; audit and count what enforcement would do.

        For rolling a contract out: the vendor integration keeps working while the audit
        (``mode: shadow``, ``would_reject``, and the usual kept/dropped/redacted report) and the
        metrics show what the contract would change. Limits still apply (they protect the proxy).
        """
        steps = self.steps
        record.mode = "shadow"
        log.warning("shadow mode: forwarded WITHOUT enforcement",
                    extra={"vendor": record.vendor, "route": record.route})
        body = await steps.read_body(request)
        record.bytes_from_client = len(body)
        try:
            checked_upstream_url(match, steps.pseudonymizer, record.request)
            outgoing = await steps.check_request(match, request, body, record)
            await steps.detect(outgoing, record)
        except ProxyError as exc:
            record.would_reject = exc.reason
        # The caller's own message, less what is hop-by-hop; Content-Encoding stays with its body.
        skip = (FRAMING_HEADERS - {"content-encoding"}) | connection_nominated(request.headers)
        headers = {k: v for k, v in request.headers.items() if k.lower() not in skip}
        message = CheckedMessage(headers=headers, query=[])
        steps.inject_credentials(match, message)
        prefix = "/" + match.vendor.contract.vendor
        target = steps.target_url(match, match.vendor.upstream_base
                                  + request.rel_url.raw_path[len(prefix):])
        if request.rel_url.raw_query_string:
            target += "?" + request.rel_url.raw_query_string
        record.bytes_to_vendor = len(body)
        await steps.write_intent(record)
        answer = await steps.upstream.send(request.method, target, [], message.headers,
                                           body or None)
        record.vendor_status = answer.status
        record.upstream_ms = answer.elapsed_ms
        record.bytes_from_vendor = len(answer.body)
        if match.route.response is not None:
            try:
                checked = await steps.check_response(match, answer.headers, answer.body, record)
                if checked is not None:
                    await steps.detect(checked, record)
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
