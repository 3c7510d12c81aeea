"""The aiohttp application: one catch-all route to the exchange handler, plus health checks.

``/_/healthz`` answers while the process runs; ``/_/readyz`` answers 200 only when contracts are
loaded and the detection workers are warm. Vendor names cannot start with ``_``, so these paths
never shadow a vendor.
"""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web

from proxy.audit import AuditSink
from proxy.contract import Action
from proxy.contract_loader import LoadedConfig, uses_action
from proxy.errors import ConfigError
from proxy.exchange import ExchangeHandler, SupportsDetect
from proxy.routing import Router
from proxy.secrets import SecretMissing, read_secret
from proxy.transforms import Pseudonymizer
from proxy.upstream import UpstreamClient

log = logging.getLogger("proxy.server")

HANDLER_KEY = web.AppKey("exchange_handler", ExchangeHandler)
UPSTREAM_KEY = web.AppKey("upstream_client", UpstreamClient)


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
    audit: AuditSink,
    upstream_overrides: dict[str, str] | None = None,
) -> web.Application:
    """Build the proxy application; the caller owns the detector's lifecycle."""
    pseudonymizer = build_pseudonymizer(config)
    upstream = UpstreamClient(config.settings.limits)
    handler = ExchangeHandler(
        router=Router(config.vendors),
        limits=config.settings.limits,
        detector=detector,
        upstream=upstream,
        audit=audit,
        pseudonymizer=pseudonymizer,
        contract_version=config.version,
        upstream_overrides=upstream_overrides,
    )
    # Bodies are read by the handler with its own limit; aiohttp's limit would answer in text.
    app = web.Application(client_max_size=config.settings.limits.max_body_bytes + 1)
    app[HANDLER_KEY] = handler
    app[UPSTREAM_KEY] = upstream

    async def healthz(_: web.Request) -> web.Response:
        return web.json_response({"status": "alive"})

    async def readyz(_: web.Request) -> web.Response:
        ready = bool(getattr(detector, "ready", True))
        body: dict[str, Any] = {"ready": ready, "contract_version": config.version,
                                "vendors": sorted(config.vendors)}
        return web.json_response(body, status=200 if ready else 503)

    async def start_upstream(app: web.Application) -> None:
        await app[UPSTREAM_KEY].start()

    async def stop_upstream(app: web.Application) -> None:
        await app[UPSTREAM_KEY].close()

    app.on_startup.append(start_upstream)
    app.on_cleanup.append(stop_upstream)
    app.router.add_get("/_/healthz", healthz)
    app.router.add_get("/_/readyz", readyz)
    app.router.add_route("*", "/{tail:.*}", handler.handle)
    return app
