"""Metrics derived from audit records: names, labels, cardinality cap, no values in labels."""

from __future__ import annotations

import threading
from collections import Counter

from prometheus_client.parser import text_string_to_metric_families

from proxy.enforce.report import MessageReport
from proxy.observe.audit import AuditRecord
from proxy.observe.metrics import OTHER_PATH, ProxyMetrics


def samples(metrics: ProxyMetrics) -> dict[str, list[tuple[dict[str, str], float]]]:
    out: dict[str, list[tuple[dict[str, str], float]]] = {}
    for family in text_string_to_metric_families(metrics.render().decode()):
        for sample in family.samples:
            out.setdefault(sample.name, []).append((sample.labels, sample.value))
    return out


def value(metrics: ProxyMetrics, name: str, **labels: str) -> float:
    return sum(v for got, v in samples(metrics).get(name, [])
               if all(got.get(k) == want for k, want in labels.items()))


def forwarded_record() -> AuditRecord:
    request = MessageReport()
    request.keep("body:to.email")
    request.drop("body:internal_flag")
    request.drop_unlisted("body:customer.ssn")
    request.drop_unlisted("query:debug")
    request.transform("body:subject", "redact")
    request.transform("body:customer_id", "pseudonymize")
    request.shape_mismatch("body:amount")
    request.entities.update({"PERSON": 2, "CREDIT_CARD": 1})
    response = MessageReport()
    response.drop_unlisted("body:echo")
    return AuditRecord(request_id="r1", method="POST", contract_version="abc", vendor="acme",
                       route="POST /v1/messages", status=200, outcome="forwarded",
                       request=request, response=response, duration_ms=12.0, upstream_ms=3.0,
                       detection_ms=7.0)


def test_an_exchange_is_counted_by_vendor_route_status_and_paths() -> None:
    metrics = ProxyMetrics()
    metrics.observe_exchange(forwarded_record())
    metrics.observe_exchange(forwarded_record())
    p = "privacy_proxy_"
    common = {"vendor": "acme", "route": "POST /v1/messages"}
    assert value(metrics, p + "requests_total", status="200", outcome="forwarded", **common) == 2
    assert value(metrics, p + "fields_dropped_total", direction="request",
                 path="body:internal_flag", **common) == 2
    assert value(metrics, p + "unlisted_fields_total", direction="request",
                 path="body:customer.ssn", **common) == 2
    assert value(metrics, p + "unlisted_fields_total", direction="response",
                 path="body:echo", **common) == 2
    # an explicit `drop` is not drift
    assert value(metrics, p + "unlisted_fields_total", path="body:internal_flag") == 0
    assert value(metrics, p + "fields_transformed_total", path="body:subject",
                 action="redact") == 2
    assert value(metrics, p + "wrong_shape_total", path="body:amount") == 2
    assert value(metrics, p + "entities_redacted_total", entity_type="PERSON",
                 direction="request") == 4
    assert value(metrics, p + "detection_duration_seconds_count", vendor="acme") == 2
    assert value(metrics, p + "upstream_duration_seconds_count", **common) == 2
    assert value(metrics, p + "exchange_duration_seconds_sum", vendor="acme") == 0.024
    assert value(metrics, p + "rejected_total") == 0


def test_a_rejection_is_counted_by_reason_and_unknown_vendor_has_an_empty_label() -> None:
    metrics = ProxyMetrics()
    metrics.observe_exchange(AuditRecord(request_id="r", method="GET", contract_version="v",
                                         status=404, outcome="rejected", reason="unknown_vendor"))
    assert value(metrics, "privacy_proxy_rejected_total", vendor="",
                 reason="unknown_vendor") == 1
    assert value(metrics, "privacy_proxy_requests_total", route="", status="404") == 1


def test_path_labels_are_capped() -> None:
    metrics = ProxyMetrics(max_path_series=3)
    for i in range(10):
        report = MessageReport()
        report.drop_unlisted(f"body:k{i}")
        metrics.observe_exchange(AuditRecord(request_id="r", method="POST", contract_version="v",
                                             vendor="acme", route="POST /x", status=200,
                                             outcome="forwarded", request=report))
    paths = Counter(labels["path"] for labels, _ in
                    samples(metrics)["privacy_proxy_unlisted_fields_total"])
    assert len(paths) == 4 and OTHER_PATH in paths
    assert value(metrics, "privacy_proxy_unlisted_fields_total", path=OTHER_PATH) == 7


