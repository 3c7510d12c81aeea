"""``python -m benchmarks.llm``: start the fake vendor and the proxy, measure, write the report.

The fake vendor (``benchmarks.llm.fake``) and the proxy (``python -m proxy serve`` with the real
detection pool) are subprocesses; this process is the client. The proxy's config directory is
written into a temporary directory: ``vendors/openai.yaml`` (the sample contract as it is),
``proxy.yaml`` with the placeholder store's SQLite file and the audit file next to it. The vault
key comes from ``PROXY_VAULT_KEY`` (a benchmark key when unset).
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
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp
import psutil

from benchmarks.llm import report
from benchmarks.llm.breakdown import detector_alone
from benchmarks.llm.core import Bench, Setup
from benchmarks.servers import REPO, Server, start_announcing, start_proxy

OUT = Path(__file__).resolve().parents[1] / "out"
NOTES = Path(__file__).resolve().parent / "NOTES.md"
VAULT_KEY = "benchmark-vault-key-0123456789abcdef"


class HttpVendorLog:
    """The fake's record over its ``/_bench`` routes."""

    def __init__(self, url: str) -> None:
        self.url = url

    async def reset(self) -> None:
        async with aiohttp.ClientSession() as session, session.post(
                f"{self.url}/_bench/reset") as answer:
            answer.raise_for_status()

    async def received(self) -> list[tuple[str, list[str]]]:
        async with aiohttp.ClientSession() as session, session.get(
                f"{self.url}/_bench/received") as answer:
            answer.raise_for_status()
            lines = (await answer.read()).splitlines()
        items = [json.loads(line) for line in lines if line.strip()]
        return [(item["body"], item["headers"]) for item in items]


def write_config(workdir: Path, name: str, workers: int) -> tuple[Path, Path]:
    """A proxy config directory (the openai contract) and its audit file."""
    config = workdir / name
    (config / "vendors").mkdir(parents=True)
    shutil.copy(REPO / "config" / "vendors" / "openai.yaml", config / "vendors" / "openai.yaml")
    audit = workdir / f"audit-{name}.jsonl"
    (config / "proxy.yaml").write_text(
        "analyzer:\n"
        f"  workers: {workers}\n"
        "admin:\n  enabled: false\n"
        f"audit:\n  sink: {audit}\n"
        f"stores:\n  backend: sqlite\n  sqlite_path: {workdir / (name + '.sqlite3')}\n")
    return config, audit


def read_audit(path: Path) -> list[dict[str, Any]]:
    """The complete records of the audit file so far."""
    if not path.exists():
        return []
    records = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return [r for r in records if r.get("phase") == "complete"]


def cpu_model() -> str:
    """The CPU's model name (``/proc/cpuinfo``)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def _cmdline(process: psutil.Process) -> list[str]:
    try:
        return list(process.cmdline())
    except psutil.Error:
        return []


def meta(args: argparse.Namespace, proxy: Server) -> dict[str, Any]:
    """Machine and run facts for the report."""
    workers = sum("spawn_main" in " ".join(_cmdline(process)) for process in proxy.processes())
    return {"started": time.strftime("%Y-%m-%d %H:%M:%S"), "cpus": os.cpu_count(),
            "cpu_model": cpu_model(), "python": platform.python_version(),
            "platform": platform.platform(), "workers": workers or args.workers,
            "load_average_at_start": os.getloadavg()}


def idle_cpu(proxy: Server, seconds: float = 3.0) -> tuple[float, float]:
    """The proxy's CPU milliseconds a second while idle (process, workers)."""
    before = proxy.cpu_split()
    time.sleep(seconds)
    after = proxy.cpu_split()
    return ((after[0] - before[0]) * 1000 / seconds, (after[1] - before[1]) * 1000 / seconds)


def log(message: str) -> None:
    """Progress on stderr."""
    print(message, file=sys.stderr, flush=True)


