"""Hot reload of contracts and settings: validated first, swapped whole, last good set kept.

The application routes every exchange through ``LiveHandler``, which holds the exchange handler
built for one loaded configuration. A reload builds a complete new handler from the new files and
swaps the reference: an exchange that started keeps the handler (and so the contract version) it
started with, and an invalid change is refused and logged while the last good set keeps serving.
Never allow-all: there is no state in which no contract applies.

Triggers: ``SIGHUP``, and a change of the config files (polled, so it works on any filesystem and
with Kubernetes ConfigMap symlink swaps).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import web

from proxy.config.loader import LoadedConfig, load_config
from proxy.errors import ConfigError
from proxy.exchange.handler import ExchangeHandler

log = logging.getLogger("proxy.server.reload")

HandlerFactory = Callable[[LoadedConfig], ExchangeHandler]


@dataclass
class LiveHandler:
    """The handler in force for new exchanges, and how to build one for another config."""

    handler: ExchangeHandler
    config: LoadedConfig
    factory: HandlerFactory
    reloads: dict[str, int] = field(default_factory=lambda: {"applied": 0, "refused": 0})
    # Called with the new configuration after each swap (metrics, admin readiness, ...).
    on_swap: list[Callable[[LoadedConfig], None]] = field(default_factory=list)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        # Bound once: a reload during this exchange does not change what it runs against.
        handler = self.handler
        return await handler.handle(request)

    def swap(self, config: LoadedConfig) -> None:
        """Build the handler for ``config`` (may raise ConfigError) and put it in force."""
        handler = self.factory(config)
        self.handler, self.config = handler, config
        for callback in self.on_swap:
            callback(config)


def fingerprint(directory: Path) -> tuple[tuple[str, int, int], ...]:
    """Names, sizes and modification times of the files a configuration is read from."""
    paths = [directory / "proxy.yaml", directory / "policy.yaml"]
    for sub in ("vendors", "partners"):
        folder = directory / sub
        if folder.is_dir():
            paths += sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml"))
    out = []
    for path in paths:
        with contextlib.suppress(OSError):
            stat = path.stat()
            out.append((str(path), stat.st_size, stat.st_mtime_ns))
    return tuple(out)


class ConfigReloader:
    """Reloads ``live`` from its directory on SIGHUP and when the files change."""

    def __init__(self, live: LiveHandler, interval_s: float = 1.0,
                 check: Callable[[LoadedConfig], list[str]] | None = None) -> None:
        """``check`` returns problems that make a valid configuration unusable by this process
        (e.g. it asks for entity types the running detection workers were not built for)."""
        self._live = live
        self._check = check
        self._interval_s = interval_s
        self._task: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()
        self._seen = fingerprint(live.config.directory)

    async def reload(self, trigger: str) -> bool:
        """Load, validate and swap; return whether a new version is in force."""
        async with self._lock:
            directory = self._live.config.directory
            self._seen = fingerprint(directory)
            try:
                config = await asyncio.to_thread(load_config, directory)
                if config.version == self._live.config.version:
                    return False
                problems = self._check(config) if self._check is not None else []
                if problems:
                    raise ConfigError(problems)
                old = self._live.config.version
                self._live.swap(config)
            except ConfigError as exc:
                self._live.reloads["refused"] += 1
                log.error("configuration change refused; the last good set keeps serving",
                          extra={"trigger": trigger, "problems": exc.problems,
                                 "contract_version": self._live.config.version})
                return False
            self._live.reloads["applied"] += 1
            log.info("configuration reloaded", extra={"trigger": trigger, "from_version": old,
                                                      "contract_version": config.version})
            return True

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(self._interval_s)
            if fingerprint(self._live.config.directory) != self._seen:
                await self.reload("file_change")

    def start(self) -> None:
        """Start watching the files and listen for SIGHUP (when running in the main thread)."""
        loop = asyncio.get_running_loop()
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(signal.SIGHUP,
                                    lambda: asyncio.ensure_future(self.reload("sighup")))
        self._task = asyncio.create_task(self._watch())

    async def stop(self) -> None:
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
