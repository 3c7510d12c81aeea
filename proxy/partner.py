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
import re
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, field_validator

from proxy.audit import AuditSink
from proxy.audit_trail import AuditTrail, as_trail
from proxy.contract import Action, MessageContract, Route, VendorContract
from proxy.errors import BadRequest, ConfigError, NotFound, UnknownPartner
from proxy.exchange import ExchangeHandler, SupportsDetect
from proxy.metrics import ProxyMetrics
from proxy.routing import (
    _PCHAR_SAFE,
    CompiledRoute,
    CompiledVendor,
    RouteMatch,
    Router,
    split_path,
)
from proxy.secrets import SecretMissing, read_secret
from proxy.settings import PartnerSettings, SecretSource
from proxy.transforms import Pseudonymizer
from proxy.upstream import UpstreamClient

log = logging.getLogger("proxy.partner")

_PARTNER_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,62}")
_NOBODY = ""  # the handler of callers no key or certificate identifies (partner names are not empty)
_MIN_KEY_BYTES = 16


class PartnerIdentity(BaseModel):
    """How a partner proves who it is: API keys and/or mTLS client certificate names (CN)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    api_keys: tuple[SecretSource, ...] = ()
    client_cert_names: tuple[str, ...] = ()

    @field_validator("client_cert_names")
    @classmethod
    def _names(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for name in value:
            if not name or name != name.strip() or any(ord(c) < 0x20 for c in name):
                raise ValueError(f"'{name}' is not a certificate subject CN")
        return value


class PartnerContract(BaseModel):
    """One partner: which of our APIs it calls, how it is identified, what it may receive."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    partner: str
    description: str | None = None
    upstream: str  # OUR API's base URL
    purposes: tuple[str, ...] = ()
    identity: PartnerIdentity
    routes: tuple[Route, ...] = Field(min_length=1)

    @field_validator("partner")
    @classmethod
    def _partner_name(cls, value: str) -> str:
        if not _PARTNER_NAME.fullmatch(value):
            raise ValueError("partner names are lowercase letters, digits, '-' and '_'")
        return value

    def as_vendor(self) -> VendorContract:
        """The vendor-shaped contract the exchange engine runs; responses are default deny."""
        routes = tuple(
            r if r.response is not None else r.model_copy(update={"response": MessageContract()})
            for r in self.routes
        )
        return VendorContract(vendor=self.partner, description=self.description,
                              upstream=self.upstream, purposes=self.purposes, routes=routes)


@dataclass(frozen=True)
class CompiledPartner:
    """A checked partner contract and the vendor-shaped form the exchange engine runs."""

    contract: PartnerContract
    vendor: CompiledVendor
    source: Path


# --- loading ---------------------------------------------------------------------------------

def load_partners(root: Path, settings: Any, policy: Any, policy_path: Path,
                  vendor_names: set[str], problems: list[str], warnings: list[str],
                  digest: Any) -> dict[str, CompiledPartner]:
    """Read ``root/partners/*.yaml``; append located problems and warnings (no secrets read)."""
    from proxy.contract_loader import _validate, compile_vendor, read_yaml  # circular at import
    from proxy.policy import check_contract

    directory = root / "partners"
    if not directory.is_dir():
        return {}
    header = settings.partners.api_key_header.lower()
    files = sorted(directory.glob("*.yaml")) + sorted(directory.glob("*.yml"))
    partners: dict[str, CompiledPartner] = {}
    for path in files:
        digest.update(b"partner\0" + path.name.encode() + b"\0" + path.read_bytes())
        try:
            data = read_yaml(path)
        except ConfigError as exc:
            problems.extend(exc.problems)
            continue
        if not isinstance(data, dict):
            problems.append(f"{path}: a partner contract is a mapping with partner, upstream, "
                            "identity and routes")
            continue
        name = data.get("partner")
        prefix = f"{path}: partner '{name}'" if isinstance(name, str) else f"{path}"
        contract = _validate(PartnerContract, data, prefix, problems)
        if contract is None:
            continue
        if contract.partner in partners:
            problems.append(f"{prefix}: partner name already used by "
                            f"{partners[contract.partner].source}; each partner has one file")
            continue
        if contract.partner in vendor_names:
            problems.append(f"{prefix}: partner: a vendor is named '{contract.partner}' too; "
                            "audit records and metrics would mix them, choose another name")
            continue
        if not contract.identity.api_keys and not contract.identity.client_cert_names:
            problems.append(f"{prefix}: identity: give api_keys and/or client_cert_names; a "
                            "partner nobody can authenticate as cannot call anything")
        for index, route in enumerate(contract.routes):
            where = f"{prefix}: routes[{index}]"
            if header in route.request.headers:
                problems.append(f"{where}.request.headers.{header}: this is the partner's own "
                                "API key header (partners.api_key_header); it never reaches our "
                                "API, remove it")
            if route.mode is not None and route.mode.value == "shadow":
                problems.append(f"{where}.mode: shadow mode would pass our answer unchecked; "
                                "it is not available for partners")
            if route.subject is not None:
                problems.append(f"{where}.subject: subject checks are not available for "
                                "partner routes yet; remove the section")
            if route.request.stream is not None or (route.response is not None
                                                    and route.response.stream is not None):
                problems.append(f"{where}: streamed routes are not available for partners yet")
            for message in (route.request, route.response):
                for mapping in (message.headers, message.query, message.body or {},
                                message.cookies) if message is not None else ():
                    if any(r.action in (Action.TOKENIZE, Action.DETOKENIZE)
                           for r in mapping.values()):
                        problems.append(f"{where}: tokenize / detokenize are not available "
                                        "for partners")
            if route.response is None:
                warnings.append(f"{where} ({route.method} {route.path}): no response section, "
                                "so no body reaches the partner (default deny); list the fields "
                                "it may receive")
        as_vendor = contract.as_vendor()
        compiled = compile_vendor(path, as_vendor, problems)
        check_contract(prefix, as_vendor, policy, str(policy_path), problems)
        partners[contract.partner] = CompiledPartner(contract=contract, vendor=compiled,
                                                     source=path)
    return partners


