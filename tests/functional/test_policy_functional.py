"""The privacy policy on the wire: opt-outs, erasure, minors, regions and the disclosure ledger.

Real proxy, real recording vendor, real admin API, against both store backends (an SQLite file
and Redis on 127.0.0.1:6379). Every case asserts what the caller got, what the vendor received,
and that no subject id or other seeded value shows up in audit records or answers.
"""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest

from proxy.testing import RecordingVendor
from tests.conftest import REPO, ProxyFactory
from tests.functional.policy_helpers import (
    Backend,
    PolicyAdmin,
    policy_config,
    run_cli,
)

pytestmark = pytest.mark.functional

ALICE = "cust-alice-4471"
BOB = "cust-bob-9032"
CAROL = "cust-carol-1178"
EMAIL = {ALICE: "alice.quill@example.com", BOB: "bob.marsh@example.com",
         CAROL: "carol.finch@example.com"}
SEEDED = [ALICE, BOB, CAROL, *EMAIL.values()]

SURVEYS = """
vendor: surveys
description: Customer satisfaction surveys (market research; people may opt out).
upstream: https://api.surveys.example
purposes: [market_research]
region: us
transfer_mechanisms: [scc]
routes:
  - method: POST
    path: /v1/respondents
    subject: {id: customer.id, birth_date: customer.birth_date, country: customer.country}
    request:
      body:
        customer.id: pseudonymize
        customer.email: keep
        customer.birth_date: {action: generalize, to: age_band}
        survey: keep
  - method: POST
    path: /v1/respondents/batch
    subject: {records: "contacts[*]", id: id, age: age, country: country}
    request:
      body:
        contacts[*].id: pseudonymize
        contacts[*].email: keep
        contacts[*].country: keep
        survey: keep
  - method: GET
    path: /v1/surveys/{id}
    subject: {id: customer.id}
"""

LEGAL = """
vendor: counsel
upstream: https://api.counsel.example
purposes: [legal]
region: us
routes:
  - method: POST
    path: /v1/holds
    subject: {id: customer.id}
    request:
      body:
        customer.id: keep
"""


def one(subject: str, birth_date: str = "1980-05-01", country: str = "US") -> dict:
    return {"customer": {"id": subject, "email": EMAIL[subject], "birth_date": birth_date,
                         "country": country, "phone": "212-555-0199"}, "survey": "nps-q3"}


def batch(*subjects: str, age: int = 40, country: str = "US") -> dict:
    return {"contacts": [{"id": s, "email": EMAIL[s], "age": age, "country": country}
                         for s in subjects], "survey": "nps-q3"}


def assert_clean(*texts: str | bytes) -> None:
    for text in texts:
        blob = text.decode() if isinstance(text, bytes) else text
        for value in SEEDED:
            assert value not in blob, f"a seeded value leaked: {value[:6]}..."


async def test_opt_out_and_erasure_block_singles_and_drop_batch_records(
    start_proxy: ProxyFactory, start_admin, backend: Backend, vendor: RecordingVendor,
    tmp_path: Path,
) -> None:
    config = policy_config(tmp_path / "cfg", {"surveys": SURVEYS, "counsel": LEGAL}, backend)
    proxy = await start_proxy(config_dir=config, upstream=vendor.url)
    admin: PolicyAdmin = await start_admin(config)
    await admin.opt_out(ALICE, "market_research")

    resp = await proxy.session.post(f"{proxy.url}/surveys/v1/respondents", json=one(ALICE))
    body = await resp.read()
    assert resp.status == 403
    assert orjson.loads(body)["reason"] == "subject_opted_out"
    assert vendor.received == []

    resp = await proxy.session.post(f"{proxy.url}/surveys/v1/respondents", json=one(BOB))
    assert resp.status == 200
    got = vendor.received[-1].json()["customer"]
    assert got["email"] == EMAIL[BOB] and got["birth_date"] == "40-49" and "phone" not in got

    resp = await proxy.session.post(f"{proxy.url}/surveys/v1/respondents/batch",
                                    json=batch(ALICE, BOB, CAROL))
    assert resp.status == 200
    sent = vendor.received[-1].json()["contacts"]
    assert [c["email"] for c in sent] == [EMAIL[BOB], EMAIL[CAROL]]
    audit = proxy.audit_lines()[-1]
    assert audit["policy"] == {"purposes": ["market_research"], "batch": True, "records": 3,
                               "sent": 2, "blocked": {"subject_opted_out": 1}}

    await admin.erase(BOB)
    resp = await proxy.session.post(f"{proxy.url}/surveys/v1/respondents", json=one(BOB))
    assert resp.status == 403 and (await resp.json())["reason"] == "subject_erased"
    # legal obligations survive erasure (survives_erasure: true in the policy)
    resp = await proxy.session.post(f"{proxy.url}/counsel/v1/holds",
                                    json={"customer": {"id": BOB}})
    assert resp.status == 200
    resp = await proxy.session.post(f"{proxy.url}/surveys/v1/respondents/batch",
                                    json=batch(ALICE, BOB))
    assert resp.status == 403 and (await resp.json())["reason"] == "all_records_blocked"
    # a route that needs a subject but gets no body cannot identify one
    resp = await proxy.session.get(f"{proxy.url}/surveys/v1/surveys/7")
    assert resp.status == 403 and (await resp.json())["reason"] == "subject_unidentified"

    assert len(vendor.received) == 3
    assert_clean(orjson.dumps(proxy.audit_lines()))
    if backend.sqlite_path is not None:
        assert_clean(backend.sqlite_path.read_bytes())  # subjects are stored as HMACs only
    else:
        keys = b"\n".join(await backend.redis_keys())
        assert keys and ALICE.encode() not in keys and BOB.encode() not in keys