class FakePool:
    ready = True
    queue_depth = 5
    worker_count = 3
    batches_sent = 4
    texts_sent = 130


def test_pool_gauges_and_contract_version_are_read_at_scrape_time() -> None:
    metrics = ProxyMetrics()
    pool = FakePool()
    metrics.watch_detector(pool)
    metrics.set_contract_version("aaa")
    metrics.set_contract_version("bbb")
    assert value(metrics, "privacy_proxy_detection_queue_depth") == 5
    assert value(metrics, "privacy_proxy_detection_workers") == 3
    assert value(metrics, "privacy_proxy_detection_workers_ready") == 1
    assert value(metrics, "privacy_proxy_detection_batches_total") == 4
    assert value(metrics, "privacy_proxy_detection_batch_texts_total") == 130
    pool.batches_sent, pool.texts_sent = 5, 161
    assert value(metrics, "privacy_proxy_detection_batch_texts_total") == 161
    pool.queue_depth = 9
    pool.ready = False
    assert value(metrics, "privacy_proxy_detection_queue_depth") == 9
    assert value(metrics, "privacy_proxy_detection_workers_ready") == 0
    versions = [labels["version"] for labels, _ in samples(metrics)["privacy_proxy_contract_info"]]
    assert versions == ["bbb"]


def test_two_instances_do_not_share_a_registry() -> None:
    a, b = ProxyMetrics(), ProxyMetrics()
    a.observe_exchange(forwarded_record())
    assert value(a, "privacy_proxy_requests_total") == 1
    assert value(b, "privacy_proxy_requests_total") == 0


def test_a_broken_record_does_not_raise() -> None:
    metrics = ProxyMetrics()
    metrics.observe_exchange(None)  # type: ignore[arg-type]


def test_transformed_paths_over_the_cap_keep_their_action() -> None:
    metrics = ProxyMetrics(max_path_series=1)
    for path, action in (("body:a", "mask"), ("body:b", "redact"), ("body:c", "redact")):
        report = MessageReport()
        report.transform(path, action)
        metrics.observe_exchange(AuditRecord(request_id="r", method="POST", contract_version="v",
                                             vendor="acme", route="POST /x", status=200,
                                             outcome="forwarded", request=report))
    assert value(metrics, "privacy_proxy_fields_transformed_total", path="body:a",
                 action="mask") == 1
    assert value(metrics, "privacy_proxy_fields_transformed_total", path=OTHER_PATH,
                 action="redact") == 2


def test_histograms_and_created_series_look_like_prometheus_client() -> None:
    metrics = ProxyMetrics()
    record = forwarded_record()
    record.duration_ms = 5.0  # on a bucket bound: counted in that bucket (le is inclusive)
    metrics.observe_exchange(record)
    p = "privacy_proxy_exchange_duration_seconds"
    assert value(metrics, p + "_bucket", vendor="acme", le="0.005") == 1
    assert value(metrics, p + "_bucket", vendor="acme", le="+Inf") == 1
    assert value(metrics, p + "_count", vendor="acme") == 1
    assert value(metrics, p + "_created", vendor="acme") > 0
    assert value(metrics, "privacy_proxy_requests_created", vendor="acme") > 0
    text = metrics.render().decode()
    assert "# TYPE privacy_proxy_requests_total counter" in text
    assert "# TYPE privacy_proxy_exchange_duration_seconds histogram" in text


def test_scrapes_from_another_thread_while_exchanges_are_counted() -> None:
    metrics = ProxyMetrics()
    done = threading.Event()
    errors: list[BaseException] = []

    def scrape() -> None:
        try:
            while not done.is_set():
                metrics.render()
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    thread = threading.Thread(target=scrape)
    thread.start()
    try:
        for i in range(3000):
            report = MessageReport()
            report.drop_unlisted(f"body:k{i % 500}")
            metrics.observe_exchange(AuditRecord(
                request_id="r", method="POST", contract_version="v", vendor="acme",
                route="POST /x", status=200, outcome="forwarded", request=report,
                duration_ms=1.0))
    finally:
        done.set()
        thread.join()
    assert errors == []
    assert value(metrics, "privacy_proxy_requests_total") == 3000
    assert value(metrics, "privacy_proxy_unlisted_fields_total") == 3000
