"""From the files of a soak run to one summary (``summary.json``) that the report renders.

Inputs, all in the out directory: ``run.json`` (the harness's figures and times),
``results.ndjson`` (the load generator, soak phase), ``vendor.ndjson``, ``audit.jsonl``,
``faults.ndjson``, ``processes.ndjson``, ``metrics.ndjson``, ``readiness.ndjson`` and
``proxy.log``. Large files are streamed and only the fields needed are kept, so a 30-minute run
(a few hundred thousand exchanges) is analyzed in well under a minute.
"""

from __future__ import annotations

import math
import statistics
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import orjson

from benchmarks.soak import checks
from benchmarks.soak.mix import pii_values
from benchmarks.soak.schedule import baseline_minute, describe

GROWTH_LIMIT = 0.05
P99_RATIO_LIMIT = 1.3
READY_WITHIN_S = 10.0
AUDIT_SLACK_S = 0.002  # audit times are truncated to the millisecond
# Roles whose memory and descriptors the flatness targets judge: the proxy and its workers.
JUDGED = ("proxy", "workers")


def _slim_audit(path: Path) -> list[dict[str, Any]]:
    keep = ("request_id", "upstream_request_id", "phase", "time", "status", "outcome", "reason",
            "exchange_id")
    return [{k: r[k] for k in keep if k in r} for r in checks.load_ndjson(path)]


def _proxy_log(path: Path) -> list[dict[str, Any]]:
    lines: list[dict[str, Any]] = []
    if not path.exists():
        return lines
    with open(path, "rb") as fh:
        for raw in fh:
            try:
                entry = orjson.loads(raw)
            except orjson.JSONDecodeError:
                lines.append({"level": "raw", "message": "(not a JSON line)", "t": None})
                continue
            if isinstance(entry, dict):
                entry["t"] = checks.audit_time(entry)
                lines.append(entry)
    return lines


def _label(result: dict[str, Any]) -> str:
    if "status" not in result:
        return f"err {result.get('err')}"
    reason = result.get("reason")
    return f"{result['status']} {reason}" if reason else str(result["status"])


def _vendor_label(got: dict[str, Any]) -> str:
    if got.get("action") == "answer":
        return f"{got.get('status')}{' slow' if got.get('slow') else ''}"
    return str(got.get("action"))


def _between(times: list[float], start: float, end: float) -> slice:
    return slice(bisect_left(times, start), bisect_right(times, end))


