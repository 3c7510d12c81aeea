"""The admin port through real sockets: /metrics after real exchanges, /healthz, /readyz.

Also: the request id reaches the vendor and the exchange's log lines; drift reaches the audit.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from prometheus_client.parser import text_string_to_metric_families

from proxy.config.loader import load_config
from proxy.observe.audit import MemorySink
from proxy.observe.logs import JsonFormatter, RequestIdFilter
from proxy.observe.metrics import ProxyMetrics
from proxy.server.admin import AdminState, build_admin_app
from proxy.server.app import build_app
from proxy.testing import RecordingVendor
from recognizers import DetectionPool
from tests.conftest import write_config

pytestmark = pytest.mark.functional

NAME = "Jolene Brightwater"
EMAIL = "jolene.brightwater@example.com"
PHONE = "212-555-0198"
SSN = "078-05-1120"
CUSTOMER_ID = "cus_77aa91"
SEEDED = [NAME, "Brightwater", "Jolene", EMAIL, PHONE, SSN, CUSTOMER_ID, "jolene"]

CONTRACT = """
vendor: acme
upstream: https://api.acme.example
routes:
  - method: POST
    path: /v1/messages
    request:
      headers: [authorization]
      query: [dry_run]
      body:
        to.email: keep
        note: {action: redact, entities: [PERSON, PHONE_NUMBER]}
        customer_id: pseudonymize
        internal_flag: drop
    response:
      body:
        id: keep
