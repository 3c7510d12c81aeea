"""The checks of a soak run, computed from its files after the run (no process is needed).

Each takes plain lists of dicts (one per JSON line), so the tests can feed them small
fabricated logs:

1. ``audit_intents``: every request id the vendor received has an audit intent written before
   the vendor got it. Audit lines with ``"phase": "intent"`` / ``"complete"`` are intents and
   completions; the older format has one line per exchange, written at its end, and no intent
   at all: the check then says so instead of passing.
2. ``classify`` / ``proxy_5xx_for_answered``: no 5xx made by the proxy for an exchange the
   vendor answered. A vendor's own 5xx passed on is not the proxy's: the caller's status equals
   the one the vendor answered and the body is not the proxy's JSON error (no ``reason``), or
   the proxy withheld that answer (``Proxy-Status: ...answer withheld``): the vendor's status.
3. ``pii_hits``: no PII value of the payloads in the proxy's log or the audit file.
4. ``growth`` and ``ratio``: RSS / file descriptors between two minutes, p99 latency ratio.

Recovery per fault (``readiness_recovery``, ``service_recovery``) is here too.
"""

from __future__ import annotations

import math
import shutil
import subprocess
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

# Audit times are written to the millisecond (truncated); the vendor's are epoch floats.
AUDIT_TIME_SLACK_S = 0.001
# A policy refusal the subject's state explains: the expected answer, not an error.
POLICY_REASONS = {"subject_opted_out", "subject_erased"}


def load_ndjson(path: Path) -> Iterator[dict[str, Any]]:
    """The JSON objects of a file, one a line; a torn last line (killed writer) is skipped."""
    if not path.exists():
        return
    with open(path, "rb") as fh:
        for line in fh:
            line = line.strip()
            if not line:
                continue
            try:
                value = orjson.loads(line)
            except orjson.JSONDecodeError:
                continue
            if isinstance(value, dict):
                yield value


def audit_time(record: dict[str, Any]) -> float | None:
    """An audit record's ``time`` as epoch seconds."""
    text = record.get("time")
    if not isinstance(text, str):
        return None
    try:
        return datetime.fromisoformat(text).timestamp()
    except ValueError:
        return None


# -- 1. audit intents -------------------------------------------------------------------------