def read_api_keys(partners: dict[str, CompiledPartner]) -> list[tuple[bytes, str]]:
    """Every partner's API keys as (key, partner); ConfigError naming each missing secret."""
    problems: list[str] = []
    keys: list[tuple[bytes, str]] = []
    for name, partner in sorted(partners.items()):
        for index, source in enumerate(partner.contract.identity.api_keys):
            where = f"{partner.source}: partner '{name}': identity.api_keys[{index}]"
            try:
                key = read_secret(source).strip()
            except SecretMissing as exc:
                problems.append(f"{where}: {exc}; set it before starting")
                continue
            if len(key) < _MIN_KEY_BYTES:
                problems.append(f"{where}: the key is shorter than {_MIN_KEY_BYTES} bytes")
                continue
            keys.append((key, name))
    seen: dict[bytes, str] = {}
    for key, name in keys:
        if key in seen and seen[key] != name:
            problems.append(f"partners '{seen[key]}' and '{name}' share an API key; give each "
                            "partner its own")
        seen.setdefault(key, name)
    if problems:
        raise ConfigError(problems)
    return keys


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

class PartnerRouter(Router):
    """Matches our API's own paths (no name prefix) among one partner's routes."""

    def __init__(self, partner: CompiledVendor) -> None:
        super().__init__({partner.contract.vendor: partner})
        self._partner = partner

    def match(self, method: str, raw_path: str) -> RouteMatch:
        try:
            segments = split_path(raw_path)
        except UnicodeDecodeError:
            raise BadRequest("the request path is not valid UTF-8", reason="bad_path") from None
        from urllib.parse import quote

        best: tuple[tuple[int, ...], CompiledRoute, dict[str, str]] | None = None
        for route in self._partner.routes:
            if route.route.method != method:
                continue
            params = route.template.match(segments)
            if params is None:
                continue
            rank = route.template.literal_rank
            if best is None or rank > best[0]:
                best = (rank, route, params)
        name = self._partner.contract.vendor
        if best is None:
            raise NotFound("your contract does not list this route", reason="unknown_route",
                           vendor=name)
        _, route, params = best
        path = "/" + "/".join(quote(s, safe=_PCHAR_SAFE) for s in segments) if segments else ""
        return RouteMatch(vendor=self._partner, route=route, params=params,
                          upstream_url=self._partner.upstream_base + path)


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
    from proxy.contract_loader import uses_action

    audit = as_trail(audit)  # one trail (and one health) for every partner handler
    keys = read_api_keys(partners)
    vendors = {name: p.vendor for name, p in partners.items()}
    if pseudonymizer is None and uses_action(vendors, Action.PSEUDONYMIZE):
        raise ConfigError([("a partner contract uses 'pseudonymize'; set the proxy's "
                            "secrets.pseudonymize_key before starting")])
    def build(found: dict[str, CompiledPartner], version: str,
              api_keys: Any) -> tuple[PartnerIdentities, dict[str, ExchangeHandler]]:
        built_handlers = {
            name: ExchangeHandler(
                partner=name, router=PartnerRouter(p.vendor), limits=limits, detector=detector,
                upstream=upstream, audit=audit, pseudonymizer=pseudonymizer,
                contract_version=version, upstream_overrides=upstream_overrides,
                metrics=metrics, audience="api",
            )
            for name, p in found.items()
        }
        # An unidentified caller: the same answer, audit and metrics path, with no route.
        built_handlers[_NOBODY] = ExchangeHandler(
            router=Router({}), limits=limits, detector=detector, upstream=upstream, audit=audit,
            pseudonymizer=pseudonymizer, contract_version=version, metrics=metrics,
            audience="api", inbound=True)
        return PartnerIdentities(api_keys, found, settings.api_key_header), built_handlers

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

    app = web.Application(client_max_size=limits.max_body_bytes + 1)
    if own_upstream:
        async def start(_: web.Application) -> None:
            await upstream.start()

        async def stop(_: web.Application) -> None:
            await upstream.close()

        app.on_startup.append(start)
        app.on_cleanup.append(stop)
    app.router.add_route("*", "/{tail:.*}", handle)
    built = PartnerApp(app=app, handlers=dict(state["current"][1]), reload=reload)
    return built


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
