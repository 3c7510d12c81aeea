"""``REPORT.md`` and its plots from a soak summary (``benchmarks.soak.analysis.analyze``).

Plots, one point per minute (per 10 s for runs shorter than 10 minutes, where minutes are too
few to show a shape), with the fault windows shaded and the valid reloads dotted: latency
percentiles, throughput and errors, RSS per process, open file descriptors, event-loop lag. No
value of a payload is ever written: PII hits are shown masked (first three characters and the
length).
"""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Any

import orjson

MB = 1024 * 1024
BUSY_OTHER_CORES = 0.3  # other work's mean CPU above which the report warns
_VERDICT = {True: "met", False: "**not met**", None: "n/a"}


def _f(value: float | None, digits: int = 1, suffix: str = "") -> str:
    if value is None or math.isnan(value):
        return "-"
    return f"{value:,.{digits}f}{suffix}"


def _nan(values: list[float | None], scale: float = 1.0) -> list[float]:
    """Values for a plot: gaps as NaN (matplotlib leaves them out)."""
    return [v / scale if v is not None else math.nan for v in values]


def _counts(counts: dict[str, int], limit: int = 6) -> str:
    if not counts:
        return "none"
    items = sorted(counts.items(), key=lambda kv: -kv[1])
    text = ", ".join(f"{k} x{v}" for k, v in items[:limit])
    rest = sum(v for _, v in items[limit:])
    return text + (f", other x{rest}" if rest else "")


def _readiness(entry: dict[str, Any]) -> str:
    if not entry["dropped"]:
        return "stayed ready"
    states = ", ".join(entry.get("states", [])) or "already not ready at the fault's start"
    if entry["back_after_s"] is None:
        return f"**not back** ({states})"
    return (f"not ready {entry['not_ready_s']:.1f} s ({states}); "
            f"back {entry['back_after_s']:.1f} s after the fault's end")


def _detail(row: dict[str, Any]) -> str:
    d = row["details"]
    e = row.get("details_end", {})
    name = row["name"]
    parts = []
    if name == "worker_kill":
        parts.append(f"killed pid {d.get('killed_pid')}; replacement pid(s) "
                     f"{', '.join(map(str, row.get('replacement_pids', []))) or 'none seen'}")
    elif name == "redis_restart":
        policy = row.get("policy", {})
        parts.append(f"pid {d.get('killed_pid')} -> {e.get('new_pid')}, "
                     f"{e.get('subjects_reseeded')} subjects re-seeded; policy route callers: "
                     f"{_counts(policy.get('callers', {}))}; policy requests the vendor got "
                     f"during the outage: {policy.get('vendor_during_outage')}; opted-out or "
                     f"erased subjects forwarded: {policy.get('opt_out_ignored_in_window', 0)} "
                     "(the new redis-server is empty until the re-seed)")
    elif name.startswith("vendor_"):
        mode = d.get("vendor_mode", {})
        parts.append(", ".join(f"{k}={v}" for k, v in mode.items()))
    elif name == "invalid_reload":
        versions = row.get("versions", {})
        parts.append(f"'configuration change refused' logged {row.get('refused_log_lines', 0)}"
                     f" time(s); version in force {versions.get('before')} before, "
                     f"{versions.get('after')} after")
    elif name == "audit_unwritable":
        audit = row.get("audit", {})
        grew = audit.get("bytes_written_during")
        parts.append(f"`{d.get('command', '?')}`; audit lines during: "
                     f"{audit.get('lines_during')}"
                     + (f" (file grew by {grew} bytes)" if grew is not None else "")
                     + ", first line after restore: "
                     + _f(audit.get("first_line_after_s"), 2, " s"))
    if row.get("error"):
        parts.append(f"error: {row['error']}")
    return "; ".join(parts)