@pytest.mark.parametrize("backend", ["redis"], indirect=True)  # replicas share Redis
async def test_an_opt_out_on_one_replica_applies_on_the_others_next_exchange(
    start_proxy: ProxyFactory, start_admin, vendor: RecordingVendor, tmp_path: Path,
    backend: Backend,
) -> None:
    # The policy promises one second; the store is read on every exchange, with no cache
    # (proxy/policy/consent.py), so the state to assert is stronger and needs no clock: the very
    # next exchange on replica B, once A's admin API has answered, is refused.
    config = policy_config(tmp_path / "cfg", {"surveys": SURVEYS}, backend)
    replica_a = await start_proxy(config_dir=config, upstream=vendor.url)
    replica_b = await start_proxy(config_dir=config, upstream=vendor.url)
    admin_a: PolicyAdmin = await start_admin(config)  # replica A's admin API
    for replica in (replica_a, replica_b):
        resp = await replica.session.post(f"{replica.url}/surveys/v1/respondents",
                                          json=one(CAROL))
        assert resp.status == 200

    await admin_a.opt_out(CAROL, "market_research")
    resp = await replica_b.session.post(f"{replica_b.url}/surveys/v1/respondents",
                                        json=one(CAROL))

    assert resp.status == 403
    assert (await resp.json())["reason"] == "subject_opted_out"
    assert len(vendor.received) == 2


async def test_admin_api_needs_the_token_and_refuses_purposes_without_opt_out(
    start_admin, tmp_path: Path, sqlite_backend: Backend,
) -> None:
    admin: PolicyAdmin = await start_admin(
        policy_config(tmp_path / "cfg", {"surveys": SURVEYS}, sqlite_backend))
    body = {"subject": ALICE, "purpose": "marketing"}
    assert (await admin.call("POST", "/v1/opt-outs", body, token="wrong")).status == 401
    resp = await admin.session.post(admin.url + "/v1/opt-outs", json=body)
    assert resp.status == 401
    resp = await admin.call("POST", "/v1/opt-outs", {"subject": ALICE, "purpose": "legal"})
    assert resp.status == 400 and (await resp.json())["reason"] == "purpose_not_opt_out"
    await admin.opt_out(ALICE, "marketing")
    resp = await admin.call("POST", "/v1/consent/query", {"subject": ALICE})
    assert await resp.json() == {"opted_out": ["marketing"], "erased": False}
    resp = await admin.call("DELETE", "/v1/opt-outs", body)
    assert resp.status == 204
    resp = await admin.call("POST", "/v1/consent/query", {"subject": ALICE})
    assert await resp.json() == {"opted_out": [], "erased": False}
    assert_clean(await resp.read())


async def test_minors_are_never_sent(
    start_proxy: ProxyFactory, vendor: RecordingVendor, tmp_path: Path, sqlite_backend: Backend,
) -> None:
    config = policy_config(tmp_path / "cfg", {"surveys": SURVEYS}, sqlite_backend)
    proxy = await start_proxy(config_dir=config, upstream=vendor.url)
    twelve = f"{time.gmtime().tm_year - 12}-01-01"
    resp = await proxy.session.post(f"{proxy.url}/surveys/v1/respondents",
                                    json=one(ALICE, birth_date=twelve))
    assert resp.status == 403 and (await resp.json())["reason"] == "subject_minor"
    resp = await proxy.session.post(f"{proxy.url}/surveys/v1/respondents",
                                    json=one(ALICE, birth_date="not a date"))
    assert resp.status == 403 and (await resp.json())["reason"] == "subject_age_unknown"
    payload = batch(ALICE, BOB)
    payload["contacts"][0]["age"] = 12
    resp = await proxy.session.post(f"{proxy.url}/surveys/v1/respondents/batch", json=payload)
    assert resp.status == 200
    assert [c["email"] for c in vendor.received[-1].json()["contacts"]] == [EMAIL[BOB]]
    assert proxy.audit_lines()[-1]["policy"]["blocked"] == {"subject_minor": 1}
    assert len(vendor.received) == 1
    assert_clean(orjson.dumps(proxy.audit_lines()))