def audit_intents(vendor: Iterable[dict[str, Any]],
                  audit: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Whether every request the vendor received was audited (as an intent) before it got it."""
    by_id: dict[str, list[tuple[str | None, float | None]]] = defaultdict(list)
    phased = False
    for record in audit:
        phase = record.get("phase")
        phased = phased or phase is not None
        entry = (phase, audit_time(record))
        for key in ("request_id", "upstream_request_id"):
            rid = record.get(key)
            if isinstance(rid, str):
                by_id[rid].append(entry)
    counts: Counter[str] = Counter()
    examples: dict[str, list[str]] = defaultdict(list)
    for got in vendor:
        rid = got.get("rid")
        if not rid:
            counts["vendor_without_id"] += 1
            continue
        counts["vendor_requests"] += 1
        entries = by_id.get(rid)
        if not entries:
            outcome = "no_audit_record"
        elif not phased:
            outcome = "audited_after_only"  # one line per exchange, written at its end
        else:
            intents = [t for phase, t in entries if phase == "intent"]
            timed = [t for t in intents if t is not None]
            if not intents:
                outcome = "intent_missing"
            elif not timed:
                outcome = "intent_untimed"  # present, but without a time to order it by
            elif min(timed) > float(got.get("t_recv", math.inf)) + AUDIT_TIME_SLACK_S:
                outcome = "intent_after_vendor"
            else:
                outcome = "intent_before"
        counts[outcome] += 1
        if outcome != "intent_before" and len(examples[outcome]) < 5:
            examples[outcome].append(rid)
    total = counts["vendor_requests"]
    bad = total - counts["intent_before"] - counts["intent_untimed"]
    if not phased:
        note = ("no intent records: the audit file has no `phase` field (one line per exchange, "
                "written after the vendor answered), so no exchange can be shown to have had an "
                "intent written before it was forwarded")
    else:
        note = "intents found; each vendor request id checked against its intent's time"
    return {"format": "phase" if phased else "one line per exchange (no phase)",
            "counts": dict(counts), "examples": dict(examples), "violations": bad,
            "met": phased and bad == 0 and counts["vendor_without_id"] == 0, "note": note}


# -- 2. proxy 5xx for exchanges the vendor answered -------------------------------------------


def vendor_index(vendor: Iterable[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for got in vendor:
        rid = got.get("rid")
        if rid:
            out[rid].append(got)
    return out


def vendor_answered(result: dict[str, Any], seen: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """The vendor's answer to this request if it gave one before the caller got its own."""
    t1 = float(result.get("t1", math.inf))
    for got in seen:
        if got.get("action") == "answer" and float(got.get("t_done", math.inf)) <= t1:
            return got
    return None


def classify(result: dict[str, Any], seen: Sequence[dict[str, Any]]) -> str:
    """One caller result as ``ok``, ``policy_refused`` (expected), ``proxy_5xx``,
    ``vendor_5xx`` (the vendor's own, passed on), ``client_error``, ``opt_out_ignored`` (a 2xx
    for a subject that opted out or was erased), ``unexpected_4xx``."""
    if "status" not in result:
        return "client_error"
    status = int(result["status"])
    reason = result.get("reason")
    subject = result.get("subject")
    if 200 <= status < 300:
        return "opt_out_ignored" if subject not in (None, "ok") else "ok"
    if status >= 500:
        answer = vendor_answered(result, seen)
        if answer is not None and answer.get("status") == status and (
                reason is None or result.get("withheld")):
            return "vendor_5xx"  # passed on, or its answer withheld (proxy.exchange.handler)
        return "proxy_5xx"
    if status == 403 and reason in POLICY_REASONS and subject not in (None, "ok"):
        return "policy_refused"
    return "unexpected_4xx"


def proxy_5xx_for_answered(results: Iterable[dict[str, Any]],
                           vendor: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """Callers that got a proxy-made 5xx although the vendor had answered their exchange."""
    violations: list[dict[str, Any]] = []
    proxy_5xx: Counter[str] = Counter()
    for result in results:
        seen = vendor.get(result.get("rid") or "", [])
        if classify(result, seen) != "proxy_5xx":
            continue
        label = f"{result['status']} {result.get('reason') or '(no JSON reason)'}"
        proxy_5xx[label] += 1
        answer = vendor_answered(result, seen)
        if answer is not None:
            violations.append({"rid": result["rid"], "kind": result.get("kind"),
                               "t0": result.get("t0"), "status": result["status"],
                               "reason": result.get("reason"),
                               "vendor_status": answer.get("status")})
    by_label = Counter(f"{v['status']} {v['reason'] or '(no JSON reason)'}" for v in violations)
    return {"violations": len(violations), "by_status": dict(by_label),
            "examples": violations[:10], "proxy_5xx_total": dict(proxy_5xx),
            "met": not violations}


# -- 3. PII in logs ---------------------------------------------------------------------------


def mask(value: str) -> str:
    """A value as the report may show it: its first three characters and its length."""
    return f"{value[:3]}…({len(value)})"


def pii_hits(paths: Sequence[Path], values: Sequence[str]) -> dict[str, Any]:
    """Occurrences of each value in each file (``grep -F``: one pass over a large file)."""
    per_file: dict[str, Counter[str]] = {}
    grep = shutil.which("grep")
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as patterns:
        patterns.write("\n".join(values) + "\n")
    try:
        for path in paths:
            found: Counter[str] = Counter()
            if path.exists() and values:
                if grep is not None:
                    run = subprocess.run([grep, "-F", "-o", "-a", "-f", patterns.name, str(path)],
                                         capture_output=True, check=False)
                    found.update(line.decode("utf-8", "replace")
                                 for line in run.stdout.splitlines())
                else:  # pragma: no cover - grep is everywhere the harness runs
                    text = path.read_text("utf-8", "replace")
                    found.update({v: text.count(v) for v in values if v in text})
            per_file[path.name] = found
    finally:
        Path(patterns.name).unlink(missing_ok=True)
    total = sum(sum(c.values()) for c in per_file.values())
    return {"values_checked": len(values), "hits": total,
            "files": {name: {"hits": sum(c.values()), "distinct": len(c),
                             "examples": [mask(v) for v, _ in c.most_common(5)]}
                      for name, c in per_file.items()},
            "met": total == 0}


# -- 4. growth and latency ratio --------------------------------------------------------------


def growth(base: float | None, last: float | None) -> float | None:
    """Relative change from ``base`` to ``last`` (0.05 = +5 %)."""
    if base is None or last is None or base == 0:
        return None
    return (last - base) / base


def ratio(base: float | None, last: float | None) -> float | None:
    if base is None or last is None or base == 0:
        return None
    return last / base


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q`` quantile (0..1) by the nearest-rank method; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q * len(ordered)))
    return ordered[rank - 1]


# -- recovery ---------------------------------------------------------------------------------


def readiness_recovery(transitions: Sequence[dict[str, Any]], start: float, end: float,
                       horizon_s: float) -> dict[str, Any]:
    """Readiness around a fault: whether it dropped in [start, end + horizon] and when it was
    back (seconds after the fault's end; 0 when it never dropped or was back before the end)."""
    state_at_start = "ready"
    for entry in transitions:
        if entry["t"] <= start:
            state_at_start = entry["state"]
    window = [e for e in transitions if start < e["t"] <= end + horizon_s]
    down = [e for e in window if e["state"] != "ready"]
    if not down and state_at_start == "ready":
        return {"dropped": False, "not_ready_s": 0.0, "back_after_s": 0.0}
    last_down = max((e["t"] for e in down), default=start)
    first_down = min((e["t"] for e in down), default=start)
    back = next((e["t"] for e in transitions if e["t"] > last_down and e["state"] == "ready"),
                None)
    if back is None:
        return {"dropped": True, "not_ready_s": None, "back_after_s": None,
                "states": sorted({e["state"] for e in down})}
    return {"dropped": True, "not_ready_s": round(back - first_down, 2),
            "back_after_s": round(max(0.0, back - end), 2),
            "states": sorted({e["state"] for e in down})}


GOOD = {"ok", "policy_refused"}


def service_recovery(results: Sequence[dict[str, Any]], categories: Sequence[str], end: float,
                     run: int = 20, horizon_s: float = 120.0) -> float | None:
    """Seconds from the fault's end until callers are served again: the start of the first
    ``run`` consecutive requests (by start time, started after ``end``) all answered well.
    ``results`` and ``categories`` are parallel and sorted by ``t0``; None if not within the
    horizon."""
    streak = 0
    streak_start = None
    for result, category in zip(results, categories, strict=True):
        t0 = float(result["t0"])
        if t0 < end:
            continue
        if t0 > end + horizon_s:
            break
        if category in GOOD:
            if streak == 0:
                streak_start = t0
            streak += 1
            if streak >= run:
                return round(max(0.0, (streak_start or end) - end), 2)
        else:
            streak = 0
    return None
