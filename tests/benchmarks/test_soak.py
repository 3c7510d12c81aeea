"""The soak harness without a soak: its schedule, its checks on small fabricated logs, its report.

A real run takes minutes (``python -m benchmarks.soak --minutes 3`` for a smoke run); here only
the parts that decide what the report says are exercised.
"""

from __future__ import annotations

import itertools
import json
import shutil
from pathlib import Path
from typing import Any

import orjson
import pytest

from benchmarks.soak import analysis, checks, report
from benchmarks.soak.contract_edits import invalid, toggled
from benchmarks.soak.mix import PATHS, build_bodies, new_request_id, parse_mix
from benchmarks.soak.schedule import FAULTS, baseline_minute, build_schedule
from proxy.config.loader import load_config
from proxy.errors import ConfigError
from proxy.exchange.request_ids import OPAQUE_ID as _OPAQUE_ID

SOAK_CONFIG = Path(__file__).resolve().parents[2] / "benchmarks" / "soak" / "config"
T0 = 1_800_000_000.0


# -- schedule ---------------------------------------------------------------------------------


def test_a_smoke_run_meets_every_fault_once_without_overlap() -> None:
    schedule = build_schedule(3)
    one_off = [p for p in schedule if p.name != "reload"]

    assert [p.name for p in one_off] == [spec.name for spec in FAULTS]
    for before, after in itertools.pairwise(one_off):
        assert before.end_s < after.at_s
    assert all(36 <= p.at_s and p.end_s <= 150 for p in one_off)  # 20 % .. 80 % of 180 s
    assert all(p.duration_s >= 5 for p in one_off if p.name not in ("worker_kill",
                                                                   "redis_restart"))
    reloads = [p.at_s for p in schedule if p.name == "reload"]
    assert reloads == [15, 45, 75, 105, 135, 165]
    assert baseline_minute(3) == 1


def test_a_full_run_keeps_the_full_windows_and_reloads_every_30_s_but_around_the_invalid_one(
) -> None:
    schedule = build_schedule(30)
    by_name = {p.name: p for p in schedule if p.name != "reload"}
    reloads = [p.at_s for p in schedule if p.name == "reload"]
    bad = by_name["invalid_reload"]

    assert {name: p.duration_s for name, p in by_name.items()} == {
        spec.name: float(spec.full_duration_s) for spec in FAULTS}
    assert by_name["worker_kill"].at_s == 360 and by_name["audit_unwritable"].at_s == 1440
    assert baseline_minute(30) == 5  # minute 5 is before the first fault, at minute 6
    assert all(not bad.at_s - 3 <= t <= bad.end_s + 3 for t in reloads)
    assert len(reloads) == 60  # 15, 45, ... 1785 s (none falls next to the invalid reload)
    assert all(t % 30 == 15 for t in reloads)  # never on a one-off fault's instant


# -- traffic and config -----------------------------------------------------------------------


def test_request_ids_are_opaque_for_the_proxy_so_it_passes_them_to_the_vendor() -> None:
    for _ in range(200):
        rid = new_request_id()
        assert len(rid) == 32 and _OPAQUE_ID.fullmatch(rid)


def test_bodies_carry_the_pii_the_log_check_looks_for() -> None:
    bodies, values = build_bodies(pool=10)

    assert set(bodies) == set(PATHS)
    assert any("@" in v for v in values) and any(v.startswith("cust-soak-") for v in values)
    assert all(len(v) >= 6 for v in values)
    every_body = b"".join(b.body for kind in bodies.values() for b in kind)
    assert all(v.encode() in every_body for v in values)
    assert {b.subject_state for b in bodies["policy"]} == {"ok", "opted_out", "erased"}
    assert abs(sum(parse_mix(None).values()) - 1) < 1e-9
    with pytest.raises(ValueError):
        parse_mix("redacting=1,bogus=1")


def test_the_reload_faults_rewrite_the_contract_validly_then_invalidly(tmp_path: Path) -> None:
    config = tmp_path / "config"
    shutil.copytree(SOAK_CONFIG, config)
    loaded = load_config(config)
    routes = {f"/{vendor}{route.route.path}" for vendor, v in loaded.vendors.items()
              for route in v.routes}
    assert set(PATHS.values()) <= routes

    contract = config / "vendors" / "notify.yaml"
    text = contract.read_text()
    contract.write_text(toggled(text))
    assert load_config(config).version != loaded.version
    assert toggled(toggled(text)) == text
    contract.write_text(invalid(text))
    with pytest.raises(ConfigError):
        load_config(config)


