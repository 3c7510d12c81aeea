"""Helpers for the privacy-policy functional tests: config with a policy, stores, admin API."""

from __future__ import annotations

import asyncio
import io
import shutil
import sys
import textwrap
import uuid
from collections.abc import AsyncIterator
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest
import redis.asyncio
from aiohttp import web

from proxy.config.loader import load_config
from proxy.policy.runtime import PolicyRuntime, open_policy_runtime
from proxy.server.policy_admin import build_policy_admin_app
from tests.conftest import REPO, write_config

ADMIN_TOKEN = "policy-admin-token-0123456789"
VAULT_KEY = "vault-key-material-0123456789abcdef"
REDIS_URL = "redis://127.0.0.1:6379/0"


@dataclass
class Backend:
    """One store backend for a test: the proxy.yaml section and how to clean up."""

    name: str
    proxy_yaml: str
    prefix: str
    sqlite_path: Path | None

    async def redis_keys(self) -> list[bytes]:
        client = redis.asyncio.Redis.from_url(REDIS_URL)
        try:
            return [k async for k in client.scan_iter(match=self.prefix + "*")]
        finally:
            await client.aclose()


@pytest.fixture(params=["sqlite", "redis"])
async def backend(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Backend]:
    prefix = f"test-{uuid.uuid4().hex}:"
    if request.param == "sqlite":
        path = tmp_path / "state" / "policy.sqlite3"
        section = f"stores: {{backend: sqlite, sqlite_path: '{path}'}}\n"
    else:
        path = None
        section = f"stores: {{backend: redis, redis_url: '{REDIS_URL}', key_prefix: '{prefix}'}}\n"
    found = Backend(request.param, section, prefix, path)
    yield found
    if request.param == "redis":
        client = redis.asyncio.Redis.from_url(REDIS_URL)
        keys = [k async for k in client.scan_iter(match=prefix + "*")]
        if keys:
            await client.delete(*keys)
        await client.aclose()


def policy_config(root: Path, contracts: dict[str, str], backend: Backend,
                  policy: str | None = None) -> Path:
    """A config directory: the sample policy (or ``policy``), the contracts, the stores."""
    write_config(root, contracts, backend.proxy_yaml)
    if policy is None:
        shutil.copy(REPO / "config" / "policy.yaml", root / "policy.yaml")
    else:
        (root / "policy.yaml").write_text(textwrap.dedent(policy))
    return root


@dataclass
class PolicyAdmin:
    url: str
    session: aiohttp.ClientSession
    runtime: PolicyRuntime

    async def call(self, method: str, path: str, body: dict, token: str = ADMIN_TOKEN
                   ) -> aiohttp.ClientResponse:
        resp = await self.session.request(method, self.url + path, json=body,
                                          headers={"Authorization": f"Bearer {token}"})
        await resp.read()
        return resp

    async def opt_out(self, subject: str, purpose: str) -> None:
        resp = await self.call("POST", "/v1/opt-outs", {"subject": subject, "purpose": purpose})
        assert resp.status == 204, await resp.text()

    async def erase(self, subject: str) -> None:
        resp = await self.call("POST", "/v1/erasures", {"subject": subject})
        assert resp.status == 204, await resp.text()


@pytest.fixture
async def start_admin() -> AsyncIterator:
    """``await start_admin(config_dir)``: the policy admin API on its own port and stores."""
    runners: list[web.AppRunner] = []
    opened: list[PolicyRuntime] = []
    sessions: list[aiohttp.ClientSession] = []

    async def factory(config_dir: Path) -> PolicyAdmin:
        runtime = open_policy_runtime(load_config(config_dir), force=True)
        opened.append(runtime)
        runner = web.AppRunner(build_policy_admin_app(runtime, ADMIN_TOKEN.encode()),
                               access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        runners.append(runner)
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        session = aiohttp.ClientSession()
        sessions.append(session)
        return PolicyAdmin(f"http://127.0.0.1:{port}", session, runtime)

    yield factory
    for session in sessions:
        await session.close()
    for runner in runners:
        await runner.cleanup()
    for runtime in opened:
        await runtime.close()


@pytest.fixture
def sqlite_backend(tmp_path: Path) -> Backend:
    """For cases where the store plays no part in the decision: the default backend only."""
    path = tmp_path / "state" / "policy.sqlite3"
    return Backend("sqlite", f"stores: {{backend: sqlite, sqlite_path: '{path}'}}\n", "", path)


async def run_cli(*args: str, stdin: str = "") -> tuple[int, str, str]:
    """``python -m proxy ARGS`` in this process (in a thread: the commands run their own loop)."""
    from proxy.tools.cli import build_parser

    def go() -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        saved = sys.stdin
        sys.stdin = io.StringIO(stdin)
        try:
            with redirect_stdout(out), redirect_stderr(err):
                parsed = build_parser().parse_args(list(args))
                code = int(parsed.func(parsed))
        finally:
            sys.stdin = saved
        return code, out.getvalue(), err.getvalue()

    return await asyncio.to_thread(go)
