"""Test helpers for proxy.exchange.streaming: a regex detector (no model) and a runner."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Sequence
from typing import Any

from proxy.contract.models import FieldRule
from proxy.contract.selectors import TrieNode, build_trie, parse_selector
from proxy.enforce.minimize import PendingRedaction
from proxy.enforce.redaction import apply_redactions, detection_requests
from proxy.enforce.report import MessageReport
from proxy.errors import DetectionUnavailable
from proxy.exchange.streaming.pipeline import (
    PipelineLimits,
    StreamProcessor,
    StreamStats,
    transform,
)
from recognizers.types import DetectionRequest, Span

CARD = "4111 1111 1111 1111"
NAME = "Jolene Brightwater"
EMAIL = "jolene.brightwater@example.com"
_PATTERNS = [
    (re.compile(r"\b\d{4}(?: \d{4}){3}\b"), "CREDIT_CARD"),
    (re.compile(r"\bJolene Brightwater\b"), "PERSON"),
    (re.compile(r"\b[\w.]+@example\.com\b"), "EMAIL_ADDRESS"),
]


class RegexDetector:
    """Finds the seeded values; records every call; fails on texts containing ``fail_on``."""

    ready = True

    def __init__(self, fail_on: str | None = None) -> None:
        self.calls: list[int] = []
        self.fail_on = fail_on

    async def detect(self, requests: Sequence[DetectionRequest]) -> list[list[Span]]:
        self.calls.append(len(requests))
        if self.fail_on is not None and any(self.fail_on in r.text for r in requests):
            from recognizers.errors import DetectionFailed

            raise DetectionFailed("test failure")
        return [
            [Span(m.start(), m.end(), label, 0.9) for pattern, label in _PATTERNS
             for m in pattern.finditer(r.text)]
            for r in requests
        ]


def resolver(detector: RegexDetector) -> Any:
    async def resolve(pending: list[PendingRedaction], report: MessageReport) -> None:
        try:
            results = await detector.detect(detection_requests(pending))
        except Exception as exc:
            raise DetectionUnavailable("test", reason="detection_failed") from exc
        apply_redactions(pending, results, report)

    return resolve


def trie(rules: dict[str, Any]) -> TrieNode[FieldRule]:
    return build_trie([(parse_selector(k), FieldRule.model_validate(v)) for k, v in rules.items()])


async def run_chunks(
    processor: StreamProcessor, chunks: Sequence[bytes], limits: PipelineLimits | None = None
) -> tuple[bytes, StreamStats]:
    async def source() -> AsyncIterator[bytes]:
        for chunk in chunks:
            yield chunk

    stats = StreamStats("test")
    limits = limits or PipelineLimits(batch_s=0.0)
    out = [piece.data async for piece in transform(source(), processor, limits, stats)]
    return b"".join(out), stats


def split_at(data: bytes, offsets: Sequence[int]) -> list[bytes]:
    points = sorted({o % (len(data) + 1) for o in offsets})
    chunks, prev = [], 0
    for point in points:
        chunks.append(data[prev:point])
        prev = point
    chunks.append(data[prev:])
    return [c for c in chunks if c]