class _Canvas:
    """What every plot shares: the x positions of the bins, the fault windows shaded and the
    valid reloads dotted on each, and the files written."""

    def __init__(self, summary: dict[str, Any], out: Path, plt: Any) -> None:
        unit = 60.0
        self.plt = plt
        self.out = out
        self.series: dict[str, Any] = summary["plot_series"]
        self.bin_s: float = self.series["bin_s"]
        self.xs = [(i + 0.5) * self.bin_s / unit for i in range(self.series["bins"])]
        self.shades = [(f["start_s"] / unit, max(f["end_s"], f["start_s"] + 1) / unit, f["name"])
                       for f in summary["faults"]]
        self.reloads = [t / unit for t in summary.get("reload_times_s", [])]
        self.colours = [plt.get_cmap("tab20")(i) for i in range(20)]
        self.written: list[str] = []

    def shade(self, ax: Any) -> None:
        """Mark the reloads and the fault windows on ``ax``; label its x axis, grid it."""
        for t in self.reloads:  # valid contract reloads: thin dotted lines
            ax.axvline(t, color="grey", linestyle=":", linewidth=0.8)
        for start, end, name in self.shades:
            ax.axvspan(start, end, color="tab:red", alpha=0.15)
            ax.annotate(name, (start, 1.0), xycoords=("data", "axes fraction"), rotation=90,
                        fontsize=6, va="top", ha="right", color="tab:red")
        ax.set_xlabel("minutes since the soak started")
        ax.grid(alpha=0.3)

    def save(self, fig: Any, name: str) -> None:
        """Write ``fig`` as ``name`` in the out directory and close it."""
        fig.tight_layout()
        fig.savefig(self.out / name, dpi=110)
        self.plt.close(fig)
        self.written.append(name)


def _latency_plot(c: _Canvas) -> None:
    s = c.series
    fig, ax = c.plt.subplots(figsize=(9, 4))
    for key in ("p50", "p95", "p99"):
        ax.plot(c.xs, _nan(s["latency_ms"][key]), marker=".", label=key)
    ax.set_yscale("log")
    ax.set_ylabel("latency (ms)")
    ax.set_title(f"Latency per {c.bin_s:g} s (answered requests)")
    ax.legend()
    c.shade(ax)
    c.save(fig, "latency.png")


def _throughput_plot(c: _Canvas) -> None:
    s, xs, bin_s = c.series, c.xs, c.bin_s
    fig, (ax1, ax2) = c.plt.subplots(2, 1, figsize=(9, 6), sharex=True)
    ok = [cats.get("ok", 0) / bin_s for cats in s["categories"]]
    answered = [n / bin_s for n in s["answered"]]
    ax1.plot(xs, answered, marker=".", label="answered / s")
    ax1.plot(xs, ok, marker=".", label="2xx / s")
    ax1.set_ylabel("requests / s")
    ax1.legend()
    ax1.grid(alpha=0.3)
    kinds = sorted({k for cats in s["categories"] for k in cats} - {"ok", "policy_refused"})
    for kind in kinds:
        ax2.plot(xs, [cats.get(kind, 0) for cats in s["categories"]], marker=".", label=kind)
    ax2.set_ylabel(f"errors per {bin_s:g} s")
    if kinds:
        ax2.legend(fontsize=7)
    c.shade(ax1)
    c.shade(ax2)
    ax1.set_title("Throughput and errors")
    c.save(fig, "throughput.png")


def _rss_plot(c: _Canvas) -> None:
    colours = c.colours
    fig, ax = c.plt.subplots(figsize=(9, 4.5))
    for i, (key, values) in enumerate(sorted(c.series["pid_rss"].items())):
        ax.plot(c.xs, _nan(values, MB), marker=".", label=key, linewidth=1,
                color=colours[i % len(colours)])
    ax.set_ylabel("RSS (MiB)")
    ax.set_title("RSS per process (median per bin)")
    ax.legend(fontsize=6, ncol=2)
    c.shade(ax)
    c.save(fig, "rss.png")


def _fds_plot(c: _Canvas) -> None:
    xs, colours = c.xs, c.colours
    fig, (ax1, ax2) = c.plt.subplots(2, 1, figsize=(9, 7), sharex=True)
    fds = sorted((key[:-4], values) for key, values in c.series["process"].items()
                 if key.endswith(":fds"))
    for i, (name, values) in enumerate(f for f in fds if not f[0].startswith("proxy ")):
        ax1.plot(xs, _nan(values), marker=".", label=name, color=colours[i % len(colours)])
    for i, (name, values) in enumerate(f for f in fds if f[0].startswith("proxy ")):
        ax2.plot(xs, _nan(values), marker=".", label=name[6:], color=colours[i % len(colours)])
    ax1.set_ylabel("open file descriptors")
    ax1.set_title("Open file descriptors per process (median per bin; workers summed)")
    ax2.set_ylabel("the proxy's descriptors")
    ax2.set_title("The proxy's: TCP sockets by peer, and everything else (files, pipes, epoll)")
    for ax in (ax1, ax2):
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=7, ncol=2)
        c.shade(ax)
    c.save(fig, "fds.png")


