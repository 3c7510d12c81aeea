"""The admin app, on its own port: ``/metrics``, ``/healthz``, ``/readyz``.

Kept apart from the proxy port so that probes and scrapes never share a listener (or a route
namespace) with vendor traffic, and so the admin port can listen on the pod IP while the proxy
port stays on 127.0.0.1.

- ``/healthz``: 200 while the process runs (liveness).
- ``/readyz``: 200 only when contracts are loaded, every detection worker is warm, the audit
  sink takes lines (proxy.observe.audit_trail; while it does not, each probe tries one line) and the
  proxy is not draining; otherwise 503. The body names each check, never a value.
- ``/metrics``: the Prometheus text format of the proxy's own registry.
- ``/datamap`` (and ``.csv``, ``.json``): the records of processing next to live evidence,
  behind the admin token (proxy.server.datamap_page).

``AdminState`` is the shared, mutable view the app reads: whoever reloads contracts replaces
``config``; whoever shuts down sets ``draining`` (an ``asyncio.Event``) so readiness turns false
at once and endpoints stop sending traffic while in-flight exchanges finish.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from proxy.config.loader import LoadedConfig
from proxy.observe.audit_trail import AuditTrail
from proxy.observe.metrics import CONTENT_TYPE, ProxyMetrics
from proxy.server.datamap_page import add_datamap_routes


@dataclass
class AdminState:
    """What the admin endpoints report on."""

    metrics: ProxyMetrics
    detector: object  # anything with a ``ready`` attribute (DetectionPool); absent means ready
    config: LoadedConfig | None = None
    audit: AuditTrail | None = None
    draining: asyncio.Event = field(default_factory=asyncio.Event)
    token: bytes | None = None  # admin.token: guards the data map (none: the map answers 403)

    def start_draining(self) -> None:
        """Readiness false from now on (graceful shutdown)."""
        self.draining.set()

    def checks(self) -> dict[str, bool]:
        return {
            "contracts_loaded": self.config is not None and bool(self.config.vendors),
            "workers_warm": bool(getattr(self.detector, "ready", True)),
            "audit_writable": self.audit is None or self.audit.probe(),
            "not_draining": not self.draining.is_set(),
        }


ADMIN_STATE_KEY = web.AppKey("admin_state", AdminState)


def build_admin_app(state: AdminState) -> web.Application:
    """The admin application; serve it with its own runner and site."""
    app = web.Application(client_max_size=1024)
    app[ADMIN_STATE_KEY] = state

    async def healthz(_: web.Request) -> web.Response:
        return web.json_response({"status": "alive"})

    async def readyz(_: web.Request) -> web.Response:
        checks = state.checks()
        ready = all(checks.values())
        body: dict[str, Any] = {"ready": ready, "checks": checks}
        if state.config is not None:
            body["contract_version"] = state.config.version
            body["vendors"] = sorted(state.config.vendors)
        return web.json_response(body, status=200 if ready else 503)

    async def metrics(_: web.Request) -> web.Response:
        payload = await asyncio.to_thread(state.metrics.render)
        response = web.Response(body=payload)
        response.headers["Content-Type"] = CONTENT_TYPE
        return response

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)
    add_datamap_routes(app, lambda: state.config, state.metrics.evidence.snapshot, state.token)
    return app
