"""The benchmark harness: every scenario in one run on the same payloads, then REPORT.md and plots.

    .venv/bin/python -m benchmarks.run            full run (about 4 minutes on 2 cores)
    .venv/bin/python -m benchmarks.run --quick    smoke run (about 1 minute, rough figures)

Scenarios: (a) direct to the recording vendor, (b) a plain aiohttp pass-through proxy, (c) our
proxy with a structured-only contract, (d) our proxy redacting three free-text fields, (e) the
naive per-field Presidio loop on one core, (f) spaCy NER alone on the same free texts (the floor),
then 2 x overload of (d) (open loop at twice its measured throughput) and (d) again with a
micro-batching window. A probe process times ``/_/healthz`` during (d) and the overload to show
the event loop stays responsive. With ``--profile`` py-spy samples the proxy and its workers
during an extra (d) phase. Everything runs as subprocesses; the load generator is this process.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from benchmarks import loadgen, report
from benchmarks.payloads import MAIL_PATH, VENDOR_PATH, count_vendor_leaks, make_payloads
from benchmarks.servers import (
    REPO,
    Server,
    start_announcing,
    start_proxy,
    write_proxy_config,
)

OUT = Path(__file__).resolve().parent / "out"


def _vendor_call(vendor: Server, path: str) -> bytes:
    method = "POST" if path.endswith("reset") else "GET"
    request = urllib.request.Request(f"{vendor.url}{path}", method=method, data=b"" if
                                     method == "POST" else None)
    with urllib.request.urlopen(request, timeout=60) as answer:
        return bytes(answer.read())


def _received_bodies(vendor: Server) -> list[bytes]:
    lines = _vendor_call(vendor, "/_bench/received").splitlines()
    return [json.loads(line).encode() for line in lines if line]


def _summary(result: loadgen.LoadResult) -> dict[str, Any]:
    return {
        "name": result.name,
        "duration_s": result.duration_s,
        "ok": result.ok,
        "sent": result.sent,
        "throughput_rps": result.throughput_rps,
        "statuses": {str(k): v for k, v in result.statuses.items()},
        "errors": dict(result.errors),
        "retry_after_seen": result.retry_after_seen,
        "ok_latencies_ms": result.ok_latencies_ms,
        "rejected_latencies_ms": result.rejected_latencies_ms,
    }


class Harness:
    def __init__(self, args: argparse.Namespace, workdir: Path) -> None:
        self.args = args
        self.workdir = workdir
        self.payloads = make_payloads(args.payloads)
        self.results: dict[str, Any] = {"scenarios": {}, "meta": {}}
        self.pin_load = {0} if args.pin else None
        self.pin_servers = {1} if args.pin else None

    def log(self, message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    # -- load phases ----------------------------------------------------------------------

    def closed(self, key: str, label: str, server: Server | None, url: str,
               vendor: Server, seconds: float | None = None, probe: bool = False,
               leaks: bool = False, concurrency: int | None = None) -> dict[str, Any]:
        seconds = seconds or self.args.seconds
        concurrency = concurrency or self.args.concurrency
        _vendor_call(vendor, "/_bench/reset")
        probe_proc = self._start_probe(server, seconds) if probe and server else None
        split_before = server.cpu_split() if server else (0.0, 0.0)
        cpu_before = sum(split_before)
        vendor_before = vendor.cpu_seconds()
        result = asyncio.run(loadgen.closed_loop(
            label, url, self.payloads, concurrency, seconds, self.args.warmup,
            quiet=self.args.quiet))
        split_after = server.cpu_split() if server else (0.0, 0.0)
        cpu = (sum(split_after) - cpu_before) if server else None
        summary = _summary(result)
        summary["label"] = label
        # The warm-up requests are in the CPU figure too: divide by everything sent in the window.
        total = result.sent + self._warmup_estimate(result)
        summary["server_cpu_ms_per_request"] = (cpu * 1000 / total) if cpu is not None else None
        if server is not None:
            # The server process itself and its children (the detection workers) apart.
            summary["server_cpu_split_ms_per_request"] = [
                (after - before) * 1000 / total for before, after in zip(split_before, split_after)]
        summary["server_cpu_cores_busy"] = (
            cpu / (result.duration_s + self.args.warmup) if cpu is not None else None)
        summary["vendor_cpu_ms_per_request"] = (vendor.cpu_seconds() - vendor_before) * 1000 / total
        if probe_proc is not None:
            summary["healthz_ms"] = self._finish_probe(probe_proc)
        if leaks:
            found = count_vendor_leaks(self.payloads, _received_bodies(vendor))
            summary["leaks"] = {"checked": found.checked, "leaked": found.leaked,
                                "by_entity": dict(found.by_entity)}
        self.results["scenarios"][key] = summary
        self.log(f"{label}: {result.throughput_rps:,.0f} req/s ok, {result.ok} ok")
        return summary

    def _warmup_estimate(self, result: loadgen.LoadResult) -> int:
        # Requests of the warm-up phase, estimated from the measured rate (not recorded).
        return round(result.sent / result.duration_s * self.args.warmup) if result.duration_s \
            else 0

    def _start_probe(self, server: Server, seconds: float) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-m", "benchmarks.probe", "--port", str(server.port),
             "--seconds", str(seconds + self.args.warmup)],
            stdout=subprocess.PIPE, cwd=REPO)

    @staticmethod
    def _finish_probe(process: subprocess.Popen[bytes]) -> list[float]:
        out, _ = process.communicate(timeout=120)
        return list(json.loads(out))

    def idle_probe(self, server: Server) -> list[float]:
        process = self._start_probe(server, 2.0 - self.args.warmup if self.args.warmup < 2 else 2)
        return self._finish_probe(process)

    # -- scenarios --------------------------------------------------------------------------

    def run(self) -> None:
        args = self.args
        self.results["meta"] = {
            "started": time.strftime("%Y-%m-%d %H:%M:%S"),
            "cpus": os.cpu_count(), "python": platform.python_version(),
            "platform": platform.platform(), "concurrency": args.concurrency,
            "seconds": args.seconds, "warmup_s": args.warmup, "payloads": len(self.payloads),
            "payload_bytes_mean": sum(len(p.body) for p in self.payloads) / len(self.payloads),
            "workers": args.workers, "queue_size": args.queue_size, "pinned": args.pin,
            "quick": args.quick,
            "load_average_at_start": os.getloadavg(),
        }
        if self.wants("f"):
            self.log("(f) spaCy NER floor ...")
            self.results["floor"] = self._json_subprocess(
                ["benchmarks.floor", "--payloads", str(min(300, args.payloads)), "--cpu", "1"])
        if self.wants("e"):
            self.log("(e) naive per-field Presidio loop ...")
            naive = self._json_subprocess(
                ["benchmarks.naive", "--payloads", str(min(200, args.payloads)), "--seconds",
                 str(args.naive_seconds), "--cpu", "1"])
            self.results["naive"] = naive

        vendor = start_announcing("vendor", ["benchmarks.vendor"], self.workdir, self.pin_load)
        try:
            if self.wants("a"):
                self.closed("a", "(a) direct to vendor", None, vendor.url + VENDOR_PATH, vendor)
            if self.wants("b"):
                passthrough = start_announcing(
                    "passthrough", ["benchmarks.passthrough", "--upstream", vendor.url],
                    self.workdir, self.pin_servers)
                try:
                    self.closed("b", "(b) aiohttp pass-through", passthrough,
                                passthrough.url + MAIL_PATH, vendor)
                finally:
                    passthrough.stop()
            self._proxy_scenarios(vendor)
        finally:
            vendor.stop()

    def wants(self, key: str) -> bool:
        """Whether scenario ``key`` runs (all of them unless ``--only`` names some)."""
        return self.args.only is None or key in self.args.only

    def _proxy_scenarios(self, vendor: Server) -> None:
        args = self.args
        if self.wants("c"):
            structured = start_proxy(
                "proxy-structured",
                write_proxy_config("structured", self.workdir, args.workers, args.queue_size, 0),
                vendor.url, self.workdir, self.pin_servers)
            try:
                self.closed("c", "(c) proxy, structured only", structured,
                            structured.url + MAIL_PATH, vendor, leaks=True)
            finally:
                structured.stop()
        if not self.wants("d"):  # (d), its overload and window phases
            return

        config = write_proxy_config("redact", self.workdir, args.workers, args.queue_size, 0)
        proxy = start_proxy("proxy-redact", config, vendor.url, self.workdir, self.pin_servers)
        try:
            self.results["healthz_idle_ms"] = self.idle_probe(proxy)
            d = self.closed("d", "(d) proxy, 3 fields redacted", proxy, proxy.url + MAIL_PATH,
                            vendor, probe=True, leaks=True)
            if args.compare_window:
                self.closed("d_c4", "(d) no window, concurrency 4", proxy,
                            proxy.url + MAIL_PATH, vendor, seconds=args.seconds / 2,
                            concurrency=4)
            rate = max(2.0, 2 * d["throughput_rps"])
            self.log(f"overload: open loop at {rate:,.0f} req/s (2 x (d)) ...")
            probe = self._start_probe(proxy, args.overload_seconds)
            time.sleep(args.warmup)
            over = asyncio.run(loadgen.open_loop(
                "(d) at 2x overload", proxy.url + MAIL_PATH, self.payloads, rate,
                args.overload_seconds, quiet=args.quiet))
            summary = _summary(over)
            summary["label"] = "(d) at 2x overload"
            summary["offered_rps"] = rate
            summary["healthz_ms"] = self._finish_probe(probe)
            self.results["scenarios"]["overload"] = summary
            time.sleep(2)  # let the queue drain before the next phase
            if args.profile:
                self.results["profile"] = self._profile(proxy, vendor)
        finally:
            proxy.stop()

        if args.compare_window:
            window = args.compare_window
            config = write_proxy_config("redact", self.workdir, args.workers, args.queue_size,
                                        window)
            windowed = start_proxy("proxy-redact-window", config, vendor.url, self.workdir,
                                   self.pin_servers)
            try:
                self.closed("d_window", f"(d) with a {window:g} ms batch window", windowed,
                            windowed.url + MAIL_PATH, vendor, leaks=True)
                self.closed("d_window_c4", f"(d) {window:g} ms window, concurrency 4", windowed,
                            windowed.url + MAIL_PATH, vendor, seconds=args.seconds / 2,
                            concurrency=4)
            finally:
                windowed.stop()

    def _profile(self, proxy: Server, vendor: Server) -> dict[str, Any]:
        """Sample the proxy and its workers with py-spy during a (d) load phase."""
        raw = self.workdir / "profile.txt"
        spy = Path(sys.executable).with_name("py-spy")
        seconds = self.args.seconds
        sampler = subprocess.Popen(
            [str(spy), "record", "--pid", str(proxy.process.pid), "--subprocesses", "--format",
             "raw", "--rate", "250", "--duration", str(int(seconds)), "--output", str(raw),
             "--nonblocking"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        asyncio.run(loadgen.closed_loop("(d) under py-spy", proxy.url + MAIL_PATH,
                                        self.payloads, self.args.concurrency, seconds, 0.0,
                                        quiet=self.args.quiet))
        sampler.wait(timeout=60)
        return report.summarize_profile(raw) if raw.exists() else {"error": "no py-spy output"}

    def _json_subprocess(self, args: list[str]) -> dict[str, Any]:
        env = dict(os.environ)
        env["PYTHONPATH"] = str(REPO)
        out = subprocess.run([sys.executable, "-m", *args], capture_output=True, check=True,
                             cwd=REPO, env=env, timeout=900).stdout
        data: dict[str, Any] = json.loads(out)
        return data


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="short smoke run, rough figures")
    parser.add_argument("--seconds", type=float, default=15.0, help="measured time per scenario")
    parser.add_argument("--warmup", type=float, default=2.0, help="unrecorded load first")
    parser.add_argument("--overload-seconds", type=float, default=15.0)
    parser.add_argument("--naive-seconds", type=float, default=15.0)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--payloads", type=int, default=500)
    parser.add_argument("--workers", type=int, default=0, help="proxy detection workers (0: cores)")
    parser.add_argument("--queue-size", type=int, default=256)
    parser.add_argument("--batch-window-ms", type=float, default=0.0,
                        help=argparse.SUPPRESS)
    parser.add_argument("--compare-window", type=float, default=2.0, metavar="MS",
                        help="also run (d) with this micro-batching window (0: skip)")
    parser.add_argument("--pin", action="store_true",
                        help="pin load generator and vendor to CPU 0, servers to CPU 1")
    parser.add_argument("--profile", action="store_true", help="py-spy the proxy during (d)")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    parser.add_argument("--only", type=lambda text: set(text.split(",")), default=None,
                        metavar="KEYS", help="run only these scenarios, e.g. b,c (d includes its "
                        "overload and window phases); writes out/only-KEYS.json, not REPORT.md")
    return parser


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # so the finally blocks stop every server this run started


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)
    if args.quick:
        args.seconds, args.warmup, args.overload_seconds, args.naive_seconds = 3.0, 1.0, 4.0, 3.0
        args.payloads = min(args.payloads, 100)
    if args.pin:
        os.sched_setaffinity(0, {0})
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        harness = Harness(args, Path(tmp))
        harness.run()
    harness.results["meta"]["load_average_at_end"] = os.getloadavg()
    if args.only is not None:  # a partial run: its own file, the full report stays as it was
        path = args.out / f"only-{'-'.join(sorted(args.only))}.json"
        path.write_text(json.dumps(harness.results))
        for key, scenario in harness.results["scenarios"].items():
            cpu = scenario.get("server_cpu_ms_per_request")
            print(f"{key}: {scenario['throughput_rps']:,.0f} req/s"
                  + (f", {cpu:.3f} ms server CPU per request" if cpu is not None else ""))
        print(f"wrote {path}", file=sys.stderr)
        return 0
    (args.out / "results.json").write_text(json.dumps(harness.results))
    report.write(harness.results, args.out)
    print(f"wrote {args.out / 'REPORT.md'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
