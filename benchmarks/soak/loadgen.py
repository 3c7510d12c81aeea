"""The soak's load generator, a process of its own: open loop over the mix, or closed loop on one
kind to measure capacity.

    python -m benchmarks.soak.loadgen open --url URL --rate R --seconds S --out FILE [--mix ...]
    python -m benchmarks.soak.loadgen closed --url URL --kind redacting --concurrency C
        --warmup W --seconds S --out FILE          (prints a JSON summary: ok per second)

Open loop: requests start at ``R`` a second whatever the answers, as callers do, the kind of each
drawn from the mix (seeded). Every request carries its own opaque ``X-Request-Id`` (32 hex
digits), the key that joins this file with the vendor's log and the audit file. One JSON line
per request: ``rid``, ``kind``, ``t0``/``t1`` (epoch seconds), ``status`` (or ``err``: a
client-side failure such as a timeout or a reset), ``reason`` (the proxy's error code when the
answer is its JSON error body), ``subject`` (policy requests: what the store says of the
subject). Bounded by ``--seconds`` plus the client timeout.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import random
import sys
import time
from collections.abc import AsyncIterator
from typing import IO, Any

import aiohttp
import orjson

from benchmarks.soak.mix import KINDS, PATHS, Body, build_bodies, new_request_id, parse_mix
from proxy.server.loop import run as run_loop

_HEADERS = {"Authorization": "Bearer soak-key"}
_STREAM_CHUNKS = 3


def loopback(url: str) -> str:
    """Refuse any target but 127.0.0.1: the soak never leaves the machine."""
    if not url.startswith("http://127.0.0.1:"):
        raise SystemExit(f"{url}: the soak talks to http://127.0.0.1 only")
    return url.rstrip("/")


def _reason(status: int, body: bytes) -> str | None:
    if status < 400 or not body.startswith(b"{"):
        return None
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    reason = document.get("reason") if isinstance(document, dict) else None
    return reason if isinstance(reason, str) else None


async def _chunks(body: bytes) -> AsyncIterator[bytes]:
    step = max(1, len(body) // _STREAM_CHUNKS + 1)
    for start in range(0, len(body), step):
        yield body[start:start + step]
        await asyncio.sleep(0)


class Recorder:
    """Writes one line per request; counts answers for the closed-loop summary."""

    def __init__(self, out: IO[bytes]) -> None:
        self.out = out
        self.record = True
        self.ok = 0
        self.answered = 0
        self.errors = 0

    def write(self, entry: dict[str, Any]) -> None:
        self.out.write(orjson.dumps(entry, option=orjson.OPT_APPEND_NEWLINE))
        if "status" in entry:
            self.answered += 1
            self.ok += 200 <= entry["status"] < 300
        else:
            self.errors += 1


async def send(session: aiohttp.ClientSession, base: str, body: Body, recorder: Recorder) -> None:
    rid = new_request_id()
    headers = {**_HEADERS, "X-Request-Id": rid, "Content-Type": body.content_type}
    data: Any = _chunks(body.body) if body.kind == "streaming" else body.body
    entry: dict[str, Any] = {"rid": rid, "kind": body.kind, "t0": time.time()}
    if body.subject_state is not None:
        entry["subject"] = body.subject_state
    try:
        async with session.post(base + PATHS[body.kind], data=data, headers=headers) as answer:
            payload = await answer.read()
            entry["status"] = answer.status
            reason = _reason(answer.status, payload)
            if reason is not None:
                entry["reason"] = reason
            if "answer withheld" in answer.headers.get("Proxy-Status", ""):
                entry["withheld"] = True  # the vendor's status, its answer not passed on
    except (TimeoutError, aiohttp.ClientError, OSError) as exc:
        entry["err"] = type(exc).__name__
    entry["t1"] = time.time()
    if recorder.record:
        recorder.write(entry)


def _session(limit: int, timeout_s: float) -> aiohttp.ClientSession:
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=limit),
                                 timeout=aiohttp.ClientTimeout(total=timeout_s))


async def open_loop(base: str, rate: float, seconds: float, mix: dict[str, float],
                    recorder: Recorder, timeout_s: float, max_in_flight: int,
                    seed: int = 1) -> None:
    bodies, _ = build_bodies()
    rng = random.Random(seed)
    kinds, weights = list(mix), list(mix.values())
    cursors = {kind: itertools.cycle(bodies[kind]) for kind in KINDS}
    tasks: set[asyncio.Task[None]] = set()
    async with _session(max_in_flight, timeout_s) as session:
        started = time.perf_counter()
        for n in itertools.count():
            due = started + n / rate
            if due - started >= seconds:
                break
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            kind = rng.choices(kinds, weights)[0]
            if len(tasks) >= max_in_flight:
                recorder.write({"rid": None, "kind": kind, "t0": time.time(), "t1": time.time(),
                                "err": "generator_saturated"})
                continue
            task = asyncio.create_task(send(session, base, next(cursors[kind]), recorder))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        if tasks:
            await asyncio.wait(tasks, timeout=timeout_s + 5)


async def closed_loop(base: str, kind: str, concurrency: int, warmup_s: float, seconds: float,
                      recorder: Recorder, timeout_s: float) -> dict[str, Any]:
    bodies, _ = build_bodies()
    cursor = itertools.cycle(bodies[kind])
    stop = False
    async with _session(concurrency, timeout_s) as session:

        async def user() -> None:
            while not stop:
                await send(session, base, next(cursor), recorder)

        recorder.record = False
        users = [asyncio.create_task(user()) for _ in range(concurrency)]
        await asyncio.sleep(warmup_s)
        recorder.record = True
        started = time.perf_counter()
        await asyncio.sleep(seconds)
        elapsed = time.perf_counter() - started
        ok, answered, errors = recorder.ok, recorder.answered, recorder.errors
        stop = True
        await asyncio.wait(users, timeout=timeout_s + 5)
    return {"kind": kind, "concurrency": concurrency, "seconds": elapsed, "ok": ok,
            "answered": answered, "errors": errors, "ok_per_s": ok / elapsed}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="loop", required=True)
    for name in ("open", "closed"):
        p = sub.add_parser(name)
        p.add_argument("--url", required=True, type=loopback)
        p.add_argument("--out", required=True)
        p.add_argument("--seconds", type=float, required=True)
        p.add_argument("--timeout", type=float, default=30.0, help="client timeout per request")
    sub.choices["open"].add_argument("--rate", type=float, required=True)
    sub.choices["open"].add_argument("--mix", default=None)
    sub.choices["open"].add_argument("--max-in-flight", type=int, default=2000)
    sub.choices["closed"].add_argument("--kind", choices=KINDS, default="redacting")
    sub.choices["closed"].add_argument("--concurrency", type=int, default=32)
    sub.choices["closed"].add_argument("--warmup", type=float, default=5.0)
    args = parser.parse_args(argv)
    with open(args.out, "ab") as out:
        recorder = Recorder(out)
        if args.loop == "open":
            with contextlib.suppress(KeyboardInterrupt):
                run_loop(open_loop(args.url, args.rate, args.seconds, parse_mix(args.mix),
                                   recorder, args.timeout, args.max_in_flight))
            return 0
        summary = run_loop(closed_loop(args.url, args.kind, args.concurrency, args.warmup,
                                       args.seconds, recorder, args.timeout))
    json.dump(summary, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