def measure(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    """Start the servers, run the bench, stop them; the results."""
    os.environ.setdefault("PROXY_VAULT_KEY", VAULT_KEY)
    pacing = {"first_token_ms": args.first_token_ms, "chunk_ms": args.chunk_ms,
              "answer_tokens": args.answer_tokens}
    fake = start_announcing("fake-model", [
        "benchmarks.llm.fake", "--first-token-ms", str(args.first_token_ms), "--chunk-ms",
        str(args.chunk_ms), "--answer-tokens", str(args.answer_tokens)], workdir)
    try:
        config, audit = write_config(workdir, "config", args.workers)
        log("starting the proxy (detection workers warm up) ...")
        proxy = start_proxy("proxy-llm", config, fake.url, workdir)
        try:
            facts = meta(args, proxy)
            facts["idle_cpu_ms_per_s"] = idle = idle_cpu(proxy)
            setup = Setup(fake_url=fake.url, proxy_url=proxy.url, vendor=HttpVendorLog(fake.url),
                          levels=args.levels, follow_up=args.follow_up, rounds=args.rounds,
                          warmup=args.warmup,
                          pacing=pacing, audit=lambda: read_audit(audit), control=args.control,
                          cpu=proxy.cpu_split, idle_cpu_per_s=(idle[0] / 1000, idle[1] / 1000))
            results = asyncio.run(Bench(setup, log).run())
        finally:
            proxy.stop()
    finally:
        fake.stop()
    facts["load_average_at_end"] = os.getloadavg()
    results["meta"] = facts
    return results


def _levels(text: str) -> list[tuple[int, int]]:
    """``1:8,8:40`` as ``[(1, 8), (8, 40)]``."""
    pairs = [item.split(":") for item in text.split(",") if item]
    return [(int(c), int(n)) for c, n in pairs]


def build_parser() -> argparse.ArgumentParser:
    """The command line of ``python -m benchmarks.llm``."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.llm", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--levels", type=_levels, default=_levels("1:6,8:40"),
                        metavar="C:N,...", help="new conversations: concurrency:requests per "
                        "side (default 1:6,8:40)")
    parser.add_argument("--follow-up", type=int, default=32,
                        help="next-turn requests per side at the highest concurrency (0: none)")
    parser.add_argument("--rounds", type=int, default=2, help="alternating direct/proxy rounds")
    parser.add_argument("--warmup", type=int, default=2, help="unmeasured proxy requests first")
    parser.add_argument("--first-token-ms", type=float, default=300.0)
    parser.add_argument("--chunk-ms", type=float, default=5.0)
    parser.add_argument("--answer-tokens", type=int, default=300,
                        help="fake answer length in words, placeholders not counted")
    parser.add_argument("--control", type=int, default=8,
                        help="one-line prompt requests per side, the fixed cost (0: none)")
    parser.add_argument("--workers", type=int, default=0, help="proxy detection workers (0: cores)")
    parser.add_argument("--no-detector-alone", action="store_true",
                        help="skip timing the detector alone on the prompt in this process")
    parser.add_argument("--render-only", action="store_true",
                        help="measure nothing: write LLM.md again from OUT/llm.json and the notes")
    parser.add_argument("--notes", type=Path, default=NOTES,
                        help="markdown appended to the report (default: benchmarks/llm/NOTES.md)")
    return parser


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # so the finally blocks stop the servers this run started


def main(argv: list[str] | None = None) -> int:
    """Measure, time the detector alone, write ``LLM.md`` and ``llm.json``."""
    args = build_parser().parse_args(argv)
    notes = args.notes.read_text() if args.notes and args.notes.exists() else ""
    if args.render_only:
        results = json.loads((args.out / report.JSON_NAME).read_text())
        log(f"wrote {report.write(results, args.out, notes)}")
        return 0
    signal.signal(signal.SIGTERM, _interrupt)
    with tempfile.TemporaryDirectory(prefix="bench-llm-") as tmp:
        results = measure(args, Path(tmp))
    if not args.no_detector_alone:
        log("timing the detector alone on the prompt ...")
        results["detector_alone"] = detector_alone()
    path = report.write(results, args.out, notes)
    targets = results["targets"]
    log(f"wrote {path}: added TTFT p50 {targets['added_ttft_p50_ms']:.1f} ms at c="
        f"{targets['concurrency']} (next turn: {targets['next_turn_added_ttft_p50_ms']}), "
        f"throughput {targets['throughput_ratio']:.2f} x, {targets['leaked']} leaks, "
        f"{targets['restored']}/{targets['answers']} restored")
    return 0