# -- checks -----------------------------------------------------------------------------------


def _iso(t: float) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(t, UTC).isoformat(timespec="milliseconds")


def test_audit_intents_pass_only_with_an_intent_written_before_the_vendor_got_it() -> None:
    vendor = [{"rid": "a1", "t_recv": T0 + 1}, {"rid": "b2", "t_recv": T0 + 1},
              {"rid": "c3", "t_recv": T0 + 1}, {"rid": "d4", "t_recv": T0 + 1}]
    audit = [
        {"request_id": "a1", "phase": "intent", "time": _iso(T0 + 0.5)},
        {"request_id": "a1", "phase": "complete", "time": _iso(T0 + 1.5)},
        {"request_id": "b2", "phase": "intent", "time": _iso(T0 + 2)},  # too late
        {"request_id": "c3", "phase": "complete", "time": _iso(T0 + 2)},  # no intent
    ]
    result = checks.audit_intents(vendor, audit)

    assert result["format"] == "phase"
    assert result["counts"] == {"vendor_requests": 4, "intent_before": 1,
                                "intent_after_vendor": 1, "intent_missing": 1,
                                "no_audit_record": 1}
    assert result["violations"] == 3 and result["met"] is False
    assert checks.audit_intents(vendor[:1], audit[:2])["met"] is True


def test_audit_intents_say_plainly_when_the_format_has_none() -> None:
    vendor = [{"rid": "a1", "t_recv": T0}, {"rid": "b2", "t_recv": T0}]
    audit = [{"request_id": "a1", "time": _iso(T0 + 0.2), "status": 202}]
    result = checks.audit_intents(vendor, audit)

    assert result["met"] is False
    assert result["counts"]["audited_after_only"] == 1
    assert result["counts"]["no_audit_record"] == 1
    assert "no intent records" in result["note"]


def test_a_vendor_5xx_passed_on_is_not_the_proxys_but_a_proxy_500_after_an_answer_is() -> None:
    vendor = checks.vendor_index([
        {"rid": "v5", "action": "answer", "status": 503, "t_done": T0 + 0.1},
        {"rid": "ok", "action": "answer", "status": 202, "t_done": T0 + 0.1},
        {"rid": "lost", "action": "answer", "status": 202, "t_done": T0 + 0.1},
        {"rid": "rst", "action": "reset", "status": None, "t_done": T0 + 0.1},
        {"rid": "late", "action": "answer", "status": 202, "t_done": T0 + 9},
        {"rid": "held", "action": "answer", "status": 503, "t_done": T0 + 0.1},
    ])
    results = [
        {"rid": "v5", "t0": T0, "t1": T0 + 0.2, "status": 503},
        {"rid": "ok", "t0": T0, "t1": T0 + 0.2, "status": 202},
        {"rid": "lost", "t0": T0, "t1": T0 + 0.2, "status": 500, "reason": "internal_error"},
        {"rid": "rst", "t0": T0, "t1": T0 + 0.2, "status": 502, "reason": "upstream_error"},
        {"rid": "late", "t0": T0, "t1": T0 + 5, "status": 504, "reason": "upstream_timeout"},
        {"rid": "no", "t0": T0, "t1": T0 + 0.2, "status": 403, "reason": "subject_opted_out",
         "subject": "opted_out"},
        {"rid": "bad", "t0": T0, "t1": T0 + 0.2, "status": 200, "subject": "erased"},
        {"rid": "gone", "t0": T0, "t1": T0 + 30, "err": "TimeoutError"},
        # the vendor's 503 whose body the proxy could not check: its status, answer withheld
        {"rid": "held", "t0": T0, "t1": T0 + 0.2, "status": 503,
         "reason": "detection_overloaded", "withheld": True},
    ]
    categories = [checks.classify(r, vendor.get(r["rid"], [])) for r in results]
    verdict = checks.proxy_5xx_for_answered(results, vendor)

    assert categories == ["vendor_5xx", "ok", "proxy_5xx", "proxy_5xx", "proxy_5xx",
                          "policy_refused", "opt_out_ignored", "client_error", "vendor_5xx"]
    assert verdict["violations"] == 1 and verdict["met"] is False
    assert verdict["examples"][0]["rid"] == "lost"
    assert verdict["proxy_5xx_total"] == {"500 internal_error": 1, "502 upstream_error": 1,
                                          "504 upstream_timeout": 1}


