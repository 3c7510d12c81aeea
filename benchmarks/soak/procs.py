"""Child processes of the soak harness: started bounded, stopped whatever happens.

Every child runs in a session of its own (so the harness can signal its whole process group:
the proxy and its detection workers) and gets a parent-death signal (``PR_SET_PDEATHSIG``), so
even a harness killed with SIGKILL leaves nothing behind. ``Children.stop_all`` ends them in
reverse start order: SIGTERM to the group, then SIGKILL after a grace period. Only the
processes the harness started are ever signalled, by their ids.

``RedisServer`` is the policy store's own redis-server (``--save '' --appendonly no``) on a free
port of 127.0.0.1; "restart" means SIGKILL and a new one on the same port.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

_PR_SET_PDEATHSIG = 1
try:
    _LIBC: ctypes.CDLL | None = ctypes.CDLL("libc.so.6", use_errno=True)
except OSError:  # pragma: no cover - not glibc: no parent-death signal, stop_all still runs
    _LIBC = None


def _death_signal(sig: int) -> Callable[[], None]:
    """A ``preexec_fn``: the child gets ``sig`` when the harness's thread that started it dies
    (children are only started from the main thread). It only calls prctl(2) through a libc
    handle loaded beforehand: no lock another thread could hold, which is what makes
    ``preexec_fn`` unsafe with threads."""

    def set_it() -> None:
        if _LIBC is not None:
            _LIBC.prctl(_PR_SET_PDEATHSIG, sig, 0, 0, 0)

    return set_it


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Child:
    name: str
    process: subprocess.Popen[bytes]
    grace_s: float
    pump: threading.Thread | None = None

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def signal_group(self, sig: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, sig)

    def stop(self) -> None:
        if self.alive():
            self.signal_group(signal.SIGTERM)
            try:
                self.process.wait(self.grace_s)
            except subprocess.TimeoutExpired:
                pass
        # Whatever is left of the group (workers of a proxy killed mid-shutdown).
        self.signal_group(signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(5)
        if self.pump is not None:
            self.pump.join(5)


def _pump(source: IO[bytes], target: Path) -> None:
    """Copy a child's output to a file. Through a pipe, not a file the child holds: a file size
    limit put on the child (the audit fault) then never touches its log."""
    with open(target, "ab", buffering=0) as out:
        out.writelines(iter(source.readline, b""))


@dataclass
class Children:
    """Every process the harness started, in start order."""

    env: dict[str, str]
    cwd: Path
    started: list[Child] = field(default_factory=list)

    def start(self, name: str, argv: list[str], log: Path, grace_s: float = 10.0,
              death_signal: int = signal.SIGKILL, stdout_pipe: bool = False) -> Child:
        """Start ``argv``; its stderr (and stdout unless ``stdout_pipe``) goes to ``log``."""
        assert threading.current_thread() is threading.main_thread(), \
            "children are started from the main thread (the parent-death signal follows it)"
        if stdout_pipe:
            with open(log, "ab") as err:
                process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=err,
                                           env=self.env, cwd=self.cwd, start_new_session=True,
                                           preexec_fn=_death_signal(death_signal))  # noqa: PLW1509
            child = Child(name, process, grace_s)
        else:
            process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                       env=self.env, cwd=self.cwd, start_new_session=True,
                                       preexec_fn=_death_signal(death_signal))  # noqa: PLW1509
            assert process.stdout is not None
            pump = threading.Thread(target=_pump, args=(process.stdout, log), daemon=True,
                                    name=f"log-{name}")
            pump.start()
            child = Child(name, process, grace_s, pump)
        self.started.append(child)
        return child

    def stop_all(self) -> None:
        for child in reversed(self.started):
            child.stop()


class RedisServer:
    """redis-server on 127.0.0.1:``port``, nothing persisted."""

    def __init__(self, children: Children, port: int, workdir: Path, binary: str) -> None:
        self.children = children
        self.port = port
        self.workdir = workdir
        self.binary = binary
        self.child: Child | None = None
        self.starts = 0

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout_s: float = 10.0) -> Child:
        self.starts += 1
        argv = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", str(self.workdir),
                "--protected-mode", "yes", "--daemonize", "no"]
        self.child = self.children.start(f"redis-{self.starts}", argv,
                                         self.workdir / "redis.log", grace_s=5.0)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.ping():
                return self.child
            if not self.child.alive():
                break
            time.sleep(0.05)
        raise RuntimeError(f"redis-server on port {self.port} did not start; see redis.log")

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def kill(self) -> int | None:
        """SIGKILL (no shutdown, no save): a crash."""
        if self.child is None:
            return None
        pid = self.child.pid
        self.child.signal_group(signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.child.process.wait(5)
        return pid
