"""The aiohttp application: one catch-all route to the exchange handler, plus health checks.

``/_/healthz`` answers while the process runs; ``/_/readyz`` answers 200 only when contracts are
loaded, the detection workers are warm, the audit sink takes lines and the proxy is not shutting
down. Vendor names cannot
start with ``_``, so these paths never shadow a vendor.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any

from aiohttp import hdrs, web

from proxy.config.loader import LoadedConfig, uses_action
from proxy.contract.models import Action
from proxy.contract.routing import Router
from proxy.contract.secrets import SecretMissing, read_secret
from proxy.enforce.transforms import Pseudonymizer
from proxy.errors import ConfigError
from proxy.exchange.credentials import CredentialStore
from proxy.exchange.handler import ExchangeHandler, SupportsDetect
from proxy.exchange.upstream import UpstreamClient
from proxy.observe.audit import AuditSink
from proxy.observe.audit_trail import AuditTrail, as_trail
from proxy.observe.metrics import ProxyMetrics
from proxy.policy.runtime import (
    PolicyRuntime,
    gate_for,
    open_policy_runtime,
    placeholders_for,
    vault_for,
)
from proxy.server.protocol import DIRECT_HANDLER_KEY
from proxy.server.reload import LiveHandler

log = logging.getLogger("proxy.server.app")

UPSTREAM_KEY = web.AppKey("upstream_client", UpstreamClient)
LIVE_KEY = web.AppKey("live_handler", LiveHandler)
METRICS_KEY = web.AppKey("metrics", ProxyMetrics)
POLICY_KEY = web.AppKey("policy_runtime", PolicyRuntime)
AUDIT_KEY = web.AppKey("audit_trail", AuditTrail)


def build_pseudonymizer(config: LoadedConfig) -> Pseudonymizer | None:
    """The pseudonymizer if the secret is set; ConfigError if a contract needs it and it is not."""
    source = config.settings.secrets.pseudonymize_key
    try:
        return Pseudonymizer(read_secret(source))
    except SecretMissing as exc:
        if uses_action(config.vendors, Action.PSEUDONYMIZE):
            raise ConfigError([
                f"{config.directory}/proxy.yaml: secrets.pseudonymize_key: {exc}; a contract uses "
                "'pseudonymize', so set it (at least 16 random bytes) before starting"
            ]) from None
        return None
    except ValueError as exc:
        raise ConfigError([f"{config.directory}/proxy.yaml: secrets.pseudonymize_key: {exc}"]) \
            from None


def build_app(
    config: LoadedConfig,
    detector: SupportsDetect,
    audit: AuditSink | AuditTrail,
    upstream_overrides: dict[str, str] | None = None,
    metrics: ProxyMetrics | None = None,
    draining: asyncio.Event | None = None,
) -> web.Application:
    """Build the proxy application; the caller owns the detector's lifecycle.

    Without ``metrics`` the app gets a registry of its own (``app[METRICS_KEY]``). Once
    ``draining`` is set (graceful shutdown; the admin port shares the event), ``/_/readyz``
    answers 503 like the admin port's ``/readyz``.
    """
    pseudonymizer = build_pseudonymizer(config)
    audit = as_trail(audit)  # one trail for every handler a reload builds (its health is shared)
    metrics = metrics if metrics is not None else ProxyMetrics()
    metrics.watch_detector(detector)
    metrics.watch_audit(audit)
    metrics.set_contract_version(config.version)
    upstream = UpstreamClient(config.settings.limits)
    # Stores for subjects, ledger, vault: opened when a contract or the policy admin API needs them.
    policy = open_policy_runtime(config, force=config.settings.policy_admin.enabled)

    def make_handler(loaded: LoadedConfig) -> ExchangeHandler:
        # Called again on every reload; only the configuration changes, the clients stay.
        return ExchangeHandler(
            router=Router(loaded.vendors),
            limits=loaded.settings.limits,
            detector=detector,
            upstream=upstream,
            audit=audit,
            pseudonymizer=pseudonymizer if loaded is config else build_pseudonymizer(loaded),
            contract_version=loaded.version,
            upstream_overrides=upstream_overrides,
            metrics=metrics,
            credentials=CredentialStore.load(loaded.vendors.values()),
            gate=policy.gate if loaded is config else gate_for(policy, loaded),
            vault=policy.vault if loaded is config else vault_for(policy, loaded),
            placeholders=(policy.placeholders if loaded is config
                          else placeholders_for(policy, loaded)),
        )

    handler = make_handler(config)
    live = LiveHandler(handler=handler, config=config, factory=make_handler)
    live.on_swap.append(lambda loaded: metrics.set_contract_version(loaded.version))
    # Bodies are read by the handler with its own limit; aiohttp's limit would answer in text.
    app = web.Application(client_max_size=config.settings.limits.max_body_bytes + 1)
    app[LIVE_KEY] = live
    app[UPSTREAM_KEY] = upstream
    app[METRICS_KEY] = metrics
    app[POLICY_KEY] = policy
    app[AUDIT_KEY] = audit
    _add_routes(app, live, detector, audit, draining)
    return app


def _add_routes(app: web.Application, live: LiveHandler, detector: SupportsDetect,
                audit: AuditTrail, draining: asyncio.Event | None) -> None:
    """Health checks, the upstream client's and the stores' lifecycle, the catch-all exchange
    route, and the direct handler the HTTP protocol calls for exchange paths."""

    async def healthz(_: web.Request) -> web.Response:
        return web.json_response({"status": "alive"})

    async def readyz(_: web.Request) -> web.Response:
        ready = bool(getattr(detector, "ready", True)) and not (
            draining is not None and draining.is_set()) and audit.probe()
        body: dict[str, Any] = {"ready": ready, "contract_version": live.config.version,
                                "vendors": sorted(live.config.vendors)}
        return web.json_response(body, status=200 if ready else 503)

    async def start_upstream(app: web.Application) -> None:
        await app[UPSTREAM_KEY].start()

    async def stop_upstream(app: web.Application) -> None:
        await app[UPSTREAM_KEY].close()

    app.on_startup.append(start_upstream)
    app.on_cleanup.append(stop_upstream)

    async def close_policy_stores(app: web.Application) -> None:
        await app[POLICY_KEY].close()

    app.on_cleanup.append(close_policy_stores)
    app.router.add_get("/_/healthz", healthz)
    app.router.add_get("/_/readyz", readyz)
    app.router.add_route("*", "/{tail:.*}", live.handle)

    def direct(request: web.BaseRequest) -> Awaitable[web.StreamResponse]:
        """What the router would pick, without resolving it: every path outside ``/_/`` goes to
        the catch-all route. The rest goes through the application: health checks, a path the
        route's ``.*`` does not match (a decoded newline, ``%0A``, or no leading slash) and
        ``Expect`` (its handler lives on the route)."""
        path = request.raw_path
        if (path.startswith("/_/") or not path.startswith("/") or "%0" in path
                or hdrs.EXPECT in request.headers):
            return app._handle(request)  # type: ignore[arg-type]
        return live.handler.handle(request)  # type: ignore[arg-type]

    app[DIRECT_HANDLER_KEY] = direct
