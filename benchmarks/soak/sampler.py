"""The soak's sampler, a process of its own so that its reads never stall the load or the faults.

    python -m benchmarks.soak.sampler --pids-file F --admin URL --out DIR --seconds S

Three loops, each writing JSON lines into ``DIR``:

- ``processes.ndjson``, every ``--interval`` (1 s): RSS, open file descriptors and CPU time of
  every process of the run: the proxy and each of its children (detection workers, the
  multiprocessing resource tracker), the vendor, redis-server, the load generator and the
  harness; for the proxy also its TCP sockets by kind (``--ports``). The pids come from ``--pids-file``, which the harness rewrites when it restarts
  redis; the proxy's children are listed afresh each time (a killed worker's replacement shows
  up as a new pid).
- ``system.ndjson``, every ``--interval``: the machine's busy CPU time and load average, so a
  run on a shared machine shows how much CPU other work took.
- ``metrics.ndjson``, every ``--interval``: the proxy's ``/metrics`` lines the report uses
  (event-loop lag gauge and histogram, detection queue depth, workers ready).
- ``readiness.ndjson``, every ``--ready-interval`` (0.25 s): ``/readyz`` of the admin port, one
  line per change of state (ready, not ready, unreachable) or of contract version.

Only 127.0.0.1 is ever contacted. Bounded by ``--seconds``.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO, Any

import orjson
import psutil

_METRIC_PREFIXES = (
    "privacy_proxy_event_loop_lag",
    "privacy_proxy_detection_queue_depth",
    "privacy_proxy_detection_workers_ready",
)


# No proxy from the environment: the admin port is on 127.0.0.1 and nothing else is contacted.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _get(url: str, timeout: float) -> tuple[int, bytes]:
    try:
        with _OPENER.open(url, timeout=timeout) as answer:
            return int(answer.status), bytes(answer.read())
    except urllib.error.HTTPError as exc:
        return int(exc.code), bytes(exc.read())


def _write(out: IO[bytes], entry: dict[str, Any]) -> None:
    out.write(orjson.dumps(entry, option=orjson.OPT_APPEND_NEWLINE))
    out.flush()


def proc_role(proxy_pid: int, proc: psutil.Process) -> str:
    """``worker`` for a detection worker, ``proxy-helper`` for the resource tracker."""
    if proc.pid == proxy_pid:
        return "proxy"
    try:
        cmdline = " ".join(proc.cmdline())
    except psutil.Error:
        return "proxy-child"
    return "proxy-helper" if "resource_tracker" in cmdline else "worker"


def socket_kinds(proc: psutil.Process, ports: dict[str, int]) -> dict[str, int]:
    """The proxy's TCP sockets by what they connect: ``callers`` (accepted on its port),
    ``vendor``, ``redis``, ``admin`` (scrapes and probes), ``listening`` and ``other``. Tells a
    connection pool grown to a new high-water mark from descriptors that leak."""
    by_port = {port: name for name, port in ports.items() if name in ("vendor", "redis")}
    kinds: dict[str, int] = {}
    for conn in proc.net_connections(kind="tcp"):
        if conn.status == psutil.CONN_LISTEN:
            kind = "listening"
        elif conn.laddr and conn.laddr.port == ports.get("listen"):
            kind = "callers"
        elif conn.laddr and conn.laddr.port == ports.get("admin"):
            kind = "admin"
        elif conn.raddr and conn.raddr.port in by_port:
            kind = by_port[conn.raddr.port]
        else:
            kind = "other"
        kinds[kind] = kinds.get(kind, 0) + 1
    return kinds


def sample_processes(pids: dict[str, int], ports: dict[str, int] | None = None
                     ) -> list[dict[str, Any]]:
    """One line per live process of the run (the proxy's with its sockets by kind)."""
    now = time.time()
    found: list[tuple[str, psutil.Process]] = []
    for role, pid in pids.items():
        try:
            proc = psutil.Process(pid)
        except psutil.Error:
            continue
        found.append((role, proc))
        if role == "proxy":
            try:
                children = proc.children(recursive=True)
            except psutil.Error:
                children = []
            found += [(proc_role(pid, child), child) for child in children]
    lines = []
    for role, proc in found:
        try:
            with proc.oneshot():
                times = proc.cpu_times()
                line = {"t": now, "role": role, "pid": proc.pid, "rss": proc.memory_info().rss,
                        "fds": proc.num_fds(), "cpu": times.user + times.system}
                if role == "proxy" and ports:
                    line["sockets"] = socket_kinds(proc, ports)
                lines.append(line)
        except psutil.Error:
            continue
    return lines


def sample_system() -> dict[str, Any]:
    """The machine's busy CPU seconds so far (all processes) and load average: on a shared
    machine, what the run's own processes did not use was someone else's."""
    times = psutil.cpu_times()
    busy = sum(times) - times.idle - getattr(times, "iowait", 0.0)
    return {"t": time.time(), "cpu_busy": busy, "load1": psutil.getloadavg()[0],
            "cpus": psutil.cpu_count()}


def parse_metrics(text: str) -> dict[str, float]:
    """The lines of interest of a Prometheus text page, by name and labels as written."""
    out: dict[str, float] = {}
    for line in text.splitlines():
        if line.startswith(_METRIC_PREFIXES):
            name, _, value = line.rpartition(" ")
            try:
                out[name] = float(value)
            except ValueError:
                continue
    return out


class Sampler:
    def __init__(self, pids_file: Path, admin: str, out: Path, seconds: float, interval: float,
                 ready_interval: float, ports: dict[str, int] | None = None) -> None:
        self.pids_file = pids_file
        self.ports = ports or {}
        self.admin = admin.rstrip("/")
        self.out = out
        self.deadline = time.monotonic() + seconds
        self.interval = interval
        self.ready_interval = ready_interval
        self.stop = threading.Event()

    def _pids(self) -> dict[str, int]:
        try:
            data = json.loads(self.pids_file.read_text())
        except (OSError, ValueError):
            return {}
        return {str(k): int(v) for k, v in data.items() if v}

    def _running(self) -> bool:
        return not self.stop.is_set() and time.monotonic() < self.deadline

    def processes_and_metrics(self) -> None:
        with (open(self.out / "processes.ndjson", "ab") as procs,
              open(self.out / "metrics.ndjson", "ab") as metrics,
              open(self.out / "system.ndjson", "ab") as system):
            next_at = time.monotonic()
            while self._running():
                _write(system, sample_system())
                for line in sample_processes(self._pids(), self.ports):
                    _write(procs, line)
                entry: dict[str, Any] = {"t": time.time()}
                try:
                    status, body = _get(self.admin + "/metrics", timeout=2.0)
                    entry.update(status=status, values=parse_metrics(body.decode()))
                except OSError as exc:
                    entry["err"] = type(exc).__name__
                _write(metrics, entry)
                next_at += self.interval
                self.stop.wait(max(0.0, next_at - time.monotonic()))

    def readiness(self) -> None:
        last: tuple[str, str | None] | None = None
        with open(self.out / "readiness.ndjson", "ab") as out:
            while self._running():
                t = time.time()
                version = None
                try:
                    status, body = _get(self.admin + "/readyz", timeout=2.0)
                    state = "ready" if status == 200 else "not_ready"
                    with_version = orjson.loads(body) if body.startswith(b"{") else {}
                    version = with_version.get("contract_version")
                    checks = with_version.get("checks")
                except OSError as exc:
                    state, checks = "unreachable", {"error": type(exc).__name__}
                if (state, version) != last:
                    _write(out, {"t": t, "state": state, "version": version, "checks": checks})
                    last = (state, version)
                self.stop.wait(self.ready_interval)

    def run(self) -> None:
        threads = [threading.Thread(target=self.processes_and_metrics, daemon=True),
                   threading.Thread(target=self.readiness, daemon=True)]
        for thread in threads:
            thread.start()
        try:
            while any(t.is_alive() for t in threads):
                time.sleep(0.5)
        except KeyboardInterrupt:
            self.stop.set()
        for thread in threads:
            thread.join(5)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pids-file", type=Path, required=True)
    parser.add_argument("--admin", required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--interval", type=float, default=1.0)
    parser.add_argument("--ready-interval", type=float, default=0.25)
    parser.add_argument("--ports", default="",
                        help="listen=P,admin=P,vendor=P,redis=P: to sort the proxy's sockets")
    args = parser.parse_args(argv)
    ports = {name: int(port) for name, _, port in
             (item.partition("=") for item in args.ports.split(",") if item)}
    if not args.admin.startswith("http://127.0.0.1:"):
        raise SystemExit("the sampler reads the proxy on 127.0.0.1 only")
    Sampler(args.pids_file, args.admin, args.out, args.seconds, args.interval,
            args.ready_interval, ports).run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
