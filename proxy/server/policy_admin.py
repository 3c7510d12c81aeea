"""The policy admin API: record opt-outs and erasure requests, answer disclosure questions.

Its own listener (``policy_admin`` in proxy.yaml, off by default), never the proxy's port, and
every call needs ``Authorization: Bearer <token>`` (``policy_admin.token``, from the environment
or a file; compared in constant time). Subject ids travel in JSON bodies, never in URLs, so they
stay out of access logs; answers and logs carry no subject id.

    POST /v1/opt-outs           {"subject": ID, "purpose": P}   204; 400 if P allows no opt-out
    DELETE /v1/opt-outs         {"subject": ID, "purpose": P}   204 (opt back in)
    POST /v1/erasures           {"subject": ID}                 204
    POST /v1/consent/query      {"subject": ID}                 200 {"opted_out": [...], "erased": b}
    POST /v1/disclosures/query  {"subject": ID}                 200 {"disclosures": [...]}

The stores are the proxy's own (``PolicyRuntime``): with the Redis backend, a change made through
any replica applies to the next exchange on every replica.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from aiohttp import web

from proxy.errors import error_body
from proxy.policy.runtime import PolicyRuntime
from proxy.policy.stores import StoreUnavailable

log = logging.getLogger("proxy.server.policy_admin")

RUNTIME_KEY = web.AppKey("policy_runtime", PolicyRuntime)
TOKEN_KEY = web.AppKey("policy_admin_token", bytes)
_MAX_BODY = 16 * 1024


def _error(status: int, reason: str, message: str) -> web.Response:
    return web.Response(body=error_body(message, reason), status=status,
                        content_type="application/json")


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def _authenticate(request: web.Request, handler: Handler) -> web.StreamResponse:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
            token.strip().encode(), request.app[TOKEN_KEY]):
        return _error(401, "unauthorized", "a valid bearer token is required")
    try:
        return await handler(request)
    except StoreUnavailable:
        return _error(503, "policy_store_unavailable", "the policy store cannot be used")


async def _subject_request(request: web.Request, with_purpose: bool) -> tuple[str, str | None]:
    body = await request.content.read(_MAX_BODY + 1)
    if len(body) > _MAX_BODY:
        raise web.HTTPRequestEntityTooLarge(max_size=_MAX_BODY, actual_size=len(body))
    try:
        data: Any = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise _bad("invalid_json", "the body must be a JSON object") from None
    if not isinstance(data, dict) or set(data) - {"subject", "purpose"}:
        raise _bad("bad_request", "give 'subject' (and 'purpose' where needed) only")
    subject = data.get("subject")
    if isinstance(subject, int) and not isinstance(subject, bool):
        subject = str(subject)
    if not isinstance(subject, str) or not subject.strip():
        raise _bad("bad_subject", "'subject' must be a non-empty string")
    purpose = data.get("purpose")
    if with_purpose and not isinstance(purpose, str):
        raise _bad("bad_purpose", "'purpose' must name a purpose of the policy")
    return subject.strip(), purpose if with_purpose else None


def _bad(reason: str, message: str) -> web.HTTPBadRequest:
    return web.HTTPBadRequest(body=error_body(message, reason), content_type="application/json")


def _runtime(request: web.Request) -> PolicyRuntime:
    return request.app[RUNTIME_KEY]


async def _opt(request: web.Request, opt_out: bool) -> web.Response:
    runtime = _runtime(request)
    subject, purpose = await _subject_request(request, with_purpose=True)
    assert runtime.policy is not None and runtime.consent is not None and runtime.keys
    found = runtime.policy.purpose(purpose or "")
    if found is None:
        return _error(400, "unknown_purpose", "no such purpose in the privacy policy")
    if not found.opt_out:
        return _error(400, "purpose_not_opt_out", "the privacy policy allows no opt-out of this "
                      "purpose")
    key = runtime.keys.key(subject)
    if opt_out:
        await runtime.consent.opt_out(key, found.id)
    else:
        await runtime.consent.opt_in(key, found.id)
    log.info("opt-out recorded" if opt_out else "opt-out withdrawn",
             extra={"subject_key": key[:12], "purpose": found.id})
    return web.Response(status=204)


async def opt_out(request: web.Request) -> web.Response:
    return await _opt(request, opt_out=True)


async def opt_in(request: web.Request) -> web.Response:
    return await _opt(request, opt_out=False)


async def erase(request: web.Request) -> web.Response:
    runtime = _runtime(request)
    subject, _ = await _subject_request(request, with_purpose=False)
    assert runtime.consent is not None and runtime.keys is not None
    key = runtime.keys.key(subject)
    await runtime.consent.erase(key)
    if runtime.placeholders is not None:  # the subject's placeholder mappings go too
        await runtime.placeholders.erase_subject(key)
    log.info("erasure recorded", extra={"subject_key": key[:12]})
    return web.Response(status=204)


async def consent_query(request: web.Request) -> web.Response:
    runtime = _runtime(request)
    subject, _ = await _subject_request(request, with_purpose=False)
    assert runtime.consent is not None and runtime.keys is not None
    key = runtime.keys.key(subject)
    state = (await runtime.consent.states([key]))[key]
    return web.json_response({"opted_out": sorted(state.opted_out), "erased": state.erased})


async def disclosures_query(request: web.Request) -> web.Response:
    runtime = _runtime(request)
    subject, _ = await _subject_request(request, with_purpose=False)
    assert runtime.ledger is not None and runtime.keys is not None
    entries = await runtime.ledger.for_subject(runtime.keys.key(subject))
    return web.json_response({"disclosures": [
        {k: v for k, v in e.to_dict().items() if k != "subject"} for e in entries]})


def build_policy_admin_app(runtime: PolicyRuntime, token: bytes) -> web.Application:
    """The admin app; ``runtime`` must have been opened with ``force=True`` (or hold a gate)."""
    if runtime.consent is None or runtime.ledger is None or runtime.keys is None:
        raise ValueError("the policy admin API needs a policy file and its stores")
    if len(token) < 16:
        raise ValueError("the policy admin token must be at least 16 bytes")
    app = web.Application(middlewares=[_authenticate], client_max_size=_MAX_BODY)
    app[RUNTIME_KEY] = runtime
    app[TOKEN_KEY] = token
    app.router.add_post("/v1/opt-outs", opt_out)
    app.router.add_delete("/v1/opt-outs", opt_in)
    app.router.add_post("/v1/erasures", erase)
    app.router.add_post("/v1/consent/query", consent_query)
    app.router.add_post("/v1/disclosures/query", disclosures_query)
    return app