def _lag_plot(c: _Canvas) -> None:
    fig, ax = c.plt.subplots(figsize=(9, 4))
    ax.plot(c.xs, _nan(c.series["lag_max_ms"]), marker=".", label="worst")
    ax.plot(c.xs, _nan(c.series["lag_p99_ms"]), marker=".", label="p99 (histogram bucket bound)")
    ax.set_ylabel("event-loop lag (ms)")
    ax.set_title("Proxy event-loop lag")
    ax.legend()
    c.shade(ax)
    c.save(fig, "lag.png")


def _plots(summary: dict[str, Any], out: Path) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    canvas = _Canvas(summary, out, plt)
    for draw in (_latency_plot, _throughput_plot, _rss_plot, _fds_plot, _lag_plot):
        draw(canvas)
    return canvas.written


def _introduction(summary: dict[str, Any]) -> list[str]:
    meta = summary["meta"]
    minutes = meta["minutes"]
    lines = [
        f"# Soak report: {minutes:g} minutes",
        "",
        (f"Run of {meta.get('started', '?')} on {meta.get('cpus', '?')} CPUs (load average at "
        f"start {', '.join(f'{x:.2f}' for x in meta.get('loadavg_start', []))}), Python "
        f"{meta.get('python', '?')}. Produced by `python -m benchmarks.soak --minutes "
        f"{minutes:g}`; every process on 127.0.0.1."),
        "",
    ]
    if meta.get("interrupted"):
        lines += [(f"> **The run was stopped early** ({meta['interrupted']}); the figures cover "
                  "what ran, faults still in force were undone at the stop."), ""]
    if minutes < 30:
        lines += [(f"> A {minutes:g}-minute run (a smoke run of the harness): every fault is "
                  "injected once, in shorter windows. The growth and latency targets compare "
                  f"minute {summary['baseline_minute']} with minute {summary['last_minute']} and "
                  "say little about a 30-minute soak."), ""]
    return lines


def _load_section(summary: dict[str, Any]) -> list[str]:
    meta, totals = summary["meta"], summary["totals"]
    cap = meta.get("capacity", {})
    return [
        "## Load",
        "",
        f"- Capacity of the redacting route (closed loop, {cap.get('concurrency', '?')} "
        f"concurrent callers, {_f(cap.get('seconds'), 0)} s after "
        f"{_f(meta.get('capacity_warmup_s'), 0)} s of warm-up): **{_f(cap.get('ok_per_s'))} "
        "req/s**" + (" (given with --capacity-rps, not measured)" if meta.get("capacity_given")
                     else ""),
        (f"- Soak rate: {meta.get('load_fraction', 0.7) * 100:.0f} % of it = "
        f"**{_f(meta.get('rate'))} req/s** offered, open loop; achieved "
        f"{_f(totals.get('achieved_rps'))} req/s started over "
        f"{_f((meta.get('t_soak_end', 0) - meta.get('t_soak_start', 0)) / 60, 1)} min."),
        f"- Mix: {', '.join(f'{k} {v * 100:.0f} %' for k, v in meta.get('mix', {}).items())}.",
        (f"- {totals['requests']:,} requests, {totals['answered']:,} answered; the vendor received "
        f"{totals['vendor_received']:,}; {totals['audit_lines']:,} audit lines."),
        (f"- CPU: the run's processes used {_f(totals.get('cpu_run_cores_mean'), 2)} cores on "
         f"average, other work on the machine {_f(totals.get('cpu_other_cores_mean'), 2)}"
         + (" (**a busy machine**: the capacity measured at the start did not hold, so load "
            "was above 70 % of what was left; compare with a run on a quiet machine)"
            if (totals.get("cpu_other_cores_mean") or 0) > BUSY_OTHER_CORES else "") + "."),
        f"- Caller outcomes: {_counts(totals['categories'], 10)}.",
        f"- Statuses: {_counts(totals['statuses'], 10)}.",
        f"- Vendor: {_counts(totals['vendor'], 10)}.",
        "",
    ]


