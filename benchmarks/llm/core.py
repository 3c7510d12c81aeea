"""The measurement: streamed chat completions straight to the fake vendor and through the proxy,
phase by phase, with the correctness checks done on the same requests.

Two scenarios. *New conversation*: every request is a new ticket (its texts never seen by the
proxy, but for the system prompt), the first turn of a conversation; at each concurrency level.
*Next turn*: the following turn of conversations measured before, at the highest concurrency:
their history (texts the proxy has checked already), the answer the agent got, a new request.

Both sides send what the vendor gets from the proxy: the direct baseline sends a prompt as the
fake received it through the proxy in the warm-up (placeholders instead of values), so the fake
plans the same answer (it echoes the prompt's placeholders) with the same number of deltas on
both sides. Through the proxy the answer comes back with the original values.

Each phase pair runs in ``rounds`` alternating halves (direct, then proxy, again...), so a change
of the machine's load during the run falls on both sides.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import orjson

from benchmarks.llm import client, prompt
from benchmarks.llm.client import BodyFor, StreamResult
from benchmarks.llm.figures import (
    NEW,
    NEXT,
    detection_figures,
    diff,
    pair_figures,
    side_figures,
    targets,
)

if TYPE_CHECKING:
    from proxy.fake_model import FakeModel


class VendorLog(Protocol):
    """What the fake vendor received: reset it, read it (body text and header values)."""

    async def reset(self) -> None: ...

    async def received(self) -> list[tuple[str, list[str]]]: ...


class FakeModelLog:
    """``VendorLog`` of an in-process ``proxy.fake_model.FakeModel`` (recording)."""

    def __init__(self, fake: FakeModel) -> None:
        self.fake = fake

    async def reset(self) -> None:
        self.fake.received.clear()

    async def received(self) -> list[tuple[str, list[str]]]:
        return [(item.body.decode("utf-8", "replace"), [value for _, value in item.header_lines])
                for item in self.fake.received]


AuditSource = Callable[[], list[dict[str, Any]]]
CpuSource = Callable[[], tuple[float, float]]  # CPU seconds: proxy process, its workers
DIRECT_HEADERS = {"authorization": "Bearer bench"}


@dataclass
class Setup:
    """Where to send, how much, and what the fake was told (for the report)."""

    fake_url: str
    proxy_url: str
    vendor: VendorLog
    levels: list[tuple[int, int]]  # (concurrency, requests per side), new conversations
    follow_up: int = 32  # next-turn requests per side at the highest concurrency; 0: none
    rounds: int = 2
    warmup: int = 2
    pacing: dict[str, Any] = field(default_factory=dict)
    audit: AuditSource | None = None
    control: int = 8  # one-line prompt requests per side (the proxy's fixed cost); 0: none
    cpu: CpuSource | None = None
    idle_cpu_per_s: tuple[float, float] = (0.0, 0.0)  # the proxy's CPU seconds a second, idle
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:8])


@dataclass
class Phase:
    """One pair of phases: what to send on each side."""

    name: str
    scenario: str
    concurrency: int
    requests: int
    proxy_body: BodyFor
    direct_body: bytes
    conversation: Callable[[int], int] = lambda index: index


class Bench:
    """Runs the phases of a ``Setup`` and gathers what they measured."""

    def __init__(self, setup: Setup, log: Callable[[str], None] = lambda _: None) -> None:
        self.setup = setup
        self.log = log
        self.vendor_body = b""  # a new conversation's prompt as the fake got it (warm-up)
        self.next_vendor_body = b""  # a next turn's
        self.expected_s = 1.0
        self.answered: list[StreamResult] = []  # new conversations answered, to continue
        self._next_index = 1

    @property
    def direct_url(self) -> str:
        """The fake's chat completions URL."""
        return self.setup.fake_url + prompt.CHAT_PATH

    @property
    def proxy_url(self) -> str:
        """The proxy's chat completions URL (the openai contract's route)."""
        return self.setup.proxy_url + prompt.PROXY_PREFIX + prompt.CHAT_PATH

    def indexes(self, count: int) -> int:
        """The first of ``count`` request indexes never used in this run (one ticket each)."""
        first = self._next_index
        self._next_index += count
        return first

    def headers(self, tag: str, conversation: Callable[[int], int]) -> client.HeadersFor:
        """Per request: its conversation (the placeholder scope) and a traceable request id."""
        run = self.setup.run_id
        return lambda i: {**DIRECT_HEADERS, "x-conversation-id": f"{run}-{conversation(i)}",
                          "x-request-id": f"llmbench-{run}-{tag}-{i}"}

    @staticmethod
    def new_body(index: int) -> bytes:
        """Ticket ``index``'s prompt."""
        return orjson.dumps(prompt.chat_body(index))

    def next_turn(self, sources: list[StreamResult]) -> tuple[BodyFor, Callable[[int], int]]:
        """Bodies and conversations of next turns continuing ``sources`` (index i continues
        ``sources[i % len]``: its ticket, its conversation, the answer it got)."""
        def source(index: int) -> StreamResult:
            return sources[index % len(sources)]

        def body(index: int) -> bytes:
            answered = source(index)
            turn = prompt.follow_up(answered.index, answered.content)
            return orjson.dumps(prompt.chat_body(turn=turn))

        return body, lambda index: source(index).index

    async def _proxied(self, tag: str, body: BodyFor, conversation: Callable[[int], int],
                       count: int) -> tuple[list[StreamResult], bytes]:
        """``count`` unmeasured proxy requests; the last prompt as the vendor got it."""
        await self.setup.vendor.reset()
        results = await client.run_load(self.proxy_url, body, self.headers(tag, conversation),
                                        1, count, 0.0, self.indexes(count))
        received = await self.setup.vendor.received()
        if not received or not all(r.ok for r in results):
            raise RuntimeError(f"{tag} through the proxy failed: {client.summarize(results)}")
        return results, received[-1][0].encode()

    async def warm_up(self) -> dict[str, Any]:
        """Proxy requests first: their vendor-side prompts become the direct baseline's."""
        setup = self.setup
        warm, self.vendor_body = await self._proxied("warm", self.new_body, lambda i: i,
                                                     setup.warmup)
        if setup.follow_up:
            body, conversation = self.next_turn(warm)
            more, self.next_vendor_body = await self._proxied("warm-next", body, conversation, 1)
            warm += more
        direct = await client.run_load(self.direct_url, lambda _: self.vendor_body,
                                       lambda _: DIRECT_HEADERS, 1, 1, 0.0)
        if not all(r.ok for r in direct):
            raise RuntimeError(f"warm-up straight to the fake failed: {client.summarize(direct)}")
        self.expected_s = max((r.ttft_ms or 0) / 1000 + r.tail_s for r in warm + direct)
        return {"requests": len(warm) + len(direct), "stream_s": self.expected_s}

    async def control(self, requests: int) -> dict[str, Any]:
        """The proxy's fixed cost: a one-line prompt without personal data, at concurrency 1,
        read to the first token only (the connection is then closed)."""
        body = orjson.dumps({**prompt.chat_body(), "messages": prompt.CONTROL_MESSAGES})
        direct = await client.run_load(self.direct_url, lambda _: body, lambda _: DIRECT_HEADERS,
                                       1, requests, 0.0, first_only=True)
        proxied = await client.run_load(self.proxy_url, lambda _: body,
                                        self.headers("control", lambda i: i), 1, requests, 0.0,
                                        self.indexes(requests), first_only=True)
        a, b = side_figures(direct)["ttft_ms"], side_figures(proxied)["ttft_ms"]
        out: dict[str, Any] = {"requests": requests, "direct_ttft_ms": a, "proxy_ttft_ms": b,
                               "added_ttft_ms": {"p50": diff(b["p50"], a["p50"]),
                                                 "p95": diff(b["p95"], a["p95"])}}
        if self.setup.audit is not None:
            out["proxy_audit"] = detection_figures(
                self.setup.audit(), f"llmbench-{self.setup.run_id}-control-")
        return out

    async def pair(self, phase: Phase) -> dict[str, Any]:
        """Alternating direct and proxy halves of one phase; its figures."""
        setup = self.setup
        stagger = self.expected_s / phase.concurrency if phase.concurrency > 1 else 0.0
        per_round = max(1, phase.requests // setup.rounds)
        direct: list[StreamResult] = []
        proxied: list[StreamResult] = []
        received: list[tuple[str, list[str]]] = []
        cpu = [0.0, 0.0]
        for number in range(1, setup.rounds + 1):
            self.log(f"{phase.name} round {number}/{setup.rounds}: direct, then proxy ...")
            direct += await client.run_load(self.direct_url, lambda _: phase.direct_body,
                                            lambda _: DIRECT_HEADERS, phase.concurrency,
                                            per_round, stagger)
            await setup.vendor.reset()
            before, started = setup.cpu() if setup.cpu else (0.0, 0.0), time.monotonic()
            proxied += await client.run_load(
                self.proxy_url, phase.proxy_body, self.headers(phase.name, phase.conversation),
                phase.concurrency, per_round, stagger, self.indexes(per_round))
            after, elapsed = setup.cpu() if setup.cpu else (0.0, 0.0), time.monotonic() - started
            cpu = [total + b - a - idle * elapsed for total, a, b, idle in zip(
                cpu, before, after, setup.idle_cpu_per_s, strict=True)]
            received += await setup.vendor.received()
        out = {"scenario": phase.scenario, "concurrency": phase.concurrency,
               "stagger_s": stagger, **pair_figures(direct, proxied, received)}
        if setup.cpu is not None and proxied:
            out["proxy_cpu_ms_per_request"] = {"process": cpu[0] * 1000 / len(proxied),
                                               "workers": cpu[1] * 1000 / len(proxied)}
        if setup.audit is not None:
            out["proxy_audit"] = detection_figures(
                setup.audit(), f"llmbench-{setup.run_id}-{phase.name}-")
        if phase.scenario == NEW:
            self.answered = [r for r in proxied if r.ok]
        return out

    async def phases(self) -> dict[str, Any]:
        """Every new-conversation level, then the next turn at the highest concurrency."""
        out: dict[str, Any] = {}
        for concurrency, requests in sorted(self.setup.levels):
            out[f"new-c{concurrency}"] = await self.pair(Phase(
                f"new-c{concurrency}", NEW, concurrency, requests, self.new_body,
                self.vendor_body))
        if self.setup.follow_up and self.answered:
            concurrency = max(c for c, _ in self.setup.levels)
            body, conversation = self.next_turn(self.answered)
            out[f"next-c{concurrency}"] = await self.pair(Phase(
                f"next-c{concurrency}", NEXT, concurrency, self.setup.follow_up, body,
                self.next_vendor_body, conversation))
        return out

    async def run(self) -> dict[str, Any]:
        """Warm-up, the fixed cost, every phase; the figures and the targets' verdicts."""
        results: dict[str, Any] = {"warmup": await self.warm_up()}
        if self.setup.control:
            self.log("one-line prompt (the proxy's fixed cost) ...")
            results["control"] = await self.control(self.setup.control)
        results["phases"] = await self.phases()
        results["targets"] = targets(results["phases"])
        next_turn = prompt.follow_up(1, self.answered[0].content) if self.answered else None
        results["setup"] = {
            "levels": self.setup.levels, "follow_up": self.setup.follow_up,
            "rounds": self.setup.rounds, "warmup_requests": self.setup.warmup,
            "pacing": self.setup.pacing, "prompt_chars": prompt.prompt_chars(),
            "prompt_messages": len(prompt.messages()),
            "next_turn_chars": prompt.prompt_chars(next_turn) if next_turn else None,
            "prompt_body_bytes": len(self.new_body(1)), "pii_values": len(prompt.PII),
            "vendor_body_bytes": len(self.vendor_body), "run_id": self.setup.run_id,
        }
        return results