async def test_transfers_follow_the_policy_regions_and_the_contract_mechanisms(
    start_proxy: ProxyFactory, vendor: RecordingVendor, tmp_path: Path, sqlite_backend: Backend,
) -> None:
    no_scc = SURVEYS.replace("transfer_mechanisms: [scc]\n", "").replace("vendor: surveys",
                                                                       "vendor: surveys2")
    in_eea = SURVEYS.replace("region: us", "region: eea").replace("vendor: surveys",
                                                                   "vendor: surveys3")
    config = policy_config(tmp_path / "cfg", {"surveys": SURVEYS, "surveys2": no_scc,
                                              "surveys3": in_eea}, sqlite_backend)
    proxy = await start_proxy(config_dir=config, upstream=vendor.url)

    async def send(vendor_name: str, country: str) -> tuple[int, str | None]:
        resp = await proxy.session.post(f"{proxy.url}/{vendor_name}/v1/respondents",
                                        json=one(ALICE, country=country))
        return resp.status, (await resp.json()).get("reason")

    assert await send("surveys", "DE") == (200, None)  # EEA -> US under SCCs
    assert await send("surveys2", "DE") == (403, "transfer_not_allowed")  # no SCCs signed
    assert await send("surveys2", "US") == (200, None)  # within the region
    assert await send("surveys2", "CA") == (200, None)  # unrestricted by the origin's law
    assert await send("surveys3", "de") == (200, None)  # within the EEA (any case)
    assert await send("surveys3", "GB") == (200, None)  # UK -> EEA: adequacy
    assert await send("surveys", "ZZ") == (403, "subject_region_unknown")
    payload = batch(ALICE, BOB, country="FR")
    payload["contacts"][1]["country"] = "US"
    resp = await proxy.session.post(f"{proxy.url}/surveys2/v1/respondents/batch", json=payload)
    assert resp.status == 200
    assert [c["country"] for c in vendor.received[-1].json()["contacts"]] == ["US"]
    assert proxy.audit_lines()[-1]["policy"]["blocked"] == {"transfer_not_allowed": 1}


async def test_the_ledger_answers_who_received_what_about_a_subject(
    start_proxy: ProxyFactory, vendor: RecordingVendor, tmp_path: Path, backend: Backend,
) -> None:
    config = policy_config(tmp_path / "cfg", {"surveys": SURVEYS, "counsel": LEGAL}, backend)
    proxy = await start_proxy(config_dir=config, upstream=vendor.url)
    for path, payload in (("/surveys/v1/respondents", one(ALICE)),
                          ("/surveys/v1/respondents/batch", batch(ALICE, BOB)),
                          ("/counsel/v1/holds", {"customer": {"id": ALICE}})):
        resp = await proxy.session.post(proxy.url + path, json=payload)
        assert resp.status == 200
    code, out, err = await run_cli("disclosures", "--config", str(config), "--subject", "-",
                                   "--json", stdin=ALICE + "\n")
    assert code == 0, err
    rows = orjson.loads(out)["disclosures"]
    assert [(r["vendor"], r["route"], r["purposes"]) for r in rows] == [
        ("surveys", "POST /v1/respondents", ["market_research"]),
        ("surveys", "POST /v1/respondents/batch", ["market_research"]),
        ("counsel", "POST /v1/holds", ["legal"]),
    ]
    assert rows[0]["fields"] == ["body:customer.birth_date", "body:customer.email",
                                 "body:customer.id", "body:survey"]
    assert all(r["time"].endswith("+00:00") and len(r["request_id"]) == 32 for r in rows)
    if backend.name == "sqlite":  # once through a real process, as an operator runs it
        done = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "proxy", "disclosures", "--config", str(config), "--subject",
             BOB], cwd=REPO, capture_output=True, text=True, timeout=60, check=True)
        text = done.stdout
    else:
        text = (await run_cli("disclosures", "--config", str(config), "--subject", BOB))[1]
    assert "1 disclosure(s) to 1 vendor(s): surveys" in text
    assert "body:contacts[*].email" in text
    assert_clean(out, text)
    if backend.sqlite_path is not None:
        with sqlite3.connect(backend.sqlite_path) as conn:
            assert conn.execute("SELECT COUNT(*) FROM disclosures").fetchone()[0] == 4


async def test_consent_cli_records_an_opt_out_the_proxy_honours(
    start_proxy: ProxyFactory, vendor: RecordingVendor, tmp_path: Path, backend: Backend,
) -> None:
    config = policy_config(tmp_path / "cfg", {"surveys": SURVEYS}, backend)
    proxy = await start_proxy(config_dir=config, upstream=vendor.url)
    code, _, err = await run_cli("consent", "opt-out", "--config", str(config), "--subject", "-",
                                 "--purpose", "market_research", stdin=CAROL)
    assert code == 0, err
    resp = await proxy.session.post(f"{proxy.url}/surveys/v1/respondents", json=one(CAROL))
    assert resp.status == 403 and (await resp.json())["reason"] == "subject_opted_out"
    code, out, _ = await run_cli("consent", "show", "--config", str(config), "--subject", CAROL)
    assert orjson.loads(out) == {"opted_out": ["market_research"], "erased": False}
    assert vendor.received == []