def _targets_section(summary: dict[str, Any]) -> list[str]:
    lines = [
        "## Targets",
        "",
        "| target | measured | verdict |",
        "|---|---|---|",
    ]
    for row in summary["targets"]:
        lines.append(f"| {row['target']} | {row['measured']} | {_VERDICT[row['met']]} |")
    return lines


def _faults_section(summary: dict[str, Any]) -> list[str]:
    meta = summary["meta"]
    lines = [
        "",
        "## Faults",
        "",
        (f"Callers and vendor are counted over the fault's window plus {meta.get('settle_s', 10):g}"
        " s after it (requests by start time, vendor requests by arrival). Readiness is "
        "`/readyz` on the admin port, polled every 250 ms. Service recovery: from the fault's "
        "end to the first of 20 consecutive requests answered well (2xx, or the expected 403 of "
        "an opted-out or erased subject)."),
        "",
        ("| fault | window (s) | callers saw | vendor saw | readiness | service recovery | "
        "details |"),
        "|---|---|---|---|---|---|---|",
    ]
    for row in summary["faults"]:
        window = f"{row['start_s']:g}-{row['end_s']:g}"
        lines.append(
            f"| {row['name']} | {window} | {_counts(row['callers'])} | {_counts(row['vendor'])} "
            f"| {_readiness(row['readiness'])} | {_f(row['service_recovery_s'], 1, ' s')} | "
            f"{_detail(row)} |")
    return lines


def _reloads_and_fault_kinds(summary: dict[str, Any]) -> list[str]:
    meta = summary["meta"]
    r = summary["reloads"]
    lines = [
        "",
        (f"Valid contract reloads (every {meta.get('reload_every_s', 30):g} s): {r['count']} "
        f"written, {r['applied']} seen applied by `/readyz` (median {_f(r['apply_s_median'], 2)}"
        f" s, max {_f(r['apply_s_max'], 2)} s after the write), {r['not_seen_applied']} not seen; "
        f"caller errors within 5 s of a reload (outside the other faults' windows): "
        f"{_counts(r['caller_errors_within_5s'])}."),
        "",
        "What each fault is:",
        "",
    ]
    seen = set()
    for row in summary["faults"]:
        if row["name"] not in seen:
            seen.add(row["name"])
            lines.append(f"- `{row['name']}`: {row['description']}.")
    return lines


def _checks_section(summary: dict[str, Any]) -> list[str]:
    c = summary["checks"]
    intents = c["audit_intents"]
    p = c["proxy_5xx"]
    pii = c["pii"]
    lines = [
        "",
        "## Checks",
        "",
        (f"**Audit intents** (format: {intents['format']}): {_counts(intents['counts'], 8)}. "
        f"{intents['note'].capitalize()}."),
    ]
    for outcome, ids in intents["examples"].items():
        lines.append(f"- e.g. {outcome}: {', '.join(ids[:3])}")
    lines += [
        "",
        (f"**Proxy 5xx** (all, by status and reason): {_counts(p['proxy_5xx_total'], 10)}; of "
        f"them after the vendor had answered: {p['violations']}."),
    ]
    for example in p["examples"][:5]:
        lines.append(f"- {example['rid']} ({example['kind']}): caller {example['status']} "
                     f"{example['reason'] or '(no JSON reason)'}, vendor had answered "
                     f"{example['vendor_status']}")
    lines += [
        "",
        (f"**PII in logs**: {pii['values_checked']} values (names, emails, phones, cards, "
        "SSNs, IBANs, addresses, customer and subject ids of the payloads) searched with "
        "`grep -F` in:"),
    ]
    for name, entry in pii["files"].items():
        lines.append(f"- `{name}`: {entry['hits']} hits, {entry['distinct']} distinct values"
                     + (f" (e.g. {', '.join(entry['examples'])})" if entry["examples"] else ""))
    lines += ["", "**Proxy log** (top messages):", ""]
    for entry in summary["log_messages"]:
        lines.append(f"- {entry['level']}: {entry['message']} x{entry['count']}")
    return lines


