"""Hot reload under load: a good change applies, a bad one is refused, no request fails."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest

from proxy.server.app import LIVE_KEY
from proxy.server.reload import ConfigReloader
from proxy.testing import RecordingVendor
from tests.conftest import MINIMAL_CONTRACT, ProxyFactory, write_config

pytestmark = pytest.mark.functional

V1 = MINIMAL_CONTRACT
V2 = V1.replace("        a: keep", "        a: keep\n        b: keep")
BROKEN = V1.replace("a: keep", "a: kepe")
ALLOW_ALL_ATTEMPT = "vendor: acme\nupstream: https://api.acme.example\nroutes: []\n"


async def wait_until(condition: Callable[[], bool], what: str, bound_s: float = 30.0) -> None:
    """Poll for a state; ``bound_s`` only ends a wait for something that never happens."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + bound_s
    while not condition():
        assert loop.time() < deadline, what
        await asyncio.sleep(0.02)


async def load(proxy_url: str, session: object, stop: asyncio.Event,
               statuses: list[int]) -> None:
    while not stop.is_set():
        resp = await session.post(f"{proxy_url}/acme/v1/m",  # type: ignore[attr-defined]
                                  json={"a": 1, "b": 2, "c": 3})
        statuses.append(resp.status)
        await resp.read()


async def test_reload_good_then_bad_under_load(
    start_proxy: ProxyFactory, vendor: RecordingVendor, tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    directory = write_config(tmp_path / "cfg", {"acme": V1})
    proxy = await start_proxy(config_dir=directory, upstream=vendor.url)
    live = proxy.app[LIVE_KEY]
    reloader = ConfigReloader(live, interval_s=0.1)
    reloader.start()
    stop = asyncio.Event()
    statuses: list[int] = []
    workers = [asyncio.create_task(load(proxy.url, proxy.session, stop, statuses))
               for _ in range(4)]
    def served(count: int) -> Callable[[], bool]:  # the load went on: more exchanges done
        return lambda: len(vendor.received) >= count

    try:
        v1 = live.config.version
        await wait_until(served(3), "no exchange under the first contract")
        (directory / "vendors" / "acme.yaml").write_text(V2)
        await wait_until(lambda: live.config.version != v1, "the good change never applied")
        v2 = live.config.version
        await wait_until(served(len(vendor.received) + 3), "no exchange under the new contract")
        for refused, bad in enumerate((BROKEN, ALLOW_ALL_ATTEMPT), start=1):
            (directory / "vendors" / "acme.yaml").write_text(bad)
            await wait_until(lambda: live.reloads["refused"] == refused,  # noqa: B023
                             "the bad change was never looked at")
            assert live.config.version == v2  # refused: the last good set keeps serving
            await wait_until(served(len(vendor.received) + 3), "no exchange after the refusal")
    finally:
        stop.set()
        await asyncio.gather(*workers)
        await reloader.stop()
    assert statuses and set(statuses) == {200}
    bodies = [r.json() for r in vendor.received]
    assert bodies[0] == {"a": 1} and bodies[-1] == {"a": 1, "b": 2}
    assert all("c" not in b for b in bodies)
    versions = [r["contract_version"] for r in proxy.audit_lines()]
    assert versions[0] == v1 and versions[-1] == v2 and set(versions) == {v1, v2}
    for record, body in zip(proxy.audit_lines(), bodies):  # each exchange saw one version
        assert ("body:b" in record["request"]["kept"]) == ("b" in body)
    assert live.reloads == {"applied": 1, "refused": 2}
    refused = [r for r in caplog.records if r.getMessage().startswith("configuration change ref")]
    assert any("unknown action 'kepe'" in " ".join(r.problems) for r in refused)  # type: ignore


async def test_reload_keeps_last_good_when_secret_disappears(
    start_proxy: ProxyFactory, vendor: RecordingVendor, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    directory = write_config(tmp_path / "cfg", {"acme": V1})
    proxy = await start_proxy(config_dir=directory, upstream=vendor.url)
    live = proxy.app[LIVE_KEY]
    reloader = ConfigReloader(live)
    monkeypatch.delenv("PROXY_PSEUDONYMIZE_KEY")
    (directory / "vendors" / "acme.yaml").write_text(V1.replace("a: keep", "a: pseudonymize"))
    assert await reloader.reload("test") is False
    resp = await proxy.session.post(f"{proxy.url}/acme/v1/m", json={"a": "cus_1"})
    assert resp.status == 200 and vendor.received[-1].json() == {"a": "cus_1"}


def test_reload_refuses_entities_the_workers_lack(tmp_path: Path) -> None:
    from proxy.config.loader import load_config
    from proxy.tools.cli import entities_problems

    narrow = V1.replace("a: keep", "a: {action: redact, entities: [PERSON]}")
    wide = V1.replace("a: keep", "a: {action: redact, entities: [PERSON, EMAIL_ADDRESS]}")
    everything = V1.replace("a: keep", "a: redact")
    assert entities_problems(("PERSON",), load_config(write_config(tmp_path / "n",
                                                                   {"acme": narrow}))) == []
    [problem] = entities_problems(("PERSON",), load_config(write_config(tmp_path / "w",
                                                                        {"acme": wide})))
    assert "EMAIL_ADDRESS" in problem and "restart" in problem
    assert entities_problems(("PERSON",), load_config(write_config(tmp_path / "e",
                                                                   {"acme": everything})))
    assert entities_problems(None, load_config(write_config(tmp_path / "x", {"acme": wide}))) == []


async def test_sighup_reloads(start_proxy: ProxyFactory, vendor: RecordingVendor,
                              tmp_path: Path) -> None:
    import os
    import signal

    directory = write_config(tmp_path / "cfg", {"acme": V1})
    proxy = await start_proxy(config_dir=directory, upstream=vendor.url)
    live = proxy.app[LIVE_KEY]
    reloader = ConfigReloader(live, interval_s=3600)  # no polling: only the signal can reload
    reloader.start()
    try:
        v1 = live.config.version
        (directory / "vendors" / "acme.yaml").write_text(V2)
        os.kill(os.getpid(), signal.SIGHUP)
        await wait_until(lambda: live.config.version != v1, "SIGHUP did not reload")
        resp = await proxy.session.post(f"{proxy.url}/acme/v1/m", json={"a": 1, "b": 2})
        assert resp.status == 200 and vendor.received[-1].json() == {"a": 1, "b": 2}
    finally:
        await reloader.stop()
        asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)
