"""Start and stop the processes a benchmark scenario needs, and account for their CPU time.

Every server is a real subprocess of the harness: the recording vendor, the plain pass-through
proxy and our proxy (``python -m proxy serve``). ``cpu_seconds()`` sums user and system time of a
server and all its children (the proxy's detection workers), read with psutil.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parent.parent
CONFIGS = Path(__file__).resolve().parent / "config"
PSEUDONYMIZE_KEY = "benchmark-key-0123456789abcdef"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """A running server subprocess."""

    name: str
    process: subprocess.Popen[bytes]
    port: int
    log_path: Path
    cpus: set[int] | None = None
    _children_cpu: dict[int, float] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def processes(self) -> list[psutil.Process]:
        try:
            root = psutil.Process(self.process.pid)
            return [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def cpu_seconds(self) -> float:
        """User + system CPU of the server and its children (workers) so far."""
        return sum(self.cpu_split())

    def cpu_split(self) -> tuple[float, float]:
        """User + system CPU so far of the server process itself, and of its children."""
        own = children = 0.0
        for proc in self.processes():
            try:
                times = proc.cpu_times()
            except psutil.NoSuchProcess:
                continue
            if proc.pid == self.process.pid:
                own += times.user + times.system
            else:
                children += times.user + times.system
        return own, children

    def stop(self, timeout: float = 15.0) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PROXY_PSEUDONYMIZE_KEY"] = PSEUDONYMIZE_KEY
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(var, "1")  # one worker process = one core, as the pool assumes
    return env


def _pin(pid: int, cpus: set[int] | None) -> None:
    if cpus:
        os.sched_setaffinity(pid, cpus)


def start_announcing(name: str, args: list[str], workdir: Path, cpus: set[int] | None = None,
                     timeout: float = 30.0) -> Server:
    """Start ``python -m ...`` that prints ``PORT <n>`` when listening."""
    log_path = workdir / f"{name}.log"
    process = subprocess.Popen(
        [sys.executable, "-m", *args], stdout=subprocess.PIPE,
        stderr=log_path.open("wb"), env=_env(), cwd=REPO,
    )
    _pin(process.pid, cpus)
    assert process.stdout is not None
    deadline = time.monotonic() + timeout
    line = process.stdout.readline().decode()
    if not line.startswith("PORT ") or time.monotonic() > deadline:
        process.kill()
        raise RuntimeError(f"{name} did not start; see {log_path}")
    return Server(name, process, int(line.split()[1]), log_path, cpus)


def write_proxy_config(kind: str, workdir: Path, workers: int, queue_size: int,
                       batch_window_ms: float) -> Path:
    """Copy the benchmark contract ``kind`` and write a proxy.yaml for it into ``workdir``."""
    target = workdir / f"config-{kind}"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(CONFIGS / kind, target)
    window = f"  batch_window_ms: {batch_window_ms}\n" if batch_window_ms else ""
    (target / "proxy.yaml").write_text(
        "analyzer:\n"
        f"  workers: {workers}\n"
        f"  queue_size: {queue_size}\n"
        f"{window}"
        "audit:\n"
        f"  sink: {workdir / ('audit-' + kind + '.jsonl')}\n"
    )
    return target


def start_proxy(name: str, config: Path, vendor_url: str, workdir: Path,
                cpus: set[int] | None = None, wrapper: list[str] | None = None,
                timeout: float = 180.0) -> Server:
    """Start ``python -m proxy serve`` and wait until ``/_/readyz`` answers 200."""
    port = free_port()
    log_path = workdir / f"{name}.log"
    command = [sys.executable, "-m", "proxy", "serve", "--config", str(config),
               "--port", str(port), "--upstream-override", f"*={vendor_url}",
               "--log-level", "WARNING"]
    process = subprocess.Popen((wrapper or []) + command, stdout=subprocess.DEVNULL,
                               stderr=log_path.open("wb"), env=_env(), cwd=REPO)
    server = Server(name, process, port, log_path, cpus)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode}; see {log_path}")
        try:
            with urllib.request.urlopen(f"{server.url}/_/readyz", timeout=2) as answer:
                if answer.status == 200:
                    for proc in server.processes():
                        _pin(proc.pid, cpus)
                    return server
        except OSError:
            pass
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"{name} was not ready after {timeout:.0f} s; see {log_path}")
