"""Hot reload (proxy.server.reload): LiveHandler swaps, ConfigReloader validates first.

A ``LiveHandler`` serves an aiohttp TestServer with exchange handlers built on a fake upstream, so
each test can see which contract an exchange ran under. Covers a good change put in force (and
the swap callbacks), unchanged files, invalid contract directories refused with the problem
logged while the last good set keeps serving, a process check and a handler factory refusing a
valid set, an exchange in flight keeping the handler it started with, and the file watcher.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import pytest
from aiohttp.test_utils import TestClient

from proxy.config.loader import LoadedConfig, load_config
from proxy.contract.routing import Router
from proxy.errors import ConfigError
from proxy.exchange.handler import ExchangeHandler
from proxy.exchange.upstream import UpstreamResponse
from proxy.observe.audit import MemorySink
from proxy.server.reload import ConfigReloader, LiveHandler, fingerprint
from tests.conftest import MINIMAL_CONTRACT, write_config
from tests.proxy.exchange.fakes import NoDetection, json_answer, serve

V1 = MINIMAL_CONTRACT
V2 = V1.replace("        a: keep", "        a: keep\n        b: keep")
BROKEN = V1.replace("a: keep", "a: kepe")
ALLOW_ALL = "vendor: acme\nupstream: https://api.acme.example\nroutes: []\n"
NOT_YAML = "vendor: acme\nroutes: [\n"


class FakeUpstream:
    """Records each body sent; ``hold`` (when set) keeps the answer back until it is set."""

    def __init__(self) -> None:
        self.sent: list[Any] = []
        self.hold: asyncio.Event | None = None
        self.arrived = asyncio.Event()

    async def send(self, method: str, url: Any, query: Any, headers: dict[str, str],
                   body: bytes | None) -> UpstreamResponse:
        self.sent.append(orjson.loads(body or b"null"))
        self.arrived.set()
        if self.hold is not None:
            await self.hold.wait()
        return json_answer()


@dataclass
class Live:
    directory: Path
    live: LiveHandler
    client: TestClient
    upstream: FakeUpstream
    sink: MemorySink
    built: list[str] = field(default_factory=list)  # contract versions the factory was given

    def write(self, text: str) -> None:
        (self.directory / "vendors" / "acme.yaml").write_text(text)

    async def post(self, body: dict[str, Any]) -> int:
        resp = await self.client.post("/acme/v1/m", json=body)
        await resp.read()
        return resp.status


@pytest.fixture
async def live(tmp_path: Path) -> AsyncIterator[Live]:
    directory = write_config(tmp_path / "cfg", {"acme": V1})
    upstream, sink = FakeUpstream(), MemorySink()
    built: list[str] = []

    def factory(loaded: LoadedConfig) -> ExchangeHandler:
        built.append(loaded.version)
        return ExchangeHandler(router=Router(loaded.vendors), limits=loaded.settings.limits,
                               detector=NoDetection(), upstream=upstream,  # type: ignore[arg-type]
                               audit=sink, pseudonymizer=None, contract_version=loaded.version)

    config = load_config(directory)
    handler = LiveHandler(handler=factory(config), config=config, factory=factory)
    client = await serve(handler.handle)
    yield Live(directory, handler, client, upstream, sink, built)
    await client.close()


def refusals(caplog: pytest.LogCaptureFixture) -> list[Any]:
    """The reloader's refusal log records (LogRecords carrying its ``extra`` fields)."""
    return [r for r in caplog.records
            if r.getMessage().startswith("configuration change refused")]


async def test_a_good_change_is_put_in_force(live: Live,
                                             caplog: pytest.LogCaptureFixture) -> None:
    v1 = live.live.config.version
    swapped: list[str] = []
    live.live.on_swap.append(lambda loaded: swapped.append(loaded.version))
    reloader = ConfigReloader(live.live)
    assert await live.post({"a": 1, "b": 2}) == 200
    live.write(V2)
    caplog.set_level("INFO", logger="proxy.server.reload")
    assert await reloader.reload("test") is True
    v2 = live.live.config.version
    assert v2 != v1 and swapped == [v2] and live.built == [v1, v2]
    assert live.live.reloads == {"applied": 1, "refused": 0}
    assert await live.post({"a": 1, "b": 2}) == 200
    assert live.upstream.sent == [{"a": 1}, {"a": 1, "b": 2}]
    assert [r["contract_version"] for r in live.sink.records] == [v1, v2]
    [info] = [vars(r) for r in caplog.records  # vars: with the reloader's ``extra`` fields
              if r.getMessage() == "configuration reloaded"]
    assert (info["from_version"], info["contract_version"], info["trigger"]) == (v1, v2, "test")


async def test_unchanged_files_build_nothing(live: Live) -> None:
    reloader = ConfigReloader(live.live)
    handler = live.live.handler
    live.write(V1)  # rewritten, same content: same version
    assert await reloader.reload("test") is False
    assert live.live.handler is handler and live.built == [live.live.config.version]
    assert live.live.reloads == {"applied": 0, "refused": 0}