def test_pii_hits_count_each_value_and_mask_it(tmp_path: Path) -> None:
    log = tmp_path / "proxy.log"
    log.write_text('{"message": "ok"}\n{"message": "for jolene@example.com"}\n')
    audit = tmp_path / "audit.jsonl"
    audit.write_text('{"request_id": "x"}\n')
    result = checks.pii_hits([log, audit, tmp_path / "absent"],
                             ["jolene@example.com", "4111 1111 1111 1111"])

    assert result["hits"] == 1 and result["met"] is False
    assert result["files"]["proxy.log"] == {"hits": 1, "distinct": 1,
                                            "examples": ["jol…(18)"]}
    assert result["files"]["audit.jsonl"]["hits"] == 0


def test_readiness_recovery_measures_from_the_faults_end() -> None:
    transitions = [{"t": T0, "state": "ready"}, {"t": T0 + 11, "state": "not_ready"},
                   {"t": T0 + 14, "state": "ready"}]

    assert checks.readiness_recovery(transitions, T0 + 10, T0 + 10, 30) == {
        "dropped": True, "not_ready_s": 3.0, "back_after_s": 4.0, "states": ["not_ready"]}
    assert checks.readiness_recovery(transitions, T0 + 20, T0 + 25, 30)["dropped"] is False
    assert checks.readiness_recovery(transitions[:2], T0 + 10, T0 + 10, 30)["back_after_s"] \
        is None


def test_service_recovery_waits_for_a_run_of_good_answers() -> None:
    results = [{"t0": T0 + i * 0.1} for i in range(100)]
    categories = ["proxy_5xx"] * 30 + ["ok"] * 5 + ["client_error"] + ["ok"] * 64

    assert checks.service_recovery(results, categories, T0 + 1.0, run=20) == 2.6
    assert checks.service_recovery(results, ["proxy_5xx"] * 100, T0, run=20) is None


def test_growth_and_percentiles() -> None:
    assert checks.growth(100.0, 104.0) == pytest.approx(0.04)
    assert checks.growth(None, 1.0) is None
    assert checks.percentile([5.0, 1.0, 3.0, 2.0, 4.0], 0.5) == 3.0
    assert checks.percentile(list(map(float, range(1, 101))), 0.99) == 99.0


# -- analysis and report ----------------------------------------------------------------------


def _lines(path: Path, entries: list[dict[str, Any]]) -> None:
    path.write_bytes(b"".join(orjson.dumps(e) + b"\n" for e in entries))


