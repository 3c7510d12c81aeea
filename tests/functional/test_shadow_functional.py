"""Shadow mode: the vendor gets what the service sent; audit and metrics show what would change."""

from __future__ import annotations

import orjson
import pytest
from prometheus_client.parser import text_string_to_metric_families

from proxy.server.app import METRICS_KEY
from proxy.testing import RecordingVendor
from tests.conftest import ProxyFactory

pytestmark = pytest.mark.functional

SHADOW_VENDOR = """
vendor: acme
upstream: https://api.acme.example
mode: shadow
routes:
  - method: POST
    path: /v1/m
    request:
      body:
        a: keep
        note: redact
    response:
      body:
        id: keep
"""
SHADOW_ROUTE = """
vendor: acme
upstream: https://api.acme.example
routes:
  - method: POST
    path: /v1/enforced
    request:
      body:
        a: keep
  - method: POST
    path: /v1/trial
    mode: shadow
    request:
      body:
        a: keep
"""
BODY = b'{"a": 1, "note": "call Jolene Brightwater", "ssn": "078-05-1120"}'
JSON = {"Content-Type": "application/json", "X-Internal": "1"}


async def test_shadow_vendor_forwards_unchanged_and_audits(
    start_proxy: ProxyFactory, vendor: RecordingVendor
) -> None:
    proxy = await start_proxy({"acme": SHADOW_VENDOR}, upstream=vendor.url)
    resp = await proxy.session.post(f"{proxy.url}/acme/v1/m?debug=1", data=BODY, headers=JSON)
    assert resp.status == 200
    assert await resp.json() == {"id": "msg_0001", "status": "accepted", "received_bytes": len(BODY)}
    [received] = vendor.received
    assert received.body == BODY and received.query_string == "debug=1"
    assert received.headers["x-internal"] == "1"
    [record] = proxy.audit_lines()
    assert record["mode"] == "shadow" and record["outcome"] == "shadow"
    assert record["would_reject"] is None
    assert {"body:ssn", "header:x-internal", "query:debug"} <= set(record["request"]["dropped"])
    assert record["request"]["entities"] == {"PERSON": 1}
    assert "body:status" in record["response"]["dropped"]
    assert b"Jolene" not in orjson.dumps(record) and b"078-05" not in orjson.dumps(record)
    families = {f.name: f for f in text_string_to_metric_families(
        proxy.app[METRICS_KEY].render().decode())}
    [sample] = [s for s in families["privacy_proxy_requests"].samples
                if s.name.endswith("_total")]
    assert sample.labels["outcome"] == "shadow" and sample.value == 1


async def test_shadow_reports_what_would_be_rejected(
    start_proxy: ProxyFactory, vendor: RecordingVendor
) -> None:
    proxy = await start_proxy({"acme": SHADOW_VENDOR}, upstream=vendor.url)
    resp = await proxy.session.post(f"{proxy.url}/acme/v1/m", data=b'{"a": 1,}', headers=JSON)
    assert resp.status == 200
    assert vendor.received[0].body == b'{"a": 1,}'
    assert proxy.audit_lines()[0]["would_reject"] == "invalid_json"


async def test_route_level_shadow(start_proxy: ProxyFactory, vendor: RecordingVendor) -> None:
    proxy = await start_proxy({"acme": SHADOW_ROUTE}, upstream=vendor.url)
    await proxy.session.post(f"{proxy.url}/acme/v1/enforced", data=BODY, headers=JSON)
    await proxy.session.post(f"{proxy.url}/acme/v1/trial", data=BODY, headers=JSON)
    enforced, trial = vendor.received
    assert enforced.json() == {"a": 1} and trial.body == BODY
    assert [r.get("mode", "enforce") for r in proxy.audit_lines()] == ["enforce", "shadow"]
