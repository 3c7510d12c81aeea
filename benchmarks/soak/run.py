"""The soak harness: start everything, measure capacity, load at 70 % of it, inject faults on a
schedule, stop everything, check and report.

    python -m benchmarks.soak --minutes 30 --out benchmarks/soak/out
    python -m benchmarks.soak --minutes 3            (smoke run: every fault once, ~5 minutes)
    python -m benchmarks.soak --report-only --out DIR   (analyze and render an earlier run)

Processes (all on 127.0.0.1, each a child in a session of its own, see ``procs``): the policy
store's redis-server, the vendor (``benchmarks.soak.vendor``), the proxy (``python -m proxy
serve`` with its detection workers), the sampler and the load generator. The proxy's log goes
through a pipe to ``proxy.log``; its audit sink is ``audit.jsonl`` in the out directory.

Bounded: a hard deadline (the run's minutes plus the capacity phase plus ``--margin``) raises
in the harness, which then stops every child it started; so do Ctrl-C, SIGTERM and any
exception. Children also die with the harness (parent-death signal), and the vendor, sampler and
load generator have deadlines of their own.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import signal
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import orjson
import yaml

from benchmarks.servers import PSEUDONYMIZE_KEY, REPO
from benchmarks.servers import _env as server_env
from benchmarks.soak import analysis, report
from benchmarks.soak.faults import Injector
from benchmarks.soak.mix import OPT_OUT_PURPOSE, SUBJECTS, parse_mix
from benchmarks.soak.procs import Child, Children, RedisServer, free_port
from benchmarks.soak.schedule import Planned, build_schedule

CONFIG = Path(__file__).resolve().parent / "config"
OUT = Path(__file__).resolve().parent / "out"
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
# Files of a run, removed before a new one writes into the same directory.
RUN_FILES = ("run.json", "results.ndjson", "capacity.ndjson", "vendor.ndjson", "audit.jsonl",
             "faults.ndjson", "processes.ndjson", "metrics.ndjson", "readiness.ndjson",
             "proxy.log", "vendor.log", "redis.log", "sampler.log", "loadgen.log",
             "summary.json", "REPORT.md", "pids.json")


class Deadline(Exception):
    """The harness ran past its hard deadline."""


def _alarm(signum: int, frame: object) -> None:
    raise Deadline("hard deadline reached")


def _terminate(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def log(message: str) -> None:
    print(f"[soak {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _ready(admin: str) -> bool:
    try:
        with _OPENER.open(admin + "/readyz", timeout=2) as answer:
            return int(answer.status) == 200
    except OSError:
        return False


def prepare_config(out: Path, redis_url: str, admin_port: int) -> Path:
    """The soak's config directory copied into the run's, with the run's own audit file, Redis
    and admin port."""
    target = out / "config"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(CONFIG, target)
    settings = yaml.safe_load((target / "proxy.yaml").read_text())
    settings["audit"]["sink"] = str(out / "audit.jsonl")
    settings["stores"]["redis_url"] = redis_url
    settings["admin"]["port"] = admin_port
    (target / "proxy.yaml").write_text(
        "# Written by benchmarks.soak.run from benchmarks/soak/config/proxy.yaml.\n"
        + yaml.safe_dump(settings, sort_keys=False))
    return target


async def _seed(config_dir: Path) -> int:
    """Write the opt-outs and erasures of the mix's subjects with the proxy's own stores."""
    from proxy.config.loader import load_config
    from proxy.policy.runtime import open_policy_runtime

    runtime = open_policy_runtime(load_config(config_dir), force=True)
    assert runtime.keys is not None and runtime.consent is not None
    written = 0
    try:
        for subject, state in SUBJECTS:
            key = runtime.keys.key(subject)
            if state == "opted_out":
                await runtime.consent.opt_out(key, OPT_OUT_PURPOSE)
            elif state == "erased":
                await runtime.consent.erase(key)
            else:
                continue
            written += 1
    finally:
        await runtime.close()
    return written


class Harness:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.out: Path = args.out
        self.py = sys.executable
        env = server_env()
        self.children = Children(env=env, cwd=REPO)
        self.meta: dict[str, Any] = {}
        self.pids: dict[str, int] = {"harness": os.getpid()}
        self.open_faults: dict[int, tuple[Planned, dict[str, Any]]] = {}
        self.injector: Injector | None = None
        self.proxy: Child | None = None

    # -- bookkeeping --------------------------------------------------------------------------

    def save_meta(self) -> None:
        (self.out / "run.json").write_bytes(orjson.dumps(self.meta, option=orjson.OPT_INDENT_2))

    def save_pids(self) -> None:
        temp = self.out / ".pids.json.tmp"
        temp.write_text(json.dumps(self.pids))
        os.replace(temp, self.out / "pids.json")

    def fault_line(self, entry: dict[str, Any]) -> None:
        with open(self.out / "faults.ndjson", "ab") as fh:
            fh.write(orjson.dumps(entry, option=orjson.OPT_APPEND_NEWLINE))

    # -- phases -------------------------------------------------------------------------------

    def start_services(self) -> None:
        args = self.args
        binary = shutil.which("redis-server")
        if binary is None:
            raise SystemExit("redis-server not found (the soak starts its own, never 6379's)")
        self.redis = RedisServer(self.children, args.redis_port or free_port(), self.out, binary)
        self.redis.start()
        self.pids["redis"] = self.redis.child.pid if self.redis.child else 0
        admin_port = free_port()
        self.admin = f"http://127.0.0.1:{admin_port}"
        self.config_dir = prepare_config(self.out, self.redis.url, admin_port)
        seeded = asyncio.run(_seed(self.config_dir))
        log(f"redis-server on {self.redis.port}, {seeded} subjects opted out or erased")

        vendor = self.children.start(
            "vendor", [self.py, "-m", "benchmarks.soak.vendor", "--log",
                       str(self.out / "vendor.ndjson"), "--max-seconds",
                       str(self.deadline_s + 60)],
            self.out / "vendor.log", stdout_pipe=True, death_signal=signal.SIGTERM)
        assert vendor.process.stdout is not None
        line = vendor.process.stdout.readline().decode()
        if not line.startswith("PORT "):
            raise RuntimeError("the vendor did not start; see vendor.log")
        self.vendor_url = f"http://127.0.0.1:{int(line.split()[1])}"
        self.pids["vendor"] = vendor.pid

        port = free_port()
        self.proxy_url = f"http://127.0.0.1:{port}"
        self.proxy = self.children.start(
            "proxy", [self.py, "-m", "proxy", "serve", "--config", str(self.config_dir),
                      "--host", "127.0.0.1", "--port", str(port), "--admin-port",
                      str(admin_port), "--upstream-override", f"*={self.vendor_url}",
                      "--log-level", "INFO"],
            self.out / "proxy.log", grace_s=40.0, death_signal=signal.SIGTERM)
        self.pids["proxy"] = self.proxy.pid
        deadline = time.monotonic() + args.start_timeout
        while not _ready(self.admin):
            if not self.proxy.alive():
                raise RuntimeError(f"the proxy exited ({self.proxy.process.returncode}); "
                                   "see proxy.log")
            if time.monotonic() > deadline:
                raise RuntimeError("the proxy was not ready in time; see proxy.log")
            time.sleep(0.25)
        log(f"proxy ready on {port} (admin {admin_port}), pid {self.proxy.pid}")
        self.save_pids()
        sampler = self.children.start(
            "sampler", [self.py, "-m", "benchmarks.soak.sampler", "--pids-file",
                        str(self.out / "pids.json"), "--admin", self.admin, "--out",
                        str(self.out), "--seconds", str(self.deadline_s), "--ports",
                        (f"listen={port},admin={admin_port},redis={self.redis.port},"
                        f"vendor={self.vendor_url.rsplit(':', 1)[1]}")],
            self.out / "sampler.log")
        self.pids["sampler"] = sampler.pid
        self.save_pids()
        self.injector = Injector(
            proxy_pid=self.proxy.pid, vendor_url=self.vendor_url, config_dir=self.config_dir,
            audit_path=self.out / "audit.jsonl", redis_kill=self.redis.kill,
            redis_start=self._redis_start, reseed=lambda: asyncio.run(_seed(self.config_dir)))

    def _redis_start(self) -> int:
        child = self.redis.start()
        self.pids["redis"] = child.pid
        self.save_pids()
        return child.pid

    def capacity(self) -> dict[str, Any]:
        args = self.args
        if args.capacity_rps:
            return {"ok_per_s": args.capacity_rps, "given": True}
        log(f"capacity: closed loop on the redacting route, {args.capacity_concurrency} callers, "
            f"{args.capacity_warmup:g} + {args.capacity_seconds:g} s")
        child = self.children.start(
            "capacity", [self.py, "-m", "benchmarks.soak.loadgen", "closed", "--url",
                         self.proxy_url, "--out", str(self.out / "capacity.ndjson"),
                         "--kind", "redacting", "--concurrency", str(args.capacity_concurrency),
                         "--warmup", str(args.capacity_warmup), "--seconds",
                         str(args.capacity_seconds)],
            self.out / "loadgen.log", stdout_pipe=True)
        self.pids["loadgen"] = child.pid
        self.save_pids()
        output, _ = child.process.communicate(
            timeout=args.capacity_warmup + args.capacity_seconds + 120)
        if child.process.returncode != 0:
            raise RuntimeError("the capacity phase failed; see loadgen.log")
        result: dict[str, Any] = json.loads(output.decode().strip().splitlines()[-1])
        log(f"capacity: {result['ok_per_s']:.1f} req/s ok ({result['ok']} ok, "
            f"{result['answered'] - result['ok']} other answers, {result['errors']} errors)")
        return result

    def soak(self, rate: float) -> None:
        args = self.args
        seconds = args.minutes * 60.0
        schedule = build_schedule(args.minutes, args.reload_every)
        self.meta["schedule"] = [{"name": p.name, "at_s": p.at_s, "duration_s": p.duration_s,
                                  "params": p.params} for p in schedule]
        actions: list[tuple[float, int, str, int, Planned]] = []
        for i, planned in enumerate(schedule):
            actions.append((planned.at_s, 1, "start", i, planned))
            if planned.duration_s > 0:
                actions.append((planned.end_s, 0, "end", i, planned))
        actions.sort(key=lambda a: (a[0], a[1]))  # at one instant, a fault ends before the next
        loadgen = self.children.start(
            "loadgen", [self.py, "-m", "benchmarks.soak.loadgen", "open", "--url",
                        self.proxy_url, "--out", str(self.out / "results.ndjson"),
                        "--rate", f"{rate:.3f}", "--seconds", str(seconds)]
            + (["--mix", args.mix] if args.mix else []),
            self.out / "loadgen.log")
        t0 = time.time()
        self.meta["t_soak_start"] = t0
        self.pids["loadgen"] = loadgen.pid
        self.save_pids()
        self.save_meta()
        log(f"soak: {rate:.1f} req/s for {args.minutes:g} min, {len(schedule)} scheduled faults")
        for at, _, phase, index, planned in actions:
            while time.time() < t0 + at:
                if not loadgen.alive():
                    raise RuntimeError("the load generator stopped early; see loadgen.log")
                if self.proxy is not None and not self.proxy.alive():
                    raise RuntimeError("the proxy died; see proxy.log")
                time.sleep(min(0.2, max(0.0, t0 + at - time.time())))
            if phase == "start":
                self._fault_start(index, planned)
            else:
                self._fault_end(index)
        loadgen.process.wait(timeout=max(0.0, t0 + seconds - time.time()) + 60)
        self.meta["t_soak_end"] = t0 + seconds
        log("soak phase done")

    def _fault_start(self, index: int, planned: Planned) -> None:
        assert self.injector is not None
        entry: dict[str, Any] = {"name": planned.name, "planned_at_s": planned.at_s,
                                 "planned_duration_s": planned.duration_s, "start": time.time()}
        try:
            entry["details_start"] = self.injector.start(planned)
        except Exception as exc:  # noqa: BLE001 - a failed injection is reported, not fatal
            entry["error"] = f"start: {type(exc).__name__}: {exc}"
        if planned.name != "reload":
            log(f"fault {planned.name} started: {entry.get('details_start', entry.get('error'))}")
        self.open_faults[index] = (planned, entry)
        if planned.duration_s == 0:
            self._fault_end(index)

    def _fault_end(self, index: int) -> None:
        assert self.injector is not None
        planned, entry = self.open_faults.pop(index)
        try:
            entry["details_end"] = self.injector.end(planned)
        except Exception as exc:  # noqa: BLE001
            entry["error"] = (entry.get("error", "") + f" end: {type(exc).__name__}: {exc}").strip()
        entry["end"] = time.time()
        if planned.name != "reload":
            log(f"fault {planned.name} ended after {entry['end'] - entry['start']:.1f} s")
        self.fault_line(entry)

    def end_open_faults(self) -> None:
        """Undo faults still in force (an interrupted run): vendor mode, limits, contract."""
        for index in list(self.open_faults):
            self._fault_end(index)

    # -- the whole run ------------------------------------------------------------------------

    @property
    def deadline_s(self) -> float:
        a = self.args
        return a.minutes * 60 + a.capacity_warmup + a.capacity_seconds + a.margin

    def run(self) -> int:
        args = self.args
        self.out.mkdir(parents=True, exist_ok=True)
        for name in RUN_FILES:
            (self.out / name).unlink(missing_ok=True)
        os.environ["PROXY_PSEUDONYMIZE_KEY"] = PSEUDONYMIZE_KEY  # the seeding uses the proxy's key
        self.meta = {
            "started": time.strftime("%Y-%m-%d %H:%M:%S %Z"), "minutes": args.minutes,
            "cpus": os.cpu_count(), "python": platform.python_version(),
            "loadavg_start": os.getloadavg(), "load_fraction": args.load_fraction,
            "mix": parse_mix(args.mix), "reload_every_s": args.reload_every,
            "settle_s": 10.0 if args.minutes >= 10 else 5.0,
            "capacity_warmup_s": args.capacity_warmup, "deadline_s": self.deadline_s,
        }
        signal.signal(signal.SIGALRM, _alarm)
        signal.signal(signal.SIGTERM, _terminate)
        # Ctrl-C stops the run even when a shell started the harness with SIGINT ignored.
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.alarm(int(self.deadline_s))
        soaked = False
        try:
            self.start_services()
            self.meta["proxy_pid"] = self.pids["proxy"]
            capacity = self.capacity()
            self.meta["capacity"] = capacity
            self.meta["capacity_given"] = bool(capacity.get("given"))
            rate = max(1.0, args.load_fraction * float(capacity["ok_per_s"]))
            self.meta["rate"] = rate
            self.save_meta()
            soaked = True
            self.soak(rate)
            time.sleep(3)  # the sampler sees the end of the run
            self.meta["proxy_alive_at_end"] = self.proxy is not None and self.proxy.alive()
        except (Deadline, KeyboardInterrupt, SystemExit) as exc:
            log(f"stopping early: {type(exc).__name__} {exc}")
            self.meta["interrupted"] = f"{type(exc).__name__} {exc}"
            self.meta.setdefault("t_soak_end", time.time())
        finally:
            signal.alarm(0)
            try:
                self.end_open_faults()
            finally:
                self.meta.setdefault("proxy_alive_at_end",
                                     self.proxy is not None and self.proxy.alive())
                self.children.stop_all()
                if self.proxy is not None:
                    self.meta["proxy_exit_code"] = self.proxy.process.returncode
                self.save_meta()
                log("every child stopped")
        if not soaked:
            return 1
        signal.alarm(600)  # the analysis is bounded too
        try:
            path = write(self.out)
        finally:
            signal.alarm(0)
        log(f"wrote {path}")
        return 0 if "interrupted" not in self.meta else 1


def write(out: Path, plots: bool = True) -> Path:
    summary = analysis.analyze(out)
    path = report.write_report(summary, out, plots=plots)
    for row in summary["targets"]:
        verdict = {True: "met", False: "NOT MET", None: "n/a"}[row["met"]]
        print(f"{verdict:8} {row['target']}: {row['measured']}", file=sys.stderr)
    return path


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.soak", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=30.0,
                        help="length of the soak phase; the fault schedule scales with it")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--load-fraction", type=float, default=0.7,
                        help="share of the measured redacting capacity to offer")
    parser.add_argument("--capacity-seconds", type=float, default=20.0)
    parser.add_argument("--capacity-warmup", type=float, default=5.0)
    parser.add_argument("--capacity-concurrency", type=int, default=32)
    parser.add_argument("--capacity-rps", type=float, default=None,
                        help="skip the capacity phase and take this figure")
    parser.add_argument("--mix", default=None,
                        help="e.g. redacting=0.45,structured=0.25,streaming=0.1,policy=0.2")
    parser.add_argument("--reload-every", type=float, default=30.0,
                        help="seconds between valid contract reloads (0: none)")
    parser.add_argument("--redis-port", type=int, default=None,
                        help="port of the harness's own redis-server (default: a free one)")
    parser.add_argument("--start-timeout", type=float, default=240.0,
                        help="seconds the proxy may take to become ready")
    parser.add_argument("--margin", type=float, default=420.0,
                        help="seconds added to the run for start-up and shutdown (hard deadline)")
    parser.add_argument("--report-only", action="store_true",
                        help="analyze the files already in --out and write the report")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.report_only:
        log(f"wrote {write(args.out)}")
        return 0
    if args.minutes <= 0:
        raise SystemExit("--minutes must be positive")
    return Harness(args).run()
