"""A proxy with a data map for the data map's functional and browser tests.

The configuration is the sample policy with two vendors: ``crm`` (labeled categories, a subject
section checking age and country, a shadow-free enforce route, a kept sensitive field) and
``survey`` (no labels: suggested categories; shadow mode). Traffic seeds PII values that must
never appear in the page, the CSV or the JSON.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from proxy.config.loader import load_config
from proxy.observe.audit import MemorySink
from proxy.observe.metrics import ProxyMetrics
from proxy.server.admin import AdminState, build_admin_app
from proxy.server.app import POLICY_KEY, build_app
from proxy.testing import RecordingVendor
from recognizers import DetectionPool
from tests.conftest import REPO, write_config

ADMIN_TOKEN = "datamap-admin-token-0123456789"
NAME = "Philippa Quenneville"
EMAIL = "philippa.quenneville@example.org"
PHONE = "415-555-0147"
CARD = "4111 1111 1111 1111"
CUSTOMER = "cus_q7x93k"
SSN = "219-09-9999"
DIAGNOSIS = "type 2 diabetes"
SEEDED = [NAME, "Quenneville", "Philippa", EMAIL, PHONE, CARD, "4111111111111111", CUSTOMER,
          SSN, DIAGNOSIS]

CRM = """
vendor: crm
description: Customer relationship management for newsletters.
upstream: https://api.crm.example
purposes: [marketing]
region: us
transfer_mechanisms: [scc]
retention: until the customer unsubscribes, then 30 days
processing_agreement: DPA-TEST-001
routes:
  - method: POST
    path: /v1/contacts
    subject: {id: customer_id, birth_date: birth_date, country: country, records: 'contacts[*]'}
    request:
      headers: [authorization]
      body:
        contacts[*].email: {action: keep, category: user.contact.email}
        contacts[*].name: {action: keep, category: user.name}
        contacts[*].customer_id: {action: pseudonymize, category: user.unique_id}
        contacts[*].birth_date: {action: generalize, to: year,
                                 category: user.demographic.date_of_birth}
        contacts[*].country: {action: keep, category: user.contact.address.country}
        contacts[*].health_note: {action: keep, category: user.health_and_medical}
        contacts[*].note: {action: redact, category: user.content}
        contacts[*].remarks: redact
        contacts[*].internal_score: drop
    response:
      body:
        id: keep
"""

SURVEY = """
vendor: survey
upstream: https://api.survey.example
purposes: [market_research]
region: eea
mode: shadow
routes:
  - method: POST
    path: /v1/responses
    request:
      body:
        respondent.email: keep
        respondent.phone: {action: mask, keep_last: 2}
        answer: {action: redact, entities: [PERSON, PHONE_NUMBER]}
"""


@dataclass
class DataMapProxy:
    """The proxy, its admin listener (data map on) and a client session."""

    url: str
    admin_url: str
    config_dir: Path
    state: AdminState
    audit: MemorySink
    session: aiohttp.ClientSession
    app: web.Application

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {ADMIN_TOKEN}"}

    async def opt_out(self, customer_id: str, purpose: str) -> None:
        runtime = self.app[POLICY_KEY]
        assert runtime.consent is not None and runtime.keys is not None
        await runtime.consent.opt_out(runtime.keys.key(customer_id), purpose)

    async def erase(self, customer_id: str) -> None:
        runtime = self.app[POLICY_KEY]
        assert runtime.consent is not None and runtime.keys is not None
        await runtime.consent.erase(runtime.keys.key(customer_id))


def datamap_config(root: Path) -> Path:
    """The sample policy, the two contracts, a sqlite store under ``root``."""
    store = root / "state.sqlite3"
    write_config(root, {"crm": CRM, "survey": SURVEY},
                 f"stores: {{backend: sqlite, sqlite_path: '{store}'}}\n"
                 "admin: {token: {env: PROXY_ADMIN_TOKEN}}\n")
    shutil.copy(REPO / "config" / "policy.yaml", root / "policy.yaml")
    return root


def contact(customer_id: str, country: str = "DE", birth_date: str = "1980-04-02",
            **extra: object) -> dict[str, object]:
    """One record of ``POST /crm/v1/contacts`` with seeded PII."""
    return {"email": EMAIL, "name": NAME, "customer_id": customer_id, "country": country,
            "birth_date": birth_date, "health_note": DIAGNOSIS,
            "note": f"Call {NAME} at {PHONE}, card {CARD}", "remarks": f"phone {PHONE}",
            "internal_score": 7, **extra}


async def send_traffic(session: aiohttp.ClientSession, url: str) -> None:
    """Forwarded, blocked (minor, transfer, opt-out, erasure), fail-closed, drift, shadow."""
    post = session.post
    crm = url + "/crm/v1/contacts"
    batch = {"contacts": [contact("c-ok", ssn=SSN), contact("c-minor", birth_date="2020-01-01"),
                          contact("c-opted"), contact("c-erased"),
                          contact("c-far", country="GB")]}
    resp = await post(crm, json=batch, headers={"Authorization": "Bearer k"})
    assert resp.status == 200, await resp.text()
    resp = await post(crm, json={"contacts": [contact("c-minor", birth_date="2020-01-01")]})
    assert resp.status == 403
    resp = await post(crm, data=b"{not json", headers={"Content-Type": "application/json"})
    assert resp.status == 400
    resp = await post(url + "/survey/v1/responses",
                      json={"respondent": {"email": EMAIL, "phone": PHONE, "name": NAME},
                            "answer": f"I am {NAME}, call {PHONE}"})
    assert resp.status == 200
    resp = await session.get(url + f"/nobody/{EMAIL}")
    assert resp.status == 404


@pytest.fixture
async def datamap_proxy(tmp_path: Path, detection_pool: DetectionPool, vendor: RecordingVendor,
                        monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[DataMapProxy]:
    monkeypatch.setenv("PROXY_PSEUDONYMIZE_KEY", "datamap-test-pseudonymize-key-0123")
    monkeypatch.setenv("PROXY_ADMIN_TOKEN", ADMIN_TOKEN)
    directory = datamap_config(tmp_path / "config")
    config = load_config(directory)
    metrics = ProxyMetrics()
    audit = MemorySink()
    state = AdminState(metrics=metrics, detector=detection_pool, config=config,
                       token=ADMIN_TOKEN.encode())
    app = build_app(config, detection_pool, audit, {"*": vendor.url}, metrics,
                    draining=state.draining)
    runners: list[web.AppRunner] = []
    urls = []
    for each in (app, build_admin_app(state)):
        runner = web.AppRunner(each, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        runners.append(runner)
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        urls.append(f"http://127.0.0.1:{port}")
    async with aiohttp.ClientSession() as session:
        proxy = DataMapProxy(urls[0], urls[1], directory, state, audit, session, app)
        await proxy.opt_out("c-opted", "marketing")
        await proxy.erase("c-erased")
        yield proxy
    for runner in reversed(runners):
        await runner.cleanup()