class Run:
    """The loaded files of one run."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.meta: dict[str, Any] = orjson.loads((out / "run.json").read_bytes())
        self.t0 = float(self.meta["t_soak_start"])
        self.t_end = float(self.meta.get("t_soak_end") or self.t0 + self.meta["minutes"] * 60)
        self.results = sorted(checks.load_ndjson(out / "results.ndjson"),
                              key=lambda r: float(r["t0"]))
        self.result_t0 = [float(r["t0"]) for r in self.results]
        self.vendor = sorted(checks.load_ndjson(out / "vendor.ndjson"),
                             key=lambda v: float(v.get("t_recv", 0)))
        self.vendor_t = [float(v.get("t_recv", 0)) for v in self.vendor]
        self.vendor_by_rid = checks.vendor_index(self.vendor)
        self.audit = _slim_audit(out / "audit.jsonl")
        self.audit_t = sorted(t for t in (checks.audit_time(a) for a in self.audit)
                              if t is not None)
        self.faults = list(checks.load_ndjson(out / "faults.ndjson"))
        self.procs = list(checks.load_ndjson(out / "processes.ndjson"))
        self.metrics = sorted(checks.load_ndjson(out / "metrics.ndjson"), key=lambda m: m["t"])
        self.ready = sorted(checks.load_ndjson(out / "readiness.ndjson"), key=lambda r: r["t"])
        self.log = _proxy_log(out / "proxy.log")
        self.system = sorted(checks.load_ndjson(out / "system.ndjson"), key=lambda m: m["t"])
        self.categories = [checks.classify(r, self.vendor_by_rid.get(r.get("rid") or "", []))
                           for r in self.results]


# -- per-bin series ---------------------------------------------------------------------------


def _lag_quantile(first: dict[str, float], last: dict[str, float], q: float) -> float | None:
    """The upper bound of the histogram bucket holding quantile ``q`` between two scrapes."""
    prefix = 'privacy_proxy_event_loop_lag_seconds_bucket{le="'
    bounds = []
    for key, value in last.items():
        if key.startswith(prefix):
            le = key[len(prefix):-2]
            bound = math.inf if le == "+Inf" else float(le)
            bounds.append((bound, value - first.get(key, 0.0)))
    bounds.sort()
    if not bounds or bounds[-1][1] <= 0:
        return None
    total = bounds[-1][1]
    for bound, cumulative in bounds:
        if cumulative >= q * total:
            return bound
    return None


def _bin(t: Any, run: Run, bin_s: float) -> int:
    return int((float(t) - run.t0) // bin_s)


def _answers(run: Run, bin_s: float, count: int
             ) -> tuple[list[list[float]], list[Counter[str]]]:
    """Per bin: the latencies (ms) of answered requests and the requests by category."""
    lat: list[list[float]] = [[] for _ in range(count)]
    cats: list[Counter[str]] = [Counter() for _ in range(count)]
    for result, category in zip(run.results, run.categories, strict=True):
        b = _bin(result["t0"], run, bin_s)
        if 0 <= b < count:
            cats[b][category] += 1
            if "status" in result:
                lat[b].append((float(result["t1"]) - float(result["t0"])) * 1000)
    return lat, cats


def _process_series(run: Run, bin_s: float, count: int
                    ) -> tuple[dict[str, list[Any]], dict[str, list[Any]]]:
    """Per bin: RSS and descriptors per role (median over the bin of the sum over a role's
    processes in each sampling round) and RSS per process."""
    rounds: dict[float, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    per_pid: dict[str, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    for p in run.procs:
        b = _bin(p["t"], run, bin_s)
        role = "workers" if p["role"] == "worker" else p["role"]
        rounds[p["t"]][f"{role}:rss"].append(p["rss"])
        rounds[p["t"]][f"{role}:fds"].append(p["fds"])
        if "sockets" in p:  # the proxy's descriptors by kind; "files" is what is not TCP
            sockets = p["sockets"]
            for kind, n in sockets.items():
                rounds[p["t"]][f"{role} sockets {kind}:fds"].append(n)
            rounds[p["t"]][f"{role} non-TCP:fds"].append(p["fds"] - sum(sockets.values()))
        if 0 <= b < count:
            per_pid[f"{p['role']}:{p['pid']}"][b].append(p["rss"])
    by_bin: list[dict[str, list[float]]] = [defaultdict(list) for _ in range(count)]
    for t, values in rounds.items():
        b = _bin(t, run, bin_s)
        if 0 <= b < count:
            for key, vals in values.items():
                by_bin[b][key].append(sum(vals))
    roles = sorted({key for values in rounds.values() for key in values})
    process = {key: [statistics.median(by_bin[b][key]) if by_bin[b].get(key) else None
                     for b in range(count)] for key in roles}
    pid_rss = {key: [statistics.median(bins[b]) if bins.get(b) else None for b in range(count)]
               for key, bins in per_pid.items()}
    return process, pid_rss


def _lag_series(run: Run, bin_s: float, count: int
                ) -> tuple[list[float | None], list[float | None]]:
    """Per bin: the worst event-loop lag (ms) and the p99 of the lag histogram (ms)."""
    lag_max: list[float | None] = [None] * count
    lag_p99: list[float | None] = [None] * count
    metric_bins: list[list[dict[str, float]]] = [[] for _ in range(count)]
    for m in run.metrics:
        b = _bin(m["t"], run, bin_s)
        if 0 <= b < count and "values" in m:
            metric_bins[b].append(m["values"])
    for b, samples in enumerate(metric_bins):
        gauges = [s["privacy_proxy_event_loop_lag_max_seconds"] for s in samples
                  if "privacy_proxy_event_loop_lag_max_seconds" in s]
        lag_max[b] = max(gauges) * 1000 if gauges else None
        if len(samples) >= 2:
            quantile = _lag_quantile(samples[0], samples[-1], 0.99)
            lag_p99[b] = quantile * 1000 if quantile is not None else None
    return lag_max, lag_p99


def _cpu_series(run: Run, bin_s: float, count: int
                ) -> tuple[list[float | None], list[float | None]]:
    """CPU per bin, in cores: the part the run's processes used, and the rest of the machine's
    busy time."""
    first_last: list[dict[int, tuple[float, float]]] = [{} for _ in range(count)]
    for p in run.procs:
        b = _bin(p["t"], run, bin_s)
        if 0 <= b < count:
            cpu = float(p["cpu"])
            seen = first_last[b].get(p["pid"])
            first_last[b][p["pid"]] = (seen[0] if seen else cpu, cpu)
    system_bins: list[list[dict[str, Any]]] = [[] for _ in range(count)]
    for entry in run.system:
        b = _bin(entry["t"], run, bin_s)
        if 0 <= b < count:
            system_bins[b].append(entry)
    cpu_run: list[float | None] = [None] * count
    cpu_other: list[float | None] = [None] * count
    for b in range(count):
        entries = system_bins[b]
        if len(entries) < 2:
            continue
        span = float(entries[-1]["t"]) - float(entries[0]["t"])
        busy = (entries[-1]["cpu_busy"] - entries[0]["cpu_busy"]) / span
        ours = sum(last - first for first, last in first_last[b].values()) / span
        cpu_run[b] = round(ours, 2)
        cpu_other[b] = round(max(0.0, busy - ours), 2)
    return cpu_run, cpu_other


def series(run: Run, bin_s: float) -> dict[str, Any]:
    """Per bin (``bin_s`` seconds from the soak's start): latency percentiles, answers by
    category, RSS and descriptors per role and per process, event-loop lag."""
    count = max(1, math.ceil((run.t_end - run.t0) / bin_s))
    lat, cats = _answers(run, bin_s, count)
    process, pid_rss = _process_series(run, bin_s, count)
    lag_max, lag_p99 = _lag_series(run, bin_s, count)
    cpu_run, cpu_other = _cpu_series(run, bin_s, count)

    def pct(q: float) -> list[float | None]:
        return [checks.percentile(v, q) for v in lat]

    return {
        "bin_s": bin_s, "bins": count,
        "latency_ms": {"p50": pct(0.50), "p95": pct(0.95), "p99": pct(0.99)},
        "answered": [len(v) for v in lat],
        "categories": [dict(c) for c in cats],
        "process": process, "pid_rss": pid_rss,
        "lag_max_ms": lag_max, "lag_p99_ms": lag_p99,
        "cpu_run_cores": cpu_run, "cpu_other_cores": cpu_other,
    }


# -- faults -----------------------------------------------------------------------------------


def _audit_during_fault(run: Run, fault: dict[str, Any], start: float, end: float
                        ) -> dict[str, Any]:
    """Audit lines written while the audit file was unwritable, and the first one after."""
    # From the moment prlimit returned (lines stat() did not count may land just before).
    applied = float(fault.get("details_start", {}).get("applied_at") or start)
    restored = float(fault.get("details_end", {}).get("restored_at") or end)
    during = run.audit_t[_between(run.audit_t, applied + AUDIT_SLACK_S,
                                  restored - AUDIT_SLACK_S)]
    after = [t for t in run.audit_t[bisect_left(run.audit_t, end):] if t >= end]
    grew = None
    if "audit_bytes_before_restore" in fault.get("details_end", {}):
        grew = fault["details_end"]["audit_bytes_before_restore"] \
            - fault.get("details_start", {}).get("audit_bytes", 0)
    return {"lines_during": len(during), "bytes_written_during": grew,
            "first_line_after_s": round(after[0] - end, 2) if after else None}


def _invalid_reload_facts(run: Run, start: float, end: float, window_end: float
                          ) -> dict[str, Any]:
    refused = [e for e in run.log if e.get("t") and start <= e["t"] <= window_end
               and str(e.get("message")).startswith("configuration change refused")]
    # Two seconds after the restore the next valid reload is still at least a second away.
    return {"refused_log_lines": len(refused),
            "versions": {"before": _version_at(run, start), "after": _version_at(run, end + 2)}}


def _policy_during_outage(run: Run, start: float, end: float, window_end: float
                          ) -> dict[str, Any]:
    """What the policy route's callers saw while redis was down, and what reached the vendor."""
    policy_callers = Counter(_label(r) for r in run.results[_between(run.result_t0, start,
                                                                     window_end)]
                             if r.get("kind") == "policy")
    policy_vendor = sum(1 for v in run.vendor[_between(run.vendor_t, start, end)]
                        if str(v.get("path", "")).endswith("/respondents"))
    # The new redis-server is empty (nothing persisted) until the harness writes the
    # opt-outs again: a request in between finds no opt-out and is forwarded.
    ignored = sum(1 for r, c in zip(run.results[_between(run.result_t0, start, window_end)],
                                    run.categories[_between(run.result_t0, start,
                                                            window_end)], strict=True)
                  if c == "opt_out_ignored")
    return {"callers": dict(policy_callers.most_common()),
            "vendor_during_outage": policy_vendor,
            "opt_out_ignored_in_window": ignored}


def _replacement_pids(run: Run, fault: dict[str, Any], start: float, end: float,
                      horizon_s: float) -> list[int]:
    before = set(fault.get("details_start", {}).get("workers_before", []))
    later = {p["pid"] for p in run.procs if p["role"] == "worker"
             and start + 1 <= float(p["t"]) <= end + horizon_s}
    return sorted(later - before)


def _fault_facts(run: Run, fault: dict[str, Any], window_end: float, horizon_s: float
                 ) -> dict[str, Any]:
    """The fields of a fault's row that only its kind of fault has."""
    start, end = float(fault["start"]), float(fault["end"])
    name = fault["name"]
    if name == "audit_unwritable":
        return {"audit": _audit_during_fault(run, fault, start, end)}
    if name == "invalid_reload":
        return _invalid_reload_facts(run, start, end, window_end)
    if name == "redis_restart":
        return {"policy": _policy_during_outage(run, start, end, window_end)}
    if name == "worker_kill":
        return {"replacement_pids": _replacement_pids(run, fault, start, end, horizon_s)}
    return {}


def _fault_row(run: Run, fault: dict[str, Any], settle_s: float, horizon_s: float
               ) -> dict[str, Any]:
    start, end = float(fault["start"]), float(fault["end"])
    window_end = end + settle_s
    callers = Counter(_label(r) for r in run.results[_between(run.result_t0, start, window_end)])
    categories = Counter(run.categories[_between(run.result_t0, start, window_end)])
    vendor = Counter(_vendor_label(v) for v in run.vendor[_between(run.vendor_t, start,
                                                                   window_end)])
    row: dict[str, Any] = {
        "name": fault["name"], "description": describe(fault["name"]),
        "start_s": round(start - run.t0, 1), "end_s": round(end - run.t0, 1),
        "window_s": [round(start - run.t0, 1), round(window_end - run.t0, 1)],
        "callers": dict(callers.most_common()), "categories": dict(categories),
        "vendor": dict(vendor.most_common()),
        "readiness": checks.readiness_recovery(run.ready, start, end, horizon_s),
        "service_recovery_s": checks.service_recovery(run.results, run.categories, end),
        "details": fault.get("details_start", {}), "details_end": fault.get("details_end", {}),
    }
    if fault.get("error"):
        row["error"] = fault["error"]
    row.update(_fault_facts(run, fault, window_end, horizon_s))
    return row


def _version_at(run: Run, t: float) -> str | None:
    """The contract version ``/readyz`` reported last at or before ``t``."""
    version = None
    for entry in run.ready:
        if entry["t"] > t:
            break
        version = entry.get("version") or version
    return version


def _reloads(run: Run, faults: list[dict[str, Any]],
             others: list[tuple[float, float]]) -> dict[str, Any]:
    """Reloads seen applied, how fast, and caller errors in the 5 s after each (requests inside
    another fault's window are left out: their errors are that fault's)."""
    latencies: list[float] = []
    missing = 0
    errors: Counter[str] = Counter()
    for fault in faults:
        start = float(fault["start"])
        expected = fault.get("details_start", {}).get("expected_version")
        seen = next((r["t"] for r in run.ready if r["t"] >= start and r.get("version") == expected),
                    None)
        if seen is None or seen - start > 30:
            missing += 1
        else:
            latencies.append(seen - start)
        for r, c in zip(run.results[_between(run.result_t0, start, start + 5)],
                        run.categories[_between(run.result_t0, start, start + 5)], strict=True):
            if any(float(r["t0"]) <= b and float(r.get("t1", r["t0"])) >= a for a, b in others):
                continue
            if c not in checks.GOOD:
                errors[_label(r)] += 1
    return {"count": len(faults), "applied": len(latencies), "not_seen_applied": missing,
            "apply_s_median": round(statistics.median(latencies), 2) if latencies else None,
            "apply_s_max": round(max(latencies), 2) if latencies else None,
            "caller_errors_within_5s": dict(errors)}


# -- the whole summary ------------------------------------------------------------------------


def _judge_growth(minutes: dict[str, Any], base: int, last: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, values in minutes["process"].items():
        b = values[base - 1] if 0 < base <= len(values) else None
        e = values[last - 1] if 0 < last <= len(values) else None
        out[key] = {"base": b, "last": e, "growth": checks.growth(b, e)}
    return out


def _faults(run: Run, faults: list[dict[str, Any]], settle_s: float
            ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """A row per one-off fault of ``faults`` (sorted by start) and the summary of the valid
    reloads."""
    one_off = [f for f in faults if f["name"] != "reload"]
    starts = [float(f["start"]) for f in one_off]
    rows = []
    for i, fault in enumerate(one_off):
        horizon = (starts[i + 1] - float(fault["end"])) if i + 1 < len(starts) else 60.0
        rows.append(_fault_row(run, fault, settle_s, max(settle_s, horizon)))
    reloads = _reloads(run, [f for f in faults if f["name"] == "reload"],
                       [(float(f["start"]), float(f["end"]) + settle_s) for f in one_off])
    return rows, reloads


def _totals(run: Run, per_minute: dict[str, Any]) -> dict[str, Any]:
    """Counts over the whole soak: requests, outcomes, vendor, audit lines, CPU."""
    totals = Counter(run.categories)
    answered = [r for r in run.results if "status" in r]
    duration = run.t_end - run.t0
    return {"requests": len(run.results), "answered": len(answered),
            "categories": dict(totals.most_common()),
            "statuses": dict(Counter(_label(r) for r in run.results).most_common()),
            "by_kind": {k: dict(Counter(_label(r) for r in run.results
                                        if r.get("kind") == k).most_common(6))
                        for k in sorted({str(r.get("kind")) for r in run.results})},
            "achieved_rps": len(run.results) / duration if duration else None,
            "vendor_received": len(run.vendor),
            "vendor": dict(Counter(_vendor_label(v) for v in run.vendor).most_common()),
            "audit_lines": len(run.audit),
            "cpu_other_cores_mean": _mean(per_minute["cpu_other_cores"]),
            "cpu_run_cores_mean": _mean(per_minute["cpu_run_cores"])}


def analyze(out: Path) -> dict[str, Any]:
    """The summary of the run whose files are in ``out``, its targets judged."""
    run = Run(out)
    meta = run.meta
    minutes_run = max(1, round((run.t_end - run.t0) / 60))
    settle_s = float(meta.get("settle_s", 10.0))
    per_minute = series(run, 60.0)
    plot_bin = 60.0 if meta["minutes"] >= 10 else 10.0
    fine = per_minute if plot_bin == 60.0 else series(run, plot_bin)
    base = baseline_minute(meta["minutes"])
    last = min(minutes_run, per_minute["bins"])
    faults = sorted(run.faults, key=lambda f: f["start"])
    rows, reloads = _faults(run, faults, settle_s)

    intents = checks.audit_intents(run.vendor, run.audit)
    proxy_5xx = checks.proxy_5xx_for_answered(run.results, run.vendor_by_rid)
    pii = checks.pii_hits([out / "proxy.log", out / "audit.jsonl"], pii_values())
    growth = _judge_growth(per_minute, base, last)
    p99 = per_minute["latency_ms"]["p99"]
    p99_base = p99[base - 1] if base <= len(p99) else None
    p99_last = p99[last - 1] if last <= len(p99) else None
    proxy_pids = sorted({p["pid"] for p in run.procs if p["role"] == "proxy"})
    log_levels = Counter((e.get("level"), str(e.get("message"))[:90]) for e in run.log)
    summary: dict[str, Any] = {
        "meta": meta,
        "totals": _totals(run, per_minute),
        "faults": rows, "reloads": reloads,
        "reload_times_s": [round(float(f["start"]) - run.t0, 1) for f in faults
                           if f["name"] == "reload"],
        "checks": {"audit_intents": intents, "proxy_5xx": proxy_5xx, "pii": pii},
        "baseline_minute": base, "last_minute": last,
        "growth": growth,
        "p99": {"base": p99_base, "last": p99_last, "ratio": checks.ratio(p99_base, p99_last)},
        "proxy_pids": proxy_pids,
        "log_messages": [{"level": lv, "message": msg, "count": n}
                         for (lv, msg), n in log_levels.most_common(15)],
        "per_minute": per_minute, "plot_series": fine,
    }
    summary["targets"] = targets(summary)
    return summary


def _mean(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return round(statistics.fmean(present), 2) if present else None


def _growth_verdict(summary: dict[str, Any], what: str) -> tuple[str, bool | None]:
    parts, met = [], True
    for role in JUDGED:
        entry = summary["growth"].get(f"{role}:{what}")
        if entry is None or entry["growth"] is None:
            parts.append(f"{role}: no data")
            met = False
            continue
        parts.append(f"{role} {entry['growth'] * 100:+.1f} %")
        met = met and entry["growth"] <= GROWTH_LIMIT
    if what == "fds":  # which of the proxy's descriptors moved: pooled sockets or the rest
        moved = []
        for key, entry in sorted(summary["growth"].items()):
            if key.startswith("proxy ") and entry["base"] is not None \
                    and entry["last"] is not None and entry["base"] != entry["last"]:
                moved.append(f"{key[6:-4]} {entry['base']:.0f} -> {entry['last']:.0f}")
        if moved:
            parts.append("proxy: " + ", ".join(moved))
    return ", ".join(parts), met


def targets(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """The issue's targets, each with what was measured and met / not met."""
    c = summary["checks"]
    base, last = summary["baseline_minute"], summary["last_minute"]
    intents = c["audit_intents"]
    counts = intents["counts"]
    rows: list[dict[str, Any]] = []
    measured = (f"{counts.get('vendor_requests', 0)} vendor requests; "
                f"{counts.get('intent_before', 0)} with an intent before, "
                f"{intents['violations']} without"
                + (f" ({counts.get('no_audit_record', 0)} with no audit record at all)"
                   if counts.get("no_audit_record") else "")
                + ("" if intents["format"] == "phase" else f"; {intents['note']}"))
    rows.append({"target": "Zero exchanges forwarded without an audit intent",
                 "measured": measured, "met": intents["met"]})
    p = c["proxy_5xx"]
    rows.append({"target": "Zero 5xx for exchanges the vendor answered",
                 "measured": f"{p['violations']} proxy-made 5xx after a vendor answer"
                             + (f" ({', '.join(f'{k}: {v}' for k, v in p['by_status'].items())})"
                                if p["by_status"] else ""),
                 "met": p["met"]})
    pii = c["pii"]
    rows.append({"target": "Zero PII in logs",
                 "measured": f"{pii['hits']} occurrences of {pii['values_checked']} seeded "
                             "values in proxy.log and audit.jsonl",
                 "met": pii["met"]})
    faults = summary["faults"]
    slow = [f for f in faults if f["readiness"]["back_after_s"] is None
            or f["readiness"]["back_after_s"] > READY_WITHIN_S]
    restarted = len(summary["proxy_pids"]) > 1 or not summary["meta"].get("proxy_alive_at_end")
    rows.append({"target": "Every fault recovered without a restart (readiness back within "
                           f"{READY_WITHIN_S:g} s of the fault's end)",
                 "measured": f"{len(faults) - len(slow)} of {len(faults)} faults; proxy pid(s) "
                             f"{', '.join(map(str, summary['proxy_pids']))}"
                             + ("; the proxy restarted or died" if restarted else ", no restart")
                             + (f"; late or not back: {', '.join(f['name'] for f in slow)}"
                                if slow else ""),
                 "met": not slow and not restarted})
    text, met = _growth_verdict(summary, "rss")
    rows.append({"target": f"RSS flat: at most +5 % from minute {base} to minute {last}",
                 "measured": text, "met": met})
    text, met = _growth_verdict(summary, "fds")
    rows.append({"target": f"File descriptors flat: at most +5 % from minute {base} to "
                           f"minute {last}", "measured": text, "met": met})
    ratio = summary["p99"]["ratio"]
    rows.append({"target": f"p99 latency of minute {last} within 1.3x of minute {base}",
                 "measured": "no data" if ratio is None else
                 f"{summary['p99']['last']:.1f} ms / {summary['p99']['base']:.1f} ms = "
                 f"{ratio:.2f}x",
                 "met": ratio is not None and ratio <= P99_RATIO_LIMIT})
    return rows