def _fake_run(out: Path) -> None:
    """Two minutes of a run: load, vendor, audit, one worker kill, samples, readiness."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "run.json").write_text(json.dumps({
        "minutes": 2, "t_soak_start": T0, "t_soak_end": T0 + 120, "started": "now",
        "cpus": 2, "python": "3.11", "loadavg_start": [0.1, 0.1, 0.1], "load_fraction": 0.7,
        "mix": {"redacting": 1.0}, "reload_every_s": 30, "settle_s": 5,
        "capacity": {"ok_per_s": 10.0, "concurrency": 32, "seconds": 20}, "rate": 7.0,
        "proxy_alive_at_end": True}))
    results, vendor, audit = [], [], []
    for i in range(240):
        t = T0 + i * 0.5
        rid = f"a{i:031x}"
        status = 500 if 60 <= t - T0 < 62 else 202
        results.append({"rid": rid, "kind": "redacting", "t0": t, "t1": t + 0.02,
                        "status": status} | ({"reason": "internal_error"} if status == 500
                                             else {}))
        vendor.append({"rid": rid, "path": "/v3/mail/send", "t_recv": t + 0.005,
                       "t_done": t + 0.006, "action": "answer", "status": 202})
        if status != 500:
            audit.append({"request_id": rid, "time": _iso(t + 0.01), "status": 202})
    _lines(out / "results.ndjson", results)
    _lines(out / "vendor.ndjson", vendor)
    _lines(out / "audit.jsonl", audit)
    _lines(out / "faults.ndjson", [
        {"name": "worker_kill", "start": T0 + 30, "end": T0 + 30,
         "details_start": {"killed_pid": 11, "workers_before": [11, 12]}},
        {"name": "audit_unwritable", "start": T0 + 60, "end": T0 + 62,
         "details_start": {"command": "prlimit --pid 10 --fsize=5:"}},
        {"name": "reload", "start": T0 + 15, "end": T0 + 15,
         "details_start": {"expected_version": "v2"}}])
    procs = []
    for s in range(120):
        t = T0 + s
        worker = 11 if s < 30 else 13
        procs += [{"t": t, "role": "proxy", "pid": 10, "rss": 100 * 2**20 + s * 1000, "fds": 40,
                   "cpu": 0.3 * s},
                  {"t": t, "role": "worker", "pid": 12, "rss": 300 * 2**20, "fds": 8,
                   "cpu": 0.4 * s},
                  {"t": t, "role": "worker", "pid": worker, "rss": 300 * 2**20, "fds": 8,
                   "cpu": 0.4 * s}]
    _lines(out / "processes.ndjson", procs)
    _lines(out / "system.ndjson", [{"t": T0 + s, "cpu_busy": 1.6 * s, "load1": 1.0}
                                   for s in range(120)])
    bucket = 'privacy_proxy_event_loop_lag_seconds_bucket{le="%s"}'
    _lines(out / "metrics.ndjson", [
        {"t": T0 + s, "values": {"privacy_proxy_event_loop_lag_max_seconds": 0.002,
                                 bucket % "0.001": 9.0 * s, bucket % "0.005": 10.0 * s,
                                 bucket % "+Inf": 10.0 * s}} for s in range(120)])
    _lines(out / "readiness.ndjson", [
        {"t": T0 - 5, "state": "ready", "version": "v1"},
        {"t": T0 + 15.3, "state": "ready", "version": "v2"},
        {"t": T0 + 30.2, "state": "not_ready", "version": "v2"},
        {"t": T0 + 37, "state": "ready", "version": "v2"}])
    _lines(out / "proxy.log", [{"time": _iso(T0 + 1), "level": "info", "message": "ready"}])


def test_the_report_renders_targets_and_a_row_per_fault(tmp_path: Path) -> None:
    _fake_run(tmp_path)
    summary = analysis.analyze(tmp_path)
    path = report.write_report(summary, tmp_path, plots=False)
    text = path.read_text()

    assert summary["totals"]["requests"] == 240
    assert summary["per_minute"]["bins"] == 2
    rows = {row["name"]: row for row in summary["faults"]}
    assert rows["worker_kill"]["readiness"]["back_after_s"] == 7.0
    assert rows["worker_kill"]["replacement_pids"] == [13]
    assert rows["audit_unwritable"]["callers"] == {"202": 11, "500 internal_error": 4}
    assert rows["audit_unwritable"]["audit"]["lines_during"] == 0
    assert summary["reloads"]["applied"] == 1
    verdicts = {row["target"].split(":")[0]: row["met"] for row in summary["targets"]}
    assert verdicts["Zero exchanges forwarded without an audit intent"] is False
    assert verdicts["Zero 5xx for exchanges the vendor answered"] is False
    assert verdicts["Zero PII in logs"] is True
    assert summary["growth"]["workers:rss"]["growth"] == 0.0
    assert summary["per_minute"]["lag_p99_ms"][0] == 5.0  # the 0.005 bucket's bound
    assert summary["per_minute"]["cpu_run_cores"][1] == 1.1
    assert summary["per_minute"]["cpu_other_cores"][1] == 0.5  # someone else's work
    assert "| worker_kill | 30-30 |" in text and "**not met**" in text
    assert "## Per minute" in text and "back 7.0 s after the fault's end" in text
    assert json.loads((tmp_path / "summary.json").read_text())["totals"]["requests"] == 240


def test_the_plots_are_written(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    _fake_run(tmp_path)
    report.write_report(analysis.analyze(tmp_path), tmp_path, plots=True)

    for name in ("latency.png", "throughput.png", "rss.png", "fds.png", "lag.png"):
        assert (tmp_path / name).stat().st_size > 1000
    assert "![lag.png](lag.png)" in (tmp_path / "REPORT.md").read_text()
