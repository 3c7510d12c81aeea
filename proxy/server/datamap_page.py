"""The data map on the admin listener: ``/datamap``, ``/datamap.csv``, ``/datamap.json``.

Read-only and behind the admin token (``admin.token`` in proxy.yaml): a client sends
``Authorization: Bearer <token>``, or a browser posts the token once to ``/datamap/login`` and
gets an ``HttpOnly``, ``SameSite=Strict`` cookie holding an HMAC of it (never the token). Without
a configured token the data map answers 403. It is never on the proxy's own port.

The page is the records of processing built from the loaded configuration
(``proxy.config.datamap``) next to the live evidence of this process
(``proxy.observe.evidence``, read from the metrics). Every answer carries a strict
Content-Security-Policy (no script at all, styles from this origin only), ``no-store`` and
``nosniff``. The page reloads itself every 5 s (``?refresh=N`` changes it, ``0`` stops it).
Paths, categories and counts only: never a value.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from proxy.config.datamap import DataMap, build_datamap
from proxy.config.datamap_export import to_csv, to_json
from proxy.config.loader import LoadedConfig
from proxy.errors import error_body
from proxy.server.datamap_html import CSS, render_page, summarize

CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
       "base-uri 'none'; frame-ancestors 'none'")
COOKIE = "datamap_session"
REFRESH_S = 5


def _headers(response: web.StreamResponse) -> web.StreamResponse:
    response.headers["Content-Security-Policy"] = CSP
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "DENY"
    return response


def session_value(token: bytes) -> str:
    """What the cookie holds: an HMAC of the token (stable per token, useless without it)."""
    return hmac.new(token, b"datamap-session", hashlib.sha256).hexdigest()


def _authorized(request: web.Request, token: bytes) -> bool:
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token):
        return True
    cookie = request.cookies.get(COOKIE, "")
    return hmac.compare_digest(cookie.encode(), session_value(token).encode())


def _error(status: int, reason: str, message: str) -> web.StreamResponse:
    return _headers(web.Response(status=status, body=error_body(message, reason),
                                 content_type="application/json"))


_LOGIN = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Data map: sign in</title><link rel="stylesheet" href="/datamap.css"></head><body>
<h1>Data map</h1><p>{message}</p>
<form method="post" action="/datamap/login"><label>Admin token
<input type="password" name="token" id="token" autocomplete="off"></label>
<button type="submit" id="sign-in">Open the data map</button></form></body></html>"""


def _login_page(message: str, status: int = 401) -> web.StreamResponse:
    return _headers(web.Response(status=status, text=_LOGIN.format(message=message),
                                 content_type="text/html"))


def live_warnings(summary: dict[str, Any]) -> list[str]:
    """Warnings from the evidence: schema drift, fail-closed answers, shadow would-rejects."""
    out: list[str] = []
    for vendor, v in summary["vendors"].items():
        for path in v["since_start"]["drift"]:
            out.append(f"{vendor}: schema drift: {path} was sent by a service and no contract "
                       "names it (dropped)")
        would = v["since_start"]["would_reject"]
        if would:
            out.append(f"{vendor}: shadow mode would have refused "
                       f"{sum(would.values())} exchange(s)")
    return out


class DataMapRoutes:
    """The handlers; ``get_config()`` is the loaded config in force (or None) and
    ``get_evidence()`` an ``Evidence.snapshot()``."""

    def __init__(self, get_config: Callable[[], LoadedConfig | None],
                 get_evidence: Callable[[], dict[str, Any]], token: bytes | None) -> None:
        self._get_config = get_config
        self._get_evidence = get_evidence
        self._token = token

    def _current(self) -> DataMap | None:
        config = self._get_config()
        return None if config is None else build_datamap(config)

    def _gate(self, request: web.Request, page: bool) -> web.StreamResponse | None:
        if self._token is None:
            return _error(403, "datamap_disabled", "the data map needs admin.token in proxy.yaml")
        if _authorized(request, self._token):
            return None
        if page:
            return _login_page("Paste the admin token (admin.token in proxy.yaml).")
        return _error(401, "unauthorized", "a valid bearer token or data map session is required")

    async def css(self, _: web.Request) -> web.StreamResponse:
        return _headers(web.Response(text=CSS, content_type="text/css"))

    async def login(self, request: web.Request) -> web.StreamResponse:
        if self._token is None:
            return _error(403, "datamap_disabled", "the data map needs admin.token in proxy.yaml")
        form = await request.post()
        given = str(form.get("token", "")).strip().encode()
        if not hmac.compare_digest(given, self._token):
            return _login_page("That token is not the admin token. Try again.")
        response = web.Response(status=303, headers={"Location": "/datamap"})
        response.set_cookie(COOKIE, session_value(self._token), httponly=True,
                            samesite="Strict", path="/")
        return _headers(response)

    async def page(self, request: web.Request) -> web.StreamResponse:
        refused = self._gate(request, page=True)
        if refused is not None:
            return refused
        data_map = self._current()
        if data_map is None:
            return _error(503, "not_ready", "no configuration is loaded yet")
        evidence = self._get_evidence()
        text = render_page(data_map, _now(), evidence,
                           live_warnings(summarize(data_map, evidence)),
                           refresh_s=_refresh(request.query.get("refresh")))
        return _headers(web.Response(text=text, content_type="text/html"))

    async def export(self, request: web.Request) -> web.StreamResponse:
        refused = self._gate(request, page=False)
        if refused is not None:
            return refused
        data_map = self._current()
        if data_map is None:
            return _error(503, "not_ready", "no configuration is loaded yet")
        if request.path.endswith(".csv"):
            response = web.Response(text=to_csv(data_map), content_type="text/csv")
            response.headers["Content-Disposition"] = 'attachment; filename="datamap.csv"'
            return _headers(response)
        summary = summarize(data_map, self._get_evidence())
        summary["warnings"] = live_warnings(summary)
        return _headers(web.Response(body=to_json(data_map, summary, _now()),
                                     content_type="application/json"))


def add_datamap_routes(app: web.Application, get_config: Callable[[], LoadedConfig | None],
                       get_evidence: Callable[[], dict[str, Any]], token: bytes | None) -> None:
    """Add ``/datamap``, ``/datamap.css``, ``/datamap/login``, ``/datamap.csv``, ``.json``."""
    routes = DataMapRoutes(get_config, get_evidence, token)
    app.router.add_get("/datamap", routes.page)
    app.router.add_get("/datamap.css", routes.css)
    app.router.add_post("/datamap/login", routes.login)
    app.router.add_get("/datamap.csv", routes.export)
    app.router.add_get("/datamap.json", routes.export)


def _refresh(asked: str | None) -> int:
    """Seconds between reloads: ``?refresh=N`` (0 stops them; at most an hour), else 5."""
    if asked is None or not asked.isdigit():
        return REFRESH_S
    return min(int(asked), 3600)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
