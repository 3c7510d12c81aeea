"""Figures of measured requests: percentiles, TTFT and stream rates, leaks, restoration, and the
targets' verdicts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from benchmarks.llm import prompt
from benchmarks.llm.client import StreamResult
from proxy.enforce.placeholders import PLACEHOLDER_RE

TARGET_ADDED_TTFT_MS = 30.0
TARGET_THROUGHPUT_RATIO = 0.8
NEW = "new conversation"
NEXT = "next turn"


def percentile(values: Sequence[float], share: float) -> float | None:
    """Linear-interpolated percentile (``share`` in 0..1); None without values."""
    ordered = sorted(values)
    if not ordered:
        return None
    position = (len(ordered) - 1) * share
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def diff(a: float | None, b: float | None) -> float | None:
    """``a - b`` when both are known."""
    return a - b if a is not None and b is not None else None


def ratio(a: float | None, b: float | None) -> float | None:
    """``a / b`` when both are known and ``b`` is not zero."""
    return a / b if a is not None and b else None


def side_figures(results: list[StreamResult]) -> dict[str, Any]:
    """TTFT and stream figures of one side's successful requests."""
    ok = [r for r in results if r.ok]
    ttft = [r.ttft_ms for r in ok if r.ttft_ms is not None]
    rates = [rate for r in ok if (rate := r.delta_rate) is not None]
    chars = [len(r.content) / r.tail_s for r in ok if r.tail_s > 0]
    return {
        "requests": len(results), "ok": len(ok),
        "errors": sorted({r.error or f"status {r.status}" for r in results if not r.ok}),
        "ttft_ms": {"p50": percentile(ttft, 0.5), "p95": percentile(ttft, 0.95),
                    "min": min(ttft, default=None), "max": max(ttft, default=None)},
        "deltas_per_s_p50": percentile(rates, 0.5),
        "chars_per_s_p50": percentile(chars, 0.5),
        "stream_s_p50": percentile([r.tail_s for r in ok], 0.5),
        "deltas_p50": percentile([float(r.deltas) for r in ok], 0.5),
        "answer_chars_p50": percentile([float(len(r.content)) for r in ok], 0.5),
    }


def restoration(results: list[StreamResult]) -> dict[str, int]:
    """Through the proxy: answers holding every original value and no placeholder."""
    values = list(prompt.PII.values())
    missing = [sum(value not in r.content for value in values) for r in results if r.ok]
    left = [len(PLACEHOLDER_RE.findall(r.content)) for r in results if r.ok]
    return {"answers": len(missing),
            "restored": sum(m == 0 and p == 0 for m, p in zip(missing, left, strict=True)),
            "values_missing": sum(missing), "placeholders_left": sum(left)}


def leaks(received: list[tuple[str, list[str]]]) -> dict[str, Any]:
    """PII values of the prompt found in what the vendor received (bodies and headers)."""
    found: dict[str, int] = {}
    placeholders = []
    for body, headers in received:
        text = body + "\n" + "\n".join(headers)
        for name, value in prompt.PII.items():
            if value in text:
                found[name] = found.get(name, 0) + 1
        placeholders.append(len(set(PLACEHOLDER_RE.findall(body))))
    return {"bodies": len(received), "values_checked": len(received) * len(prompt.PII),
            "leaked": sum(found.values()), "by_value": found,
            "placeholders_per_prompt_p50": percentile([float(p) for p in placeholders], 0.5)}


def detection_figures(records: list[dict[str, Any]], prefix: str) -> dict[str, Any]:
    """The proxy's own timing of the requests whose id starts with ``prefix`` (audit)."""
    mine = [r for r in records if str(r.get("request_id", "")).startswith(prefix)
            and r.get("phase", "complete") == "complete"]
    detection = [float(r.get("detection_ms") or 0.0) for r in mine]
    return {"records": len(mine), "detection_ms_p50": percentile(detection, 0.5),
            "detection_ms_p95": percentile(detection, 0.95),
            "placeholders_p50": percentile([float((r.get("llm") or {}).get("placeholders", 0))
                                            for r in mine], 0.5)}


def pair_figures(direct: list[StreamResult], proxied: list[StreamResult],
                 received: list[tuple[str, list[str]]]) -> dict[str, Any]:
    """A phase pair's figures: both sides, the added TTFT, the ratios, the checks."""
    a, b = side_figures(direct), side_figures(proxied)
    return {
        "direct": a, "proxy": b,
        "added_ttft_ms": {"p50": diff(b["ttft_ms"]["p50"], a["ttft_ms"]["p50"]),
                          "p95": diff(b["ttft_ms"]["p95"], a["ttft_ms"]["p95"])},
        "throughput_ratio": ratio(b["deltas_per_s_p50"], a["deltas_per_s_p50"]),
        "stream_time_ratio": ratio(a["stream_s_p50"], b["stream_s_p50"]),
        "restoration": restoration(proxied), "leaks": leaks(received),
    }


def targets(phases: dict[str, Any]) -> dict[str, Any]:
    """The verdicts: added TTFT p50 and throughput ratio of a new conversation at the highest
    concurrency, leaks and restoration over every phase; the next turn's added TTFT beside."""
    new = [phase for phase in phases.values() if phase["scenario"] == NEW]
    top = max(new, key=lambda phase: phase["concurrency"]) if new else {}
    nxt = [phase for phase in phases.values() if phase["scenario"] == NEXT]
    added = (top.get("added_ttft_ms") or {}).get("p50")
    throughput = top.get("throughput_ratio")
    leaked = sum(phase["leaks"]["leaked"] for phase in phases.values())
    leaked_next = sum(phase["leaks"]["leaked"] for phase in nxt)
    answers = sum(phase["restoration"]["answers"] for phase in phases.values())
    restored = sum(phase["restoration"]["restored"] for phase in phases.values())
    next_added = nxt[-1]["added_ttft_ms"]["p50"] if nxt else None
    return {
        "concurrency": top.get("concurrency"),
        "added_ttft_p50_ms": added,
        "added_ttft_met": added is not None and added <= TARGET_ADDED_TTFT_MS,
        "next_turn_concurrency": nxt[-1]["concurrency"] if nxt else None,
        "next_turn_added_ttft_p50_ms": next_added,
        "next_turn_added_ttft_met": next_added is not None and
        next_added <= TARGET_ADDED_TTFT_MS,
        "throughput_ratio": throughput,
        "throughput_met": throughput is not None and throughput >= TARGET_THROUGHPUT_RATIO,
        "leaked": leaked, "leaked_next_turn": leaked_next, "leaks_met": leaked == 0,
        "leaked_values": sorted({name for phase in phases.values()
                                 for name in phase["leaks"]["by_value"]}),
        "answers": answers, "restored": restored,
        "restored_met": answers > 0 and restored == answers,
    }
