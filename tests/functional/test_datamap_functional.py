"""The data map on the admin listener through real sockets: auth, CSP, exports, live counts.

The proxy runs in this process with real detection workers and a recording vendor; traffic
seeds PII that must never appear in the page, the CSV or the JSON. The same map built from the
files alone (``python -m proxy datamap``) must agree with what the running proxy serves.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from html.parser import HTMLParser
from typing import Any

import pytest

from proxy.config.datamap_export import CSV_COLUMNS
from proxy.observe.metrics import ProxyMetrics
from proxy.server.admin import AdminState, build_admin_app
from tests.conftest import REPO
from tests.functional.datamap_helpers import (
    ADMIN_TOKEN,
    SEEDED,
    DataMapProxy,
    datamap_proxy,
    send_traffic,
)

pytestmark = pytest.mark.functional
__all__ = ["datamap_proxy"]


def assert_no_pii(text: str) -> None:
    for value in SEEDED:
        assert value not in text and value.lower() not in text.lower(), value


async def test_the_data_map_needs_the_admin_token(datamap_proxy: DataMapProxy) -> None:
    session, url = datamap_proxy.session, datamap_proxy.admin_url
    for path in ("/datamap.csv", "/datamap.json"):
        resp = await session.get(url + path)
        assert resp.status == 401 and (await resp.json())["reason"] == "unauthorized"
        resp = await session.get(url + path, headers={"Authorization": "Bearer wrong"})
        assert resp.status == 401
    resp = await session.get(url + "/datamap")
    assert resp.status == 401 and 'name="token"' in await resp.text()
    resp = await session.post(url + "/datamap/login", data={"token": "wrong"},
                              allow_redirects=False)
    assert resp.status == 401 and "datamap_session" not in resp.cookies
    resp = await session.post(url + "/datamap/login", data={"token": ADMIN_TOKEN},
                              allow_redirects=False)
    assert resp.status == 303 and resp.headers["Location"] == "/datamap"
    cookie = resp.cookies["datamap_session"]
    assert ADMIN_TOKEN not in cookie.value and cookie["httponly"] and cookie["samesite"] == "Strict"
    resp = await session.get(url + "/datamap",  # what the browser sends back
                             headers={"Cookie": f"datamap_session={cookie.value}"})
    assert resp.status == 200 and "Processing activities" in await resp.text()
    # never on the proxy's own port
    resp = await session.get(datamap_proxy.url + "/datamap", headers=datamap_proxy.auth)
    assert resp.status == 404


async def test_strict_headers_and_no_external_reference(datamap_proxy: DataMapProxy) -> None:
    resp = await datamap_proxy.session.get(datamap_proxy.admin_url + "/datamap",
                                           headers=datamap_proxy.auth)
    csp = resp.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp and "script-src" not in csp
    assert resp.headers["Cache-Control"] == "no-store"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    html = await resp.text()
    assert "<script" not in html and "style=" not in html and "<style" not in html
    assert '<meta http-equiv="refresh" content="5">' in html
    resp = await datamap_proxy.session.get(datamap_proxy.admin_url + "/datamap?refresh=0",
                                           headers=datamap_proxy.auth)
    assert 'http-equiv="refresh"' not in await resp.text()
    assert "http://" not in html and "https://" not in html and 'href="//' not in html


async def test_live_counts_move_and_no_value_leaks(datamap_proxy: DataMapProxy) -> None:
    get = datamap_proxy.session.get
    before = json.loads(await (await get(datamap_proxy.admin_url + "/datamap.json",
                                         headers=datamap_proxy.auth)).text())
    assert before["evidence"]["vendors"]["crm"]["since_start"]["exchanges"] == 0
    await send_traffic(datamap_proxy.session, datamap_proxy.url)
    resp = await get(datamap_proxy.admin_url + "/datamap.json", headers=datamap_proxy.auth)
    text = await resp.text()
    assert_no_pii(text)
    body = json.loads(text)
    crm = body["evidence"]["vendors"]["crm"]["since_start"]
    assert crm["exchanges"] == 3  # the batch, the refused minor, the bad JSON
    assert crm["blocked_records"] == {"subject_erased": 1, "subject_minor": 2,
                                      "subject_opted_out": 1, "transfer_not_allowed": 1}
    assert crm["blocked_requests"] == {"all_records_blocked": 1}
    assert crm["fail_closed"] == {"invalid_json": 1}
    assert crm["sent_by_category"]["user.contact.email"] == 1
    assert crm["sent_by_category"]["user.health_and_medical"] == 1
    assert crm["actions"]["pseudonymized"] == 1 and crm["actions"]["dropped"] >= 1
    assert crm["entities"].get("PERSON", 0) >= 1
    assert "body:contacts[*].ssn" in crm["drift"]
    # an unlabeled free-text field: its suggestion follows what detection found there
    assert crm["found"]["POST /v1/contacts body:contacts[*].remarks"] == {"PHONE_NUMBER": 1}
    assert crm["sent_by_category"]["user.contact.phone_number"] == 1  # remarks, by detection
    assert crm["sent_by_category"]["user.content"] == 1  # note, labeled
    assert body["evidence"]["vendors"]["crm"]["last_disclosure"]
    survey = body["evidence"]["vendors"]["survey"]["since_start"]
    assert survey["exchanges"] == 1 and "body:respondent.name" in survey["drift"]
    assert list(survey["actions"]) == ["sent unenforced (shadow mode)"]  # forwarded as it came
    assert body["evidence"]["unrouted_fail_closed"] == {"unknown_vendor": 1}
    assert any("schema drift" in w for w in body["evidence"]["warnings"])
    resp = await get(datamap_proxy.admin_url + "/datamap", headers=datamap_proxy.auth)
    page = await resp.text()
    assert_no_pii(page)
    assert ("user.contact.phone_number?</span><br><small>detected: PHONE_NUMBER 1</small>"
            in page)
    resp = await get(datamap_proxy.admin_url + "/datamap.csv", headers=datamap_proxy.auth)
    assert_no_pii(await resp.text())
    resp = await get(datamap_proxy.admin_url + "/metrics")
    assert_no_pii(await resp.text())
    assert_no_pii(json.dumps(datamap_proxy.audit.lines))


async def test_exports_agree_with_the_files_alone(datamap_proxy: DataMapProxy) -> None:
    get = datamap_proxy.session.get
    served_csv = await (await get(datamap_proxy.admin_url + "/datamap.csv",
                                  headers=datamap_proxy.auth)).text()
    served = json.loads(await (await get(datamap_proxy.admin_url + "/datamap.json",
                                         headers=datamap_proxy.auth)).text())
    cli = [sys.executable, "-m", "proxy", "datamap", "--config", str(datamap_proxy.config_dir)]
    env = {"PATH": "/usr/bin:/bin", "PROXY_ADMIN_TOKEN": ADMIN_TOKEN}
    files_csv = subprocess.run([*cli, "--format", "csv"], cwd=REPO, capture_output=True,
                               check=True, env=env).stdout.decode()  # bytes: keep CRLF
    files = json.loads(subprocess.run([*cli, "--format", "json"], cwd=REPO, capture_output=True,
                                      text=True, check=True, env=env).stdout)
    assert files_csv == served_csv
    assert files["evidence"] is None and served["evidence"] is not None
    for key in ("generated_at", "evidence"):
        files.pop(key)
        served.pop(key)
    assert files == served
    rows = list(csv.DictReader(io.StringIO(served_csv)))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [(r["recipient"], r["purpose"]) for r in rows] == [
        ("crm", "marketing"), ("survey", "market_research")]
    crm = rows[0]
    assert crm["legal_basis"] == "consent" and crm["controller"].startswith("Example Shop")
    assert "uk: blocked by the gate" in crm["transfers_and_safeguards"]
    assert "eea: allowed (scc)" in crm["transfers_and_safeguards"]
    assert "under 13 are blocked" in crm["minors"]
    assert "body:contacts[*].internal_score" in crm["fields_withheld"]
    assert "body:contacts[*].customer_id = user.unique_id: pseudonymized" in crm["fields_sent"]
    assert "respondent.email = user.contact.email?: kept" in rows[1]["fields_sent"]
    kinds = {(w["kind"], w["vendor"]) for w in served["warnings"]}
    assert ("sensitive_kept", "crm") in kinds
    assert ("no_processing_agreement", "survey") in kinds
    assert ("art30_empty", "survey") in kinds  # retention


async def test_without_an_admin_token_the_data_map_is_off(datamap_proxy: DataMapProxy,
                                                         aiohttp_client: Any) -> None:
    state = AdminState(metrics=ProxyMetrics(), detector=object(),
                       config=datamap_proxy.state.config)  # no token
    client = await aiohttp_client(build_admin_app(state))
    for method, path in (("GET", "/datamap"), ("GET", "/datamap.csv"),
                         ("GET", "/datamap.json"), ("POST", "/datamap/login")):
        resp = await client.request(method, path, headers=datamap_proxy.auth)
        assert resp.status == 403, path
        assert (await resp.json())["reason"] == "datamap_disabled"
    assert (await client.get("/metrics")).status == 200  # the rest of the admin port is on


class _Activities(HTMLParser):
    """Collects, from a data map page, each activity row and the paths and categories in it."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple[str, str, list[str]]] = []
        self._in_code = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "tr" and "data-purpose" in found:
            self.rows.append((str(found["data-vendor"]), str(found["data-purpose"]), []))
        self._in_code = tag == "code" and bool(self.rows)

    def handle_data(self, data: str) -> None:
        if self._in_code:
            self.rows[-1][2].append(data)
            self._in_code = False


async def test_the_page_and_the_html_from_the_files_agree(datamap_proxy: DataMapProxy) -> None:
    resp = await datamap_proxy.session.get(datamap_proxy.admin_url + "/datamap",
                                           headers=datamap_proxy.auth)
    served, files = _Activities(), _Activities()
    served.feed(await resp.text())
    result = subprocess.run([sys.executable, "-m", "proxy", "datamap", "--config",
                             str(datamap_proxy.config_dir), "--format", "html"], cwd=REPO,
                            capture_output=True, text=True, check=True,
                            env={"PATH": "/usr/bin:/bin"})
    files.feed(result.stdout)
    assert served.rows == files.rows and len(served.rows) == 2
    assert "body:contacts[*].health_note" in served.rows[0][2]
