"""Fixtures shared by the whole suite: one warm detection pool, recording vendors, proxies.

The detection pool (real Presidio, real spaCy model, a real worker process) costs a few seconds
to start, so one is shared by the session. Everything else is cheap and made per test.
"""

from __future__ import annotations

import asyncio
import os
import socket
import sys
import textwrap
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import orjson
import pytest
from aiohttp import web

from proxy.config.loader import LoadedConfig, load_config
from proxy.observe.audit import MemorySink
from proxy.server.app import build_app
from proxy.server.protocol import make_runner
from proxy.testing import RecordingVendor
from recognizers import AnalyzerSettings, DetectionPool

# A fresh Hypothesis seed per session, printed and replayable (PROXY_FUZZ_SEED=N make test).
pytest_plugins = ("tests.fuzz_seed",)

PSEUDONYMIZE_KEY = "test-secret-0123456789abcdef"
os.environ.setdefault("PROXY_PSEUDONYMIZE_KEY", PSEUDONYMIZE_KEY)
# The sample model-API contracts use placeholders, whose store is sealed with the vault key.
os.environ.setdefault("PROXY_VAULT_KEY", "test-vault-key-0123456789abcdef")

REPO = Path(__file__).resolve().parent.parent

# One vendor, one route, one kept field: the contract of tests about everything but contracts.
MINIMAL_CONTRACT = """
vendor: acme
upstream: https://api.acme.example
routes:
  - method: POST
    path: /v1/m
    request:
      body:
        a: keep
"""


async def serve_subprocess(
    config_dir: Path, upstream: str, stdout: int = asyncio.subprocess.DEVNULL
) -> tuple[asyncio.subprocess.Process, dict]:
    """``python -m proxy serve`` on free ports; return the process and its ``ready`` log entry.

    stderr stays a pipe the caller may read further (JSON log lines); the caller stops the
    process.
    """
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "proxy", "serve", "--config", str(config_dir), "--port", "0",
        "--upstream-override", f"*={upstream}", cwd=REPO, stdout=stdout,
        stderr=asyncio.subprocess.PIPE,
    )
    assert proc.stderr is not None
    while True:
        line = await asyncio.wait_for(proc.stderr.readline(), 90)
        if not line:
            await proc.wait()
            raise AssertionError("the proxy exited before it was ready")
        entry = orjson.loads(line)
        if entry["message"] == "ready":
            return proc, entry


@pytest.fixture(scope="session")
async def detection_pool() -> AsyncIterator[DetectionPool]:
    """One warm worker process with the real engine, shared by every functional test."""
    pool = DetectionPool(AnalyzerSettings(workers=1, timeout_s=20.0))
    await pool.start()
    yield pool
    await pool.close()


@pytest.fixture
async def vendor() -> AsyncIterator[RecordingVendor]:
    """A recording vendor on 127.0.0.1 (answers JSON by default; replace ``responder``)."""
    v = await RecordingVendor().start()
    yield v
    await v.stop()


def write_config(root: Path, contracts: dict[str, str], proxy_yaml: str = "") -> Path:
    """Write ``proxy.yaml`` and ``vendors/NAME.yaml`` from YAML texts; return the directory."""
    (root / "vendors").mkdir(parents=True, exist_ok=True)
    if proxy_yaml:
        (root / "proxy.yaml").write_text(textwrap.dedent(proxy_yaml))
    for name, text in contracts.items():
        (root / "vendors" / f"{name}.yaml").write_text(textwrap.dedent(text))
    return root


@dataclass
class RunningProxy:
    """A proxy app serving on 127.0.0.1 with its audit records and a client session."""

    url: str
    audit: MemorySink
    config: LoadedConfig
    session: aiohttp.ClientSession
    app: web.Application

    def audit_lines(self) -> list[dict]:
        return self.audit.records


ProxyFactory = Callable[..., Awaitable[RunningProxy]]


@pytest.fixture
async def start_proxy(
    tmp_path: Path, detection_pool: DetectionPool
) -> AsyncIterator[ProxyFactory]:
    """``await start_proxy(contracts, upstream=vendor.url, detector=..., proxy_yaml=...,
    audit=...)``."""
    runners: list[web.AppRunner] = []
    sessions: list[aiohttp.ClientSession] = []

    async def factory(
        contracts: dict[str, str] | None = None,
        *,
        upstream: str | None = None,
        detector: object | None = None,
        proxy_yaml: str = "",
        config_dir: Path | None = None,
        audit: MemorySink | None = None,
        listen_socket: socket.socket | None = None,
    ) -> RunningProxy:
        directory = config_dir or write_config(tmp_path / f"cfg{len(runners)}", contracts or {},
                                               proxy_yaml)
        config = load_config(directory)
        audit = audit if audit is not None else MemorySink()
        overrides = {"*": upstream} if upstream else None
        app = build_app(config, detector or detection_pool, audit, upstream_overrides=overrides)
        runner = make_runner(app, config.settings.limits)
        await runner.setup()
        # A test that measures socket-level backpressure brings its own (small-buffered) socket.
        site: web.BaseSite = (web.SockSite(runner, listen_socket) if listen_socket is not None
                              else web.TCPSite(runner, "127.0.0.1", 0))
        await site.start()
        runners.append(runner)
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        session = aiohttp.ClientSession()
        sessions.append(session)
        return RunningProxy(url=f"http://127.0.0.1:{port}", audit=audit, config=config,
                            session=session, app=app)

    yield factory
    for session in sessions:
        await session.close()
    for runner in runners:
        await runner.cleanup()
