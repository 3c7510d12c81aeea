"""Partners pulling data: the same engine in front of one of OUR APIs, called by a partner.

Here the answer is what leaves the company, so the partner's contract governs the response with
default deny (a route without a ``response`` section passes no body at all), and the request is
checked against what the partner may ask for (default deny too: unlisted query parameters,
headers and body fields never reach our API).

A partner contract is ``config/partners/NAME.yaml``::

    partner: analytics_partner
    upstream: http://orders-api.internal:8000      # OUR API
    purposes: [analytics]
    identity:
      api_keys: [{env: PARTNER_ANALYTICS_KEY}]     # and/or
      client_cert_names: [analytics.partner.example]
    routes: [...]                                   # the Route model of vendor contracts

The partner listener (``partners:`` in proxy.yaml) authenticates every request first (API key
compared in constant time with every partner's keys, or the subject CN of the verified client
certificate), then routes by method and path among THAT partner's routes only (no ``/{name}/``
prefix: partners call our API's own paths). The API key header never reaches our API, never
appears in audit records or logs. Each partner is compiled into a ``CompiledVendor`` (name =
partner) and served by its own ``ExchangeHandler``; audit records carry ``"partner": NAME``
(``vendor`` holds the same name, so metrics and error bodies work unchanged).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from proxy.config.partners import CompiledPartner, PartnerContract, read_api_keys
from proxy.contract.models import Action
from proxy.contract.routing import (
    Router,
)
from proxy.contract.settings import PartnerSettings
from proxy.enforce.transforms import Pseudonymizer
from proxy.errors import ConfigError, UnknownPartner
from proxy.exchange.handler import ExchangeHandler, SupportsDetect
from proxy.exchange.upstream import UpstreamClient
from proxy.observe.audit import AuditSink
from proxy.observe.audit_trail import AuditTrail, as_trail
from proxy.observe.metrics import ProxyMetrics

__all__ = ["CompiledPartner", "PartnerContract", "PartnerIdentities", "build_partner_app",
           "read_api_keys", "server_ssl_context"]

log = logging.getLogger("proxy.exchange.partner")

# The handler of callers no key or certificate identifies (partner names are not empty).
_NOBODY = ""


# --- identity --------------------------------------------------------------------------------

def peer_common_names(peercert: dict[str, Any] | None) -> list[str]:
    """The subject CN values of a certificate as ``ssl.SSLSocket.getpeercert()`` returns it."""
    if not peercert:
        return []
    names = []
    for rdn in peercert.get("subject", ()):
        for key, value in rdn:
            if key == "commonName":
                names.append(value)
    return names


def partner_for_cert(peercert: dict[str, Any] | None,
                     by_name: dict[str, str]) -> str | None:
    """The partner whose ``client_cert_names`` holds the certificate's single subject CN.

    A certificate with no CN or several CNs matches nobody (ambiguous); names compare exactly.
    """
    names = peer_common_names(peercert)
    if len(names) != 1:
        return None
    return by_name.get(names[0])


class PartnerIdentities:
    """Resolves a request to a partner name, or None."""

    def __init__(self, keys: list[tuple[bytes, str]], partners: dict[str, CompiledPartner],
                 header: str) -> None:
        # Keys are compared as SHA-256 digests: equal lengths, and compare_digest on every key.
        self._keys = [(hashlib.sha256(k).digest(), n) for k, n in keys]
        self._header = header
        self._by_cn = {cn: name for name, p in partners.items()
                       for cn in p.contract.identity.client_cert_names}

    def by_api_key(self, presented: str | None) -> str | None:
        if not presented:
            return None
        digest = hashlib.sha256(presented.strip().encode("utf-8", "surrogateescape")).digest()
        found: str | None = None
        for key, name in self._keys:  # no early exit: the time does not depend on which matched
            if hmac.compare_digest(key, digest):
                found = name
        return found

    def identify(self, request: web.Request) -> str | None:
        values = request.headers.getall(self._header, [])
        from_key = self.by_api_key(values[0]) if len(values) == 1 else None
        peercert = None
        if request.transport is not None:
            peercert = request.transport.get_extra_info("peercert")
        from_cert = partner_for_cert(peercert, self._by_cn)
        if from_key and from_cert and from_key != from_cert:
            return None  # two identities disagree: trust neither
        return from_key or from_cert


# --- routing and the exchange ----------------------------------------------------------------

@dataclass
class PartnerApp:
    """What ``build_partner_app`` built, for tests and the CLI.

    ``reload(partners, version)`` puts another set of partner contracts in force (hot reload);
    an exchange keeps the identities and handler it started with.
    """

    app: web.Application
    handlers: dict[str, ExchangeHandler] = field(default_factory=dict)
    reload: Callable[[dict[str, CompiledPartner], str], None] | None = None


def build_partner_app(
    partners: dict[str, CompiledPartner],
    settings: PartnerSettings,
    limits: Any,
    detector: SupportsDetect,
    upstream: UpstreamClient,
    audit: AuditSink | AuditTrail,
    pseudonymizer: Pseudonymizer | None,
    contract_version: str,
    metrics: ProxyMetrics | None = None,
    upstream_overrides: dict[str, str] | None = None,
    own_upstream: bool = False,
) -> PartnerApp:
    """The partner listener's app; reads the API keys (ConfigError naming a missing one).

    ``upstream``, ``detector``, ``audit`` and ``metrics`` are shared with the main app; with
    ``own_upstream`` the app starts and closes the client itself.
    """
    from proxy.config.loader import uses_action

    keys = read_api_keys(partners)
    vendors = {name: p.vendor for name, p in partners.items()}
    if pseudonymizer is None and uses_action(vendors, Action.PSEUDONYMIZE):
        raise ConfigError([("a partner contract uses 'pseudonymize'; set the proxy's "
                            "secrets.pseudonymize_key before starting")])
    # One trail (and one health) for every partner handler.
    shared = {"limits": limits, "detector": detector, "upstream": upstream,
              "audit": as_trail(audit), "pseudonymizer": pseudonymizer, "metrics": metrics,
              "audience": "api"}

    def build(found: dict[str, CompiledPartner], version: str,
              api_keys: Any) -> tuple[PartnerIdentities, dict[str, ExchangeHandler]]:
        return (PartnerIdentities(api_keys, found, settings.api_key_header),
                _partner_handlers(found, version, upstream_overrides, shared))

    # Swapped whole on reload; each request reads it once.
    state = {"current": build(partners, contract_version, keys)}

    def reload(found: dict[str, CompiledPartner], version: str) -> None:
        state["current"] = build(found, version, read_api_keys(found))
        built.handlers.clear()
        built.handlers.update(state["current"][1])

    async def handle(request: web.Request) -> web.StreamResponse:
        identities, handlers = state["current"]
        partner = identities.identify(request)
        if partner is not None:
            return await handlers[partner].handle(request)
        # Nothing is forwarded; the record names no key (neither value nor which was tried).
        log.warning("partner request refused: unknown_partner")
        response = await handlers[_NOBODY].handle(
            request, refusal=UnknownPartner("unknown or missing partner credentials"))
        response.headers["WWW-Authenticate"] = f'ApiKey header="{settings.api_key_header}"'
        return response

    app = _web_app(handle, limits.max_body_bytes, upstream if own_upstream else None)
    built = PartnerApp(app=app, handlers=dict(state["current"][1]), reload=reload)
    return built


def _partner_handlers(found: dict[str, CompiledPartner], version: str,
                      upstream_overrides: dict[str, str] | None,
                      shared: dict[str, Any]) -> dict[str, ExchangeHandler]:
    """One handler per partner, and one for callers nobody identifies: the same answer, audit
    and metrics path, with no route."""
    handlers = {
        name: ExchangeHandler(partner=name, router=Router({name: p.vendor}, prefixed=False),
                              contract_version=version, upstream_overrides=upstream_overrides,
                              **shared)
        for name, p in found.items()
    }
    handlers[_NOBODY] = ExchangeHandler(router=Router({}), contract_version=version,
                                        inbound=True, **shared)
    return handlers


def _web_app(handle: Callable[[web.Request], Awaitable[web.StreamResponse]], max_body: int,
             own_upstream: UpstreamClient | None) -> web.Application:
    """The aiohttp app around ``handle``; it starts and closes ``own_upstream`` when given."""
    app = web.Application(client_max_size=max_body + 1)
    if own_upstream is not None:
        client = own_upstream

        async def start(_: web.Application) -> None:
            await client.start()

        async def stop(_: web.Application) -> None:
            await client.close()

        app.on_startup.append(start)
        app.on_cleanup.append(stop)
    app.router.add_route("*", "/{tail:.*}", handle)
    return app


def server_ssl_context(settings: PartnerSettings) -> ssl.SSLContext | None:
    """TLS for the partner listener; with ``client_ca_file``, a client certificate is required."""
    tls = settings.tls
    if tls is None:
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(tls.cert_file, tls.key_file)
    if tls.client_ca_file is not None:
        context.load_verify_locations(tls.client_ca_file)
        context.verify_mode = ssl.CERT_REQUIRED
    return context
