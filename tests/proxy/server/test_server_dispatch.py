"""The direct handler: exchanges skip aiohttp's router, everything else still goes through it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import make_mocked_request

from proxy.config.loader import load_config
from proxy.observe.audit import MemorySink
from proxy.server.app import LIVE_KEY, build_app
from proxy.server.protocol import DIRECT_HANDLER_KEY
from tests.conftest import write_config

CONTRACT = """
vendor: acme
upstream: https://api.acme.example
routes:
  - method: POST
    path: /v1/messages
    request:
      body:
        id: keep
"""


class _NoDetector:
    async def detect(self, requests: Any) -> Any:
        raise AssertionError("no detection expected")


@pytest.fixture
def dispatch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, list[str]]:
    """The app's direct handler, with the app and the exchange handler replaced by recorders."""
    config = load_config(write_config(tmp_path, {"acme": CONTRACT}))
    app = build_app(config, _NoDetector(), MemorySink())
    seen: list[str] = []

    async def via_app(request: web.BaseRequest) -> web.Response:
        seen.append("app")
        return web.Response()

    async def via_exchange(request: web.BaseRequest) -> web.Response:
        seen.append("exchange")
        return web.Response()

    monkeypatch.setattr(app, "_handle", via_app)
    monkeypatch.setattr(app[LIVE_KEY].handler, "handle", via_exchange)
    return app[DIRECT_HANDLER_KEY], seen


@pytest.mark.parametrize(
    ("method", "path", "headers", "expected"),
    [
        ("POST", "/acme/v1/messages", {}, "exchange"),
        ("GET", "/unknown/x?q=1", {}, "exchange"),  # the catch-all route answers it too
        ("GET", "/_/healthz", {}, "app"),
        ("GET", "/_/readyz", {}, "app"),
        ("POST", "/_/healthz", {}, "app"),  # the router decides (405 or the catch-all)
        ("POST", "/acme/v1/messages%0A", {}, "app"),  # `.*` does not match a decoded newline
        ("POST", "/acme/v1/messages?x=%0a", {}, "app"),  # cautious: any %0 goes the long way
        ("POST", "/acme/v1/messages", {"Expect": "100-continue"}, "app"),  # route's handler
    ],
)
async def test_direct_handler_picks_what_the_router_would(
    dispatch: tuple[Any, list[str]], method: str, path: str, headers: dict[str, str],
    expected: str,
) -> None:
    direct, seen = dispatch
    await direct(make_mocked_request(method, path, headers=headers))
    assert seen == [expected]


async def test_runner_gives_connections_the_direct_handler(tmp_path: Path) -> None:
    from proxy.server.protocol import make_runner

    config = load_config(write_config(tmp_path, {"acme": CONTRACT}))
    app = build_app(config, _NoDetector(), MemorySink())
    runner = make_runner(app, config.settings.limits)
    await runner.setup()
    try:
        assert runner.server is not None
        assert runner.server.request_handler is app[DIRECT_HANDLER_KEY]
    finally:
        await runner.cleanup()


async def test_no_direct_handler_when_the_app_has_hooks_it_would_skip(tmp_path: Path) -> None:
    from proxy.server.protocol import make_runner

    config = load_config(write_config(tmp_path, {"acme": CONTRACT}))
    app = build_app(config, _NoDetector(), MemorySink())

    async def add_header(request: web.BaseRequest, response: web.StreamResponse) -> None:
        response.headers["X-Hook"] = "1"

    app.on_response_prepare.append(add_header)
    runner = make_runner(app, config.settings.limits)
    await runner.setup()
    try:
        assert runner.server is not None
        assert runner.server.request_handler is not app[DIRECT_HANDLER_KEY]
    finally:
        await runner.cleanup()
