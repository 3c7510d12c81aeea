"""The benchmark harness, quickly: payloads, leak counting, the baselines' servers, the report.

No detection engine here (the full harness runs it); a tiny closed-loop run goes through the real
recording vendor and the pass-through proxy on 127.0.0.1.
"""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from benchmarks import loadgen, report
from benchmarks.passthrough import build_app as build_passthrough
from benchmarks.payloads import (
    MAIL_PATH,
    count_leaks,
    count_vendor_leaks,
    make_payload,
    make_payloads,
    payload_index,
)
from benchmarks.vendor import build_vendor
from proxy.config.loader import load_config

CONFIGS = Path(__file__).resolve().parents[2] / "benchmarks" / "config"


def test_payloads_are_deterministic_and_about_600_bytes() -> None:
    payloads = make_payloads(50)

    assert [p.body for p in payloads] == [p.body for p in make_payloads(50)]
    assert len({p.body for p in payloads}) == 50
    assert all(550 <= len(p.body) <= 800 for p in payloads)
    assert all(payload_index(p.body) == p.index for p in payloads)


def test_every_must_stop_value_is_in_the_payload() -> None:
    payload = make_payload(7)
    document = orjson.loads(payload.body)

    assert len(payload.free_texts) == 3
    assert document["subject"] in payload.free_texts
    for _entity, value in payload.must_stop:
        assert value.encode() in payload.body
    assert document["personalizations"][0]["to"][0]["name"] not in " ".join(payload.free_texts)


def test_leaks_are_counted_per_payload() -> None:
    payloads = make_payloads(3)
    clean = [(p, b"{}") for p in payloads]
    leaky = [(payloads[0], payloads[0].body)]

    assert count_leaks(clean).leaked == 0
    assert count_leaks(leaky).leaked == len(payloads[0].must_stop)
    assert count_vendor_leaks(payloads, [payloads[1].body]).checked == len(payloads[1].must_stop)


@pytest.mark.parametrize("kind", ["redact", "structured"])
def test_benchmark_contracts_load(kind: str) -> None:
    config = load_config(CONFIGS / kind)

    assert set(config.vendors) == {"mailer"}


@pytest.mark.functional
async def test_tiny_run_through_vendor_and_pass_through(aiohttp_server) -> None:  # type: ignore[no-untyped-def]
    vendor = build_vendor()
    vendor_server = await aiohttp_server(vendor.app())
    upstream = str(vendor_server.make_url("")).rstrip("/")
    proxy_server = await aiohttp_server(build_passthrough(upstream))
    payloads = make_payloads(5)

    result = await loadgen.closed_loop("smoke", str(proxy_server.make_url(MAIL_PATH)), payloads,
                                       concurrency=4, seconds=0.5, warmup_s=0.1, quiet=True)

    assert result.ok > 0 and not result.errors and set(result.statuses) == {202}
    assert vendor.received[-1].path == "/v3/mail/send"
    leaks = count_vendor_leaks(payloads, [r.body for r in vendor.received])
    assert leaks.leaked == leaks.checked > 0  # a pass-through forwards everything


def test_report_renders_from_results(tmp_path: Path) -> None:
    ok = [1.0, 2.0, 3.0, 10.0]

    def scenario(label: str, rps: float) -> dict:
        return {"label": label, "throughput_rps": rps, "ok_latencies_ms": ok, "statuses": {
            "202": 4}, "errors": {}, "server_cpu_ms_per_request": 1.0,
            "server_cpu_cores_busy": 0.5, "vendor_cpu_ms_per_request": 0.1, "sent": 4, "ok": 4,
            "rejected_latencies_ms": [], "retry_after_seen": 0, "duration_s": 1.0}

    results = {
        "meta": {"started": "now", "cpus": 2, "python": "3.11", "platform": "x",
                 "concurrency": 32, "seconds": 1, "warmup_s": 0, "payloads": 5,
                 "payload_bytes_mean": 600, "workers": 0, "queue_size": 256, "pinned": False,
                 "quick": True},
        "scenarios": {"a": scenario("(a)", 100), "b": scenario("(b)", 80),
                      "c": scenario("(c)", 60), "d": scenario("(d)", 40),
                      "overload": scenario("(o)", 30) | {"offered_rps": 80}},
        "naive": {"throughput_rps": 2.0, "latencies_ms": ok, "cpu_ms_per_request": 50.0,
                  "leaks": {"checked": 10, "leaked": 1, "by_entity": {"STREET": 1}}},
        "floor": {"ner_only_batched_ms": 0.5, "ner_only_per_payload_ms": 0.6,
                  "engine_pipes_batched_ms": 0.7, "engine_pipes_per_payload_ms": 0.8,
                  "ner_only_pipes": ["ner"], "engine_pipes": ["ner"]},
        "healthz_idle_ms": [1.0, 1.2],
    }
    results["scenarios"]["d"]["leaks"] = {"checked": 10, "leaked": 0, "by_entity": {}}
    results["scenarios"]["d"]["server_cpu_split_ms_per_request"] = [0.25, 0.75]

    path = report.write(results, tmp_path, notes="## Notes")

    text = path.read_text()
    assert "| (c) throughput >= 0.6 x (b) | 0.75 x | met |" in text
    assert "| (d) throughput >= 20 x (e) | 20.0 x | met |" in text
    assert "| (d) CPU/request <= 1.5 x (f) | 2.00 x" in text
    assert "over the engine's own NER at batches of 64 | 1.43 x (1.00 ms vs 0.70 ms)" in text
    assert "proxy process + detection workers: (d): 0.25 + 0.75." in text
    assert (tmp_path / "throughput.png").stat().st_size > 1000
    assert text.rstrip().endswith("## Notes")


def test_profile_summary_splits_proxy_and_workers(tmp_path: Path) -> None:
    raw = tmp_path / "raw.txt"
    raw.write_text(
        "process 1;main (proxy/tools/cli.py:1);handle (proxy/exchange/handler.py:5) 3\n"
        "process 2;_worker_main (recognizers/pool.py:9);process_batch (x/spacy_nlp_engine.py:1)"
        " 5\n")

    summary = report.summarize_profile(raw)

    assert summary["detection worker"]["samples"] == 5
    assert summary["detection worker"]["buckets"] == [("spaCy NER (nlp.pipe)", 5)]
    assert summary["proxy event loop process"]["samples"] == 3