@pytest.mark.parametrize(("text", "problem"), [
    (BROKEN, "unknown action 'kepe'"),
    (ALLOW_ALL, "vendor 'acme': routes: "),
    (NOT_YAML, "invalid YAML"),
    (None, "no vendor contracts"),
], ids=["bad-action", "no-routes", "not-yaml", "no-contracts"])
async def test_an_invalid_directory_keeps_the_last_good_set(
    live: Live, caplog: pytest.LogCaptureFixture, text: str | None, problem: str
) -> None:
    v1, handler = live.live.config.version, live.live.handler
    reloader = ConfigReloader(live.live)
    if text is None:
        (live.directory / "vendors" / "acme.yaml").unlink()
    else:
        live.write(text)
    assert await reloader.reload("test") is False
    assert live.live.config.version == v1 and live.live.handler is handler
    assert live.live.reloads == {"applied": 0, "refused": 1}
    [refused] = refusals(caplog)
    assert any(problem in p for p in refused.problems), refused.problems
    assert refused.contract_version == v1 and refused.trigger == "test"
    assert await live.post({"a": 1, "b": 2}) == 200  # still served, under the old contract
    assert live.upstream.sent == [{"a": 1}] and live.sink.records[0]["contract_version"] == v1
    live.write(V2)  # fixed: the next reload applies
    assert await reloader.reload("test") is True
    assert live.live.reloads == {"applied": 1, "refused": 1}


async def test_a_process_check_can_refuse_a_valid_set(
    live: Live, caplog: pytest.LogCaptureFixture
) -> None:
    v1 = live.live.config.version
    seen: list[str] = []

    def check(loaded: LoadedConfig) -> list[str]:
        seen.append(loaded.version)
        return ["needs entity types the workers lack; restart"]

    reloader = ConfigReloader(live.live, check=check)
    live.write(V2)
    assert await reloader.reload("sighup") is False
    assert len(seen) == 1 and seen[0] != v1
    assert live.live.config.version == v1 and live.built == [v1]  # refused before building
    [refused] = refusals(caplog)
    assert refused.problems == ["needs entity types the workers lack; restart"]


async def test_a_factory_error_keeps_the_handler_in_force(
    live: Live, caplog: pytest.LogCaptureFixture
) -> None:
    handler, config = live.live.handler, live.live.config

    def failing(_: LoadedConfig) -> ExchangeHandler:
        raise ConfigError(["secrets.x: environment variable X is not set or empty"])

    live.live.factory = failing
    swapped: list[str] = []
    live.live.on_swap.append(lambda loaded: swapped.append(loaded.version))
    live.write(V2)
    assert await ConfigReloader(live.live).reload("test") is False
    assert live.live.handler is handler and live.live.config is config and swapped == []
    assert live.live.reloads["refused"] == 1
    assert "environment variable X" in refusals(caplog)[0].problems[0]


async def test_an_exchange_in_flight_keeps_the_contract_it_started_with(live: Live) -> None:
    v1 = live.live.config.version
    live.upstream.hold = asyncio.Event()
    first = asyncio.create_task(live.post({"a": 1, "b": 2}))
    await asyncio.wait_for(live.upstream.arrived.wait(), 10)
    live.write(V2)
    assert await ConfigReloader(live.live).reload("test") is True
    live.upstream.hold.set()
    assert await first == 200
    assert await live.post({"a": 3, "b": 4}) == 200
    assert live.upstream.sent == [{"a": 1}, {"a": 3, "b": 4}]
    versions = [r["contract_version"] for r in live.sink.records]
    assert versions == [v1, live.live.config.version] and versions[0] != versions[1]


async def wait_for(condition: Callable[[], bool], bound_s: float = 10.0) -> bool:
    """Poll ``condition``; the bound only ends a wait for something that never happens."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + bound_s
    while not condition():
        if loop.time() > deadline:
            return False
        await asyncio.sleep(0.02)
    return True


async def test_the_watcher_reloads_on_a_file_change(live: Live) -> None:
    before = fingerprint(live.directory)
    assert [Path(p).name for p, _, _ in before] == ["acme.yaml"]
    reloader = ConfigReloader(live.live, interval_s=0.05)
    reloader.start()
    try:
        live.write(BROKEN)
        assert await wait_for(lambda: live.live.reloads["refused"] == 1)
        live.write(V2)
        assert await wait_for(lambda: live.live.reloads["applied"] == 1)
    finally:
        await reloader.stop()
    assert fingerprint(live.directory) != before
    assert await live.post({"a": 1, "b": 2}) == 200 and live.upstream.sent == [{"a": 1, "b": 2}]


OS_ERROR_BUG = ("BUG: load_config lets an OSError escape (here vendors/extra.yaml is a directory; "
                "an unreadable file does the same) and ConfigReloader.reload catches only "
                "ConfigError: the change is neither refused nor logged, and it kills the watcher")


async def test_an_unreadable_contract_file_is_refused_and_logged(
    live: Live, caplog: pytest.LogCaptureFixture
) -> None:
    v1 = live.live.config.version
    (live.directory / "vendors" / "extra.yaml").mkdir()
    assert await ConfigReloader(live.live).reload("test") is False
    assert live.live.reloads == {"applied": 0, "refused": 1} and live.live.config.version == v1
    assert len(refusals(caplog)) == 1


async def test_the_watcher_survives_an_unreadable_contract_file(live: Live) -> None:
    reloader = ConfigReloader(live.live, interval_s=0.05)
    reloader.start()
    try:
        (live.directory / "vendors" / "extra.yaml").mkdir()
        await asyncio.sleep(0.3)  # the watcher looks at it several times
        (live.directory / "vendors" / "extra.yaml").rmdir()
        live.write(V2)  # a good change afterwards must still be picked up
        applied = await wait_for(lambda: live.live.reloads["applied"] == 1, bound_s=3.0)
    finally:
        await reloader.stop()
    assert applied, "the watcher stopped: a good change was never applied"