def _minute_row(pm: dict[str, Any], i: int) -> str:
    """One row of the per-minute table: bin ``i`` of the per-minute series ``pm``."""
    proc = pm["process"]

    def cell(key: str, scale: float = 1.0) -> str:
        values = proc.get(key)
        value = values[i] if values else None
        return _f(value / scale if value is not None else None, 0 if scale == 1.0 else 1)

    cats = pm["categories"][i]
    errors = {k: v for k, v in cats.items() if k not in ("ok", "policy_refused")}
    return (
        f"| {i + 1} | {pm['answered'][i]} | {_f(cats.get('ok', 0) / pm['bin_s'])} | "
        f"{_f(pm['latency_ms']['p50'][i])} | {_f(pm['latency_ms']['p95'][i])} | "
        f"{_f(pm['latency_ms']['p99'][i])} | {_counts(errors, 3)} | "
        f"{cell('proxy:rss', MB)} | {cell('workers:rss', MB)} | {cell('proxy:fds')} "
        f"| {cell('workers:fds')} | {_f(pm['lag_max_ms'][i])} | "
        f"{_f(pm.get('cpu_run_cores', [None] * pm['bins'])[i], 2)} / "
        f"{_f(pm.get('cpu_other_cores', [None] * pm['bins'])[i], 2)} |")


def _per_minute_section(summary: dict[str, Any]) -> list[str]:
    pm = summary["per_minute"]
    lines = [
        "",
        "## Per minute",
        "",
        ("| min | answered | 2xx/s | p50 ms | p95 ms | p99 ms | errors | proxy RSS MiB | "
         "workers RSS MiB | proxy fds | workers fds | loop lag max ms | CPU run / other "
         "(cores) |"),
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    lines += [_minute_row(pm, i) for i in range(pm["bins"])]
    return lines


def _growth_section(summary: dict[str, Any]) -> list[str]:
    lines = ["", "## Growth (median of the minute)", "",
             (f"| process | minute {summary['baseline_minute']} | minute "
              f"{summary['last_minute']} | growth |"), "|---|---|---|---|"]
    for key, entry in sorted(summary["growth"].items()):
        scale = MB if key.endswith(":rss") else 1.0
        unit = " MiB" if key.endswith(":rss") else ""
        lines.append(
            f"| {key} | {_f(entry['base'] / scale if entry['base'] is not None else None, 1)}"
            f"{unit} | {_f(entry['last'] / scale if entry['last'] is not None else None, 1)}"
            f"{unit} | {_f(entry['growth'] * 100 if entry['growth'] is not None else None, 1)}"
            " % |")
    return lines


def _plots_and_files(images: list[str]) -> list[str]:
    lines = ["", "## Plots", ""]
    for image in images:
        lines.append(f"![{image}]({image})")
    lines += ["", "## Files", "",
              ("`run.json` (parameters, times, schedule), `results.ndjson` (caller side), "
              "`vendor.ndjson`, `audit.jsonl`, `faults.ndjson`, `processes.ndjson`, "
              "`metrics.ndjson`, `readiness.ndjson`, `proxy.log`, `summary.json` (every figure "
              "of this report). Re-render with `python -m benchmarks.soak --report-only --out "
              "DIR`."), ""]
    return lines


def render(summary: dict[str, Any], images: list[str]) -> str:
    """The Markdown of ``REPORT.md`` for ``summary``, linking ``images``."""
    lines = [
        *_introduction(summary),
        *_load_section(summary),
        *_targets_section(summary),
        *_faults_section(summary),
        *_reloads_and_fault_kinds(summary),
        *_checks_section(summary),
        *_per_minute_section(summary),
        *_growth_section(summary),
        *_plots_and_files(images),
    ]
    return "\n".join(lines)


def write_report(summary: dict[str, Any], out: Path, plots: bool = True) -> Path:
    images = _plots(summary, out) if plots else []
    (out / "summary.json").write_bytes(orjson.dumps(summary, option=orjson.OPT_INDENT_2
                                                    | orjson.OPT_NON_STR_KEYS))
    path = out / "REPORT.md"
    path.write_text(render(summary, images))
    return path


def stamp() -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S %Z")