"""


@dataclass
class AdminProxy:
    url: str
    admin_url: str
    state: AdminState
    audit: MemorySink
    session: aiohttp.ClientSession

    async def scrape(self) -> dict[str, list[tuple[dict[str, str], float]]]:
        resp = await self.session.get(self.admin_url + "/metrics")
        assert resp.status == 200
        assert resp.headers["Content-Type"].startswith("text/plain")
        text = await resp.text()
        out: dict[str, list[tuple[dict[str, str], float]]] = {}
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                out.setdefault(sample.name, []).append((sample.labels, sample.value))
        out["__text__"] = [({"text": text}, 0.0)]
        return out


async def _serve(app: web.Application, runners: list[web.AppRunner]) -> str:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    runners.append(runner)
    return f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"  # type: ignore[union-attr]


@pytest.fixture
async def admin_proxy(tmp_path: Path, detection_pool: DetectionPool,
                      vendor: RecordingVendor) -> AsyncIterator[AdminProxy]:
    config = load_config(write_config(tmp_path, {"acme": CONTRACT}))
    metrics = ProxyMetrics()
    audit = MemorySink()
    state = AdminState(metrics=metrics, detector=detection_pool, config=config)
    runners: list[web.AppRunner] = []
    url = await _serve(build_app(config, detection_pool, audit, {"*": vendor.url}, metrics,
                                 draining=state.draining), runners)
    admin_url = await _serve(build_admin_app(state), runners)
    async with aiohttp.ClientSession() as session:
        yield AdminProxy(url, admin_url, state, audit, session)
    for runner in runners:
        await runner.cleanup()


def total(scraped: dict, name: str, **labels: str) -> float:
    return sum(v for got, v in scraped.get(name, [])
               if all(got.get(k) == want for k, want in labels.items()))


async def test_metrics_after_real_exchanges_carry_no_payload_value(
    admin_proxy: AdminProxy, vendor: RecordingVendor
) -> None:
    body = {"to": {"email": EMAIL, "name": NAME},
            "note": f"Please call {NAME} at {PHONE}",
            "customer_id": CUSTOMER_ID, "internal_flag": True,
            "ssn": SSN, "profile": {EMAIL: {"phone": PHONE}}, "items": [{"sku": "A"}, {}]}
    resp = await admin_proxy.session.post(
        admin_proxy.url + f"/acme/v1/messages?dry_run=1&debug={SSN}&{EMAIL}=1", json=body,
        headers={"Authorization": "Bearer k", "X-Customer": NAME})
    assert resp.status == 200
    resp = await admin_proxy.session.get(admin_proxy.url + f"/nobody/{EMAIL}")
    assert resp.status == 404
    resp = await admin_proxy.session.post(admin_proxy.url + "/acme/v1/messages", data=b"{bad",
                                          headers={"Content-Type": "application/json"})
    assert resp.status == 400

    scraped = await admin_proxy.scrape()
    text = scraped["__text__"][0][0]["text"]
    for seeded in SEEDED:
        assert seeded not in text and seeded.lower() not in text.lower(), seeded

    route = {"vendor": "acme", "route": "POST /v1/messages"}
    assert total(scraped, "privacy_proxy_requests_total", status="200", **route) == 1
    assert total(scraped, "privacy_proxy_requests_total", vendor="", status="404") == 1
    assert total(scraped, "privacy_proxy_rejected_total", reason="unknown_vendor") == 1
    assert total(scraped, "privacy_proxy_rejected_total", vendor="acme",
                 reason="invalid_json") == 1
    assert total(scraped, "privacy_proxy_entities_redacted_total", entity_type="PERSON") >= 1
    assert total(scraped, "privacy_proxy_entities_redacted_total",
                 entity_type="PHONE_NUMBER") == 1
    assert total(scraped, "privacy_proxy_fields_transformed_total", path="body:customer_id",
                 action="pseudonymize") == 1
    assert total(scraped, "privacy_proxy_fields_dropped_total", path="body:internal_flag") == 1
    # drift: unlisted body fields and query parameters, by audit path
    for path in ("body:ssn", "body:to.name", "body:profile", "body:items", "query:debug",
                 "query:<key>"):
        assert total(scraped, "privacy_proxy_unlisted_fields_total", direction="request",
                     path=path, **route) == 1, path
    assert total(scraped, "privacy_proxy_unlisted_fields_total", path="body:internal_flag") == 0
    assert total(scraped, "privacy_proxy_detection_duration_seconds_count", vendor="acme") == 1
    assert total(scraped, "privacy_proxy_upstream_duration_seconds_count", **route) == 1
    assert total(scraped, "privacy_proxy_detection_queue_depth") == 0
    assert total(scraped, "privacy_proxy_detection_workers_ready") == 1

    [record] = [r for r in admin_proxy.audit.records if r["status"] == 200]
    assert "body:ssn" in record["request"]["unlisted"]
    assert "body:internal_flag" not in record["request"]["unlisted"]
    assert "body:internal_flag" in record["request"]["dropped"]


async def test_health_and_readiness_with_draining(admin_proxy: AdminProxy) -> None:
    session = admin_proxy.session
    resp = await session.get(admin_proxy.admin_url + "/healthz")
    assert resp.status == 200 and (await resp.json())["status"] == "alive"
    resp = await session.get(admin_proxy.admin_url + "/readyz")
    body = await resp.json()
    assert resp.status == 200 and body["ready"] is True and body["vendors"] == ["acme"]
    resp = await session.get(admin_proxy.url + "/_/readyz")
    assert resp.status == 200
    admin_proxy.state.start_draining()
    resp = await session.get(admin_proxy.admin_url + "/readyz")
    body = await resp.json()
    assert resp.status == 503 and body["checks"]["not_draining"] is False
    # The main port's probe agrees: a load balancer polling either stops sending traffic.
    resp = await session.get(admin_proxy.url + "/_/readyz")
    assert resp.status == 503 and (await resp.json())["ready"] is False
    resp = await session.get(admin_proxy.admin_url + "/healthz")
    assert resp.status == 200


async def test_readiness_is_false_while_workers_are_cold(admin_proxy: AdminProxy) -> None:
    class Cold:
        ready = False

    admin_proxy.state.detector = Cold()
    resp = await admin_proxy.session.get(admin_proxy.admin_url + "/readyz")
    assert resp.status == 503 and (await resp.json())["checks"]["workers_warm"] is False
    admin_proxy.state.config = None
    resp = await admin_proxy.session.get(admin_proxy.admin_url + "/readyz")
    assert (await resp.json())["checks"]["contracts_loaded"] is False


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []
        self.setFormatter(JsonFormatter())
        self.addFilter(RequestIdFilter())

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


async def test_request_id_reaches_the_vendor_and_the_logs(
    admin_proxy: AdminProxy, vendor: RecordingVendor
) -> None:
    opaque = "3f2b9c1e-8d4a-4c6b-9e2f-0a1b2c3d4e5f"
    capture = _Capture()
    logger = logging.getLogger("proxy")
    logger.addHandler(capture)
    old_level = logger.level
    logger.setLevel(logging.DEBUG)

    async def log_inside(_: web.Request, __: object) -> web.StreamResponse:
        return web.json_response({"id": "m1"})

    vendor.responder = log_inside
    try:
        original = admin_proxy.state.metrics.observe_exchange

        def observe(record: object) -> None:  # logs while the exchange's context is active
            logging.getLogger("proxy.test").info("observed")
            original(record)  # type: ignore[arg-type]

        admin_proxy.state.metrics.observe_exchange = observe  # type: ignore[method-assign]
        resp = await admin_proxy.session.post(admin_proxy.url + "/acme/v1/messages",
                                              json={"to": {"email": EMAIL}},
                                              headers={"X-Request-Id": opaque})
        assert resp.status == 200 and resp.headers["X-Request-Id"] == opaque
        assert vendor.received[-1].headers["x-request-id"] == opaque
        # a plain token may carry data: the vendor gets a fresh id, the audit names both
        resp = await admin_proxy.session.post(admin_proxy.url + "/acme/v1/messages",
                                              json={"to": {"email": EMAIL}},
                                              headers={"X-Request-Id": "order-" + PHONE})
        assert resp.headers["X-Request-Id"] == "order-" + PHONE
        sent = vendor.received[-1].headers["x-request-id"]
        assert PHONE not in sent and len(sent) == 32
        record = admin_proxy.audit.records[-1]
        assert record["upstream_request_id"] == sent
        assert "upstream_request_id" not in admin_proxy.audit.records[-2]
    finally:
        logger.removeHandler(capture)
        logger.setLevel(old_level)
    assert any('"request_id":"' + opaque + '"' in line and '"observed"' in line
               for line in capture.lines), capture.lines
