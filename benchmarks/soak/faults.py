"""Injecting the soak's faults: each has a start and an end action, both short.

The harness's main loop calls ``Injector.start`` at a fault's time and ``Injector.end`` at its
end (instantaneous faults: both at once), so no fault blocks the schedule of another (a reload
falls every 30 s whatever else is going on). Each action returns what it did, which the harness
logs in ``faults.ndjson`` with its wall-clock time.

- ``worker_kill``: SIGKILL of one detection worker (a child of the proxy that is not the
  multiprocessing resource tracker).
- ``redis_restart``: SIGKILL of redis-server; at the end a new one on the same port, then the
  opt-outs and erasures are written again (the store keeps nothing: ``--save ''``).
- ``vendor_resets`` / ``vendor_slow`` / ``vendor_5xx``: the vendor's mode, through its control
  endpoint.
- ``reload``: ``notify.yaml`` rewritten with ``categories[*]`` toggled between keep and drop, by
  rename (the proxy's watcher never reads half a file); the version the proxy should then report
  is computed here with the proxy's own loader.
- ``invalid_reload``: the same file with an unknown action; restored at the end.
- ``audit_unwritable``: ``prlimit --pid <proxy> --fsize=<audit size>:`` (the soft limit only,
  so it can be raised again without privileges): CPython ignores SIGXFSZ, so the proxy's audit
  writes fail with EFBIG. At the end the soft limit is restored on the proxy and any child it
  started meanwhile (a child inherits the limit).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import psutil

from benchmarks.soak.contract_edits import invalid, toggled, write_atomically
from benchmarks.soak.sampler import proc_role
from benchmarks.soak.schedule import Planned
from proxy.config.loader import load_config

_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def detection_workers(proxy_pid: int) -> list[psutil.Process]:
    try:
        children = psutil.Process(proxy_pid).children(recursive=True)
    except psutil.Error:
        return []
    return [c for c in children if proc_role(proxy_pid, c) == "worker"]


def _fsize_soft(pid: int) -> int:
    return int(psutil.Process(pid).rlimit(psutil.RLIMIT_FSIZE)[0])


def _prlimit_soft(pid: int, soft: int) -> list[str]:
    """``prlimit --fsize=SOFT:`` (soft limit only); psutil's prlimit(2) call without the tool."""
    value = "unlimited" if soft == psutil.RLIM_INFINITY else str(soft)
    binary = shutil.which("prlimit")
    if binary is not None:
        argv = [binary, "--pid", str(pid), f"--fsize={value}:"]
        subprocess.run(argv, check=True, capture_output=True, timeout=10)
        return argv
    process = psutil.Process(pid)
    process.rlimit(psutil.RLIMIT_FSIZE, (soft, process.rlimit(psutil.RLIMIT_FSIZE)[1]))
    return ["psutil.rlimit", str(pid), value]


@dataclass
class Injector:
    """What the faults act on."""

    proxy_pid: int
    vendor_url: str
    config_dir: Path
    audit_path: Path
    redis_kill: Callable[[], int | None]
    redis_start: Callable[[], int]  # returns the new pid
    reseed: Callable[[], int]  # returns how many subjects were written
    _saved_fsize: int | None = None
    _valid_text: str = ""

    @property
    def contract(self) -> Path:
        return self.config_dir / "vendors" / "notify.yaml"

    def _vendor_mode(self, mode: dict[str, Any]) -> dict[str, Any]:
        request = urllib.request.Request(self.vendor_url + "/_soak/mode", method="POST",
                                         data=orjson.dumps(mode))
        with _OPENER.open(request, timeout=5) as answer:
            return dict(orjson.loads(answer.read())["mode"])

    def _version(self) -> str:
        return load_config(self.config_dir).version

    def start(self, fault: Planned) -> dict[str, Any]:
        name = fault.name
        if name == "worker_kill":
            workers = detection_workers(self.proxy_pid)
            if not workers:
                return {"error": "no detection worker found"}
            victim = min(workers, key=lambda p: p.pid)
            os.kill(victim.pid, signal.SIGKILL)
            return {"killed_pid": victim.pid, "workers_before": [w.pid for w in workers]}
        if name == "redis_restart":
            return {"killed_pid": self.redis_kill()}
        if name in ("vendor_resets", "vendor_slow", "vendor_5xx"):
            return {"vendor_mode": self._vendor_mode(fault.params)}
        if name == "reload":
            old = self._version()
            write_atomically(self.contract, toggled(self.contract.read_text()))
            return {"from_version": old, "expected_version": self._version()}
        if name == "invalid_reload":
            self._valid_text = self.contract.read_text()
            in_force = self._version()
            write_atomically(self.contract, invalid(self._valid_text))
            return {"version_in_force": in_force}
        if name == "audit_unwritable":
            size = self.audit_path.stat().st_size
            self._saved_fsize = _fsize_soft(self.proxy_pid)
            argv = _prlimit_soft(self.proxy_pid, size)
            return {"audit_bytes": size, "command": " ".join(argv), "applied_at": time.time(),
                    "soft_limit_now": _fsize_soft(self.proxy_pid),
                    "soft_limit_before": _limit_text(self._saved_fsize)}
        raise ValueError(f"unknown fault {name!r}")

    def end(self, fault: Planned) -> dict[str, Any]:
        name = fault.name
        if name in ("worker_kill", "reload"):
            return {}
        if name == "redis_restart":
            pid = self.redis_start()
            return {"new_pid": pid, "subjects_reseeded": self.reseed()}
        if name in ("vendor_resets", "vendor_slow", "vendor_5xx"):
            return {"vendor_mode": self._vendor_mode({"mode": "normal"})}
        if name == "invalid_reload":
            write_atomically(self.contract, self._valid_text)
            return {"restored_version": self._version()}
        if name == "audit_unwritable":
            soft = self._saved_fsize if self._saved_fsize is not None else psutil.RLIM_INFINITY
            size_before_restore = self.audit_path.stat().st_size  # unchanged if writes failed
            restored = []
            restored_at = None
            for pid in [self.proxy_pid, *[c.pid for c in _children(self.proxy_pid)]]:
                try:
                    if _fsize_soft(pid) != soft:
                        _prlimit_soft(pid, soft)
                        restored.append(pid)
                except (psutil.Error, subprocess.CalledProcessError):
                    continue
                if pid == self.proxy_pid:
                    restored_at = time.time()  # the proxy writes the audit file again
            return {"restored_pids": restored, "restored_at": restored_at,
                    "audit_bytes_before_restore": size_before_restore,
                    "audit_bytes": self.audit_path.stat().st_size,
                    "soft_limit_now": _limit_text(_fsize_soft(self.proxy_pid))}
        raise ValueError(f"unknown fault {name!r}")


def _children(pid: int) -> list[psutil.Process]:
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.Error:
        return []


def _limit_text(value: int) -> str:
    return "unlimited" if value == psutil.RLIM_INFINITY else str(value)

