"""PolicyGate and Screening (proxy.policy.gate), on the SQLite consent store and ledger.

Covers which routes the gate applies to, the order of the reasons a record is refused for
(identity, age, region and transfer, erasure, opt-out), batches losing blocked records in place,
the audit ``policy`` section, failing closed on an unusable store, and the ledger entries written
for the records sent. The sample policy (config/policy.yaml) is used; today is a fixed date.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from proxy.config.loader import LoadedConfig, load_config
from proxy.contract.routing import CompiledRoute, CompiledVendor
from proxy.enforce.report import MessageReport
from proxy.errors import ConfigError
from proxy.observe.audit import AuditRecord
from proxy.policy.consent import ConsentState, SqliteConsentStore, SubjectKeys
from proxy.policy.gate import PolicyGate, Screening, SubjectBlocked
from proxy.policy.ledger import SqliteLedger
from proxy.policy.stores import StoreUnavailable
from tests.conftest import REPO, write_config

TODAY = date(2025, 6, 15)
ANNA, BORIS, CLEO = "subj-anna-5521", "subj-boris-7730", "subj-cleo-3309"

SURVEYS = """
vendor: surveys
upstream: https://api.surveys.example
purposes: [market_research]
region: us
transfer_mechanisms: [scc]
routes:
  - {method: POST, path: /v1/one,
     subject: {id: customer.id, birth_date: customer.birth_date, country: customer.country}}
  - {method: POST, path: /v1/batch, subject: {records: "contacts[*]", id: id, age: age}}
  - {method: POST, path: /v1/list, subject: {id: id}}
  - {method: POST, path: /v1/plain}
"""
NO_SCC = """
{vendor: plainus, upstream: "https://api.plainus.example", purposes: [analytics], region: us,
 routes: [{method: POST, path: /v1/one, subject: {id: id, country: country}}]}
"""
COUNSEL = """
{vendor: counsel, upstream: "https://api.counsel.example", purposes: [legal], region: us,
 routes: [{method: POST, path: /v1/holds, subject: {id: id}}]}
"""
CRM = """
{vendor: crm, upstream: "https://api.crm.example", purposes: [marketing, analytics], region: us,
 routes: [{method: POST, path: /v1/stats, purposes: [analytics], subject: {id: id}},
          {method: POST, path: /v1/mail, subject: {id: id}},
          NO_PURPOSE]}
"""


@dataclass
class Env:
    config: LoadedConfig
    gate: PolicyGate
    keys: SubjectKeys
    consent: SqliteConsentStore
    ledger: SqliteLedger
    db: Path

    def route(self, vendor: str, path: str) -> tuple[CompiledVendor, CompiledRoute]:
        compiled = self.config.vendors[vendor]
        return compiled, next(r for r in compiled.routes if r.template.text == path)

    async def screen(self, vendor: str, path: str, document: Any) -> tuple[Screening | None,
                                                                              AuditRecord]:
        record = AuditRecord(request_id="r" * 32, method="POST", contract_version="v1")
        return await self.gate.screen(*self.route(vendor, path), document, record), record

    async def sent(self, vendor: str, path: str, document: Any) -> list[str]:
        """The keys of the records let through (the route must have a subject)."""
        screening, _ = await self.screen(vendor, path, document)
        assert screening is not None
        return screening.sent

    async def refusal(self, vendor: str, path: str, document: Any) -> tuple[str, Any]:
        """The reason a 403 gives, and the audit ``policy`` section written for it."""
        record = AuditRecord(request_id="r" * 32, method="POST", contract_version="v1")
        with pytest.raises(SubjectBlocked) as info:
            await self.gate.screen(*self.route(vendor, path), document, record)
        assert info.value.status == 403
        return info.value.reason, record.policy


def make_env(root: Path, db: Path, no_purpose_route: str = "") -> Env:
    crm = CRM.replace(",\n          NO_PURPOSE", no_purpose_route)
    write_config(root, {"surveys": SURVEYS, "plainus": NO_SCC, "counsel": COUNSEL, "crm": crm})
    shutil.copy(REPO / "config" / "policy.yaml", root / "policy.yaml")
    config = load_config(root)
    assert config.policy is not None
    keys, consent, ledger = SubjectKeys(b"k" * 32), SqliteConsentStore(db), SqliteLedger(db)
    gate = PolicyGate(config.policy, config.vendors, keys, consent, ledger, today=lambda: TODAY)
    return Env(config, gate, keys, consent, ledger, db)


@pytest.fixture
async def env(tmp_path: Path) -> AsyncIterator[Env]:
    made = make_env(tmp_path / "cfg", tmp_path / "state" / "policy.sqlite3")
    yield made
    await made.consent.close()
    await made.ledger.close()


def one(subject: Any = ANNA, birth_date: str | None = "1990-01-02",
        country: str | None = "US") -> dict[str, Any]:
    customer = {"id": subject, "email": "anna.v@example.com", "birth_date": birth_date,
                "country": country}
    return {"customer": {k: v for k, v in customer.items() if v is not None or k == "id"}}


def contacts(*ids: str, age: int = 40) -> dict[str, Any]:
    return {"contacts": [{"id": s, "age": age} for s in ids], "survey": "q3"}


async def test_only_subject_routes_are_screened_and_clean_records_pass(env: Env) -> None:
    assert env.gate.applies_to(*env.route("surveys", "/v1/one"))
    assert not env.gate.applies_to(*env.route("surveys", "/v1/plain"))
    screening, record = await env.screen("surveys", "/v1/plain", {"x": 1})
    assert screening is None and record.policy is None
    screening, record = await env.screen("surveys", "/v1/one", one())
    assert screening is not None
    assert screening.sent == [env.keys.key(ANNA)] and ANNA not in screening.sent[0]
    assert record.policy == {"purposes": ["market_research"], "batch": False, "records": 1,
                             "sent": 1, "blocked": {}}


@pytest.mark.parametrize(("document", "reason"), [
    (one(subject=None), "subject_unidentified"),
    (one(subject="   "), "subject_unidentified"),
    (one(subject=True), "subject_unidentified"),
    (one(birth_date=None), "subject_age_unknown"),
    (one(birth_date="not a date"), "subject_age_unknown"),
    (one(birth_date="2026-01-01"), "subject_age_unknown"),  # born after today
    (one(birth_date="2012-06-16"), "subject_minor"),  # twelve until tomorrow
    (one(country=None), "subject_region_unknown"),
    (one(country="ZZ"), "subject_region_unknown"),
    (one(subject=None, birth_date="2015-01-01"), "subject_unidentified"),  # the first reason
    (one(birth_date="2015-01-01", country="ZZ"), "subject_minor"),
], ids=["no-id", "blank-id", "bool-id", "no-age", "bad-date", "future-date", "minor",
        "no-country", "unknown-country", "id-before-age", "age-before-region"])
async def test_a_single_record_is_refused_with_its_first_reason(
    env: Env, document: dict[str, Any], reason: str
) -> None:
    assert (await env.refusal("surveys", "/v1/one", document))[0] == reason


async def test_the_minimum_age_boundary_and_numeric_ids(env: Env) -> None:
    sent = await env.sent("surveys", "/v1/one", one(birth_date="2012-06-15"))  # thirteen today
    assert sent == [env.keys.key(ANNA)]
    assert await env.sent("surveys", "/v1/one", one(subject=4471)) == [env.keys.key("4471")]


@pytest.mark.parametrize(("vendor", "country", "reason"), [
    ("surveys", "DE", None),  # EEA -> US under the SCCs the contract declares
    ("plainus", "DE", "transfer_not_allowed"),  # no SCCs or DPF declared
    ("plainus", "GB", "transfer_not_allowed"),  # UK -> US needs dpf or idta
    ("plainus", "US", None),  # within the region
    ("plainus", "CA", None),  # unrestricted by the origin's law
    ("plainus", "us", None),  # any case
    ("plainus", "USA", "subject_region_unknown"),  # not an alpha-2 code
])
async def test_transfers_follow_policy_regions_and_contract_mechanisms(
    env: Env, vendor: str, country: str, reason: str | None
) -> None:
    path = "/v1/one"
    document = one(country=country) if vendor == "surveys" else {"id": ANNA, "country": country}
    if reason is None:
        assert await env.sent(vendor, path, document) == [env.keys.key(ANNA)]
    else:
        assert (await env.refusal(vendor, path, document))[0] == reason


async def test_opt_outs_apply_to_the_route_purposes_only(env: Env) -> None:
    await env.consent.opt_out(env.keys.key(ANNA), "marketing")
    assert (await env.refusal("crm", "/v1/mail", {"id": ANNA}))[0] == "subject_opted_out"
    screening, record = await env.screen("crm", "/v1/stats", {"id": ANNA})  # analytics only
    assert screening is not None and screening.sent == [env.keys.key(ANNA)]
    assert record.policy is not None and record.policy["purposes"] == ["analytics"]
    assert len(await env.sent("surveys", "/v1/one", one())) == 1  # market_research
    await env.consent.opt_in(env.keys.key(ANNA), "marketing")
    assert len(await env.sent("crm", "/v1/mail", {"id": ANNA})) == 1


async def test_erasure_blocks_unless_every_purpose_survives_it(env: Env) -> None:
    key = env.keys.key(BORIS)
    await env.consent.erase(key)
    await env.consent.opt_out(key, "market_research")
    assert (await env.refusal("surveys", "/v1/one", one(BORIS)))[0] == "subject_erased"
    assert await env.sent("counsel", "/v1/holds", {"id": BORIS}) == [key]  # legal survives
    # Static reasons come before the consent store.
    minor = one(BORIS, birth_date="2015-01-01")
    assert (await env.refusal("surveys", "/v1/one", minor))[0] == "subject_minor"


async def test_a_batch_loses_blocked_records_in_place(env: Env) -> None:
    await env.consent.opt_out(env.keys.key(ANNA), "market_research")
    document = contacts(ANNA, BORIS, CLEO)
    document["contacts"][2]["age"] = 12
    document["contacts"].append({"age": 50})
    screening, record = await env.screen("surveys", "/v1/batch", document)
    assert screening is not None
    assert document["contacts"] == [{"id": BORIS, "age": 40}] and document["survey"] == "q3"
    assert screening.sent == [env.keys.key(BORIS)]
    assert record.policy == {
        "purposes": ["market_research"], "batch": True, "records": 4, "sent": 1,
        "blocked": {"subject_minor": 1, "subject_opted_out": 1, "subject_unidentified": 1}}


async def test_a_batch_that_loses_every_record_is_refused(env: Env) -> None:
    await env.consent.erase(env.keys.key(ANNA))
    top_level = [{"id": ANNA}, {"id": CLEO}]  # a top-level array is a batch by itself
    assert await env.sent("surveys", "/v1/list", top_level) == [env.keys.key(CLEO)]
    assert top_level == [{"id": CLEO}]
    document = contacts(ANNA, BORIS)
    document["contacts"][1]["age"] = 10
    reason, policy = await env.refusal("surveys", "/v1/batch", document)
    assert reason == "all_records_blocked"
    assert policy["sent"] == 0 and policy["blocked"] == {"subject_erased": 1, "subject_minor": 1}


async def test_no_body_cannot_identify_a_subject(env: Env) -> None:
    assert await env.refusal("surveys", "/v1/one", None) == ("subject_unidentified", {
        "purposes": ["market_research"], "batch": False, "records": 1, "sent": 0,
        "blocked": {"subject_unidentified": 1}})


async def test_one_store_read_per_exchange_for_records_that_passed(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[list[str]] = []
    states = env.consent.states

    async def counting(keys: Sequence[str]) -> dict[str, ConsentState]:
        asked.append(list(keys))
        return await states(keys)

    monkeypatch.setattr(env.consent, "states", counting)
    document = contacts(ANNA, BORIS, CLEO)
    document["contacts"][1]["age"] = 5
    await env.screen("surveys", "/v1/batch", document)
    assert asked == [[env.keys.key(ANNA), env.keys.key(CLEO)]]


async def test_an_unusable_consent_store_fails_closed(env: Env) -> None:
    await env.consent.close()
    with pytest.raises(StoreUnavailable) as info:
        await env.screen("surveys", "/v1/one", one())
    assert info.value.status == 503 and info.value.reason == "policy_store_unavailable"


async def test_disclosures_list_each_record_sent_with_paths_not_values(env: Env) -> None:
    await env.consent.opt_out(env.keys.key(BORIS), "market_research")
    document = contacts(ANNA, BORIS, CLEO)
    screening, _ = await env.screen("surveys", "/v1/batch", document)
    assert screening is not None
    report = MessageReport(kept={"body:contacts[*].id", "body:survey"},
                           transformed={"body:contacts[*].email": "pseudonymize"})
    vendor, route = env.route("surveys", "/v1/batch")
    await env.gate.record_disclosures(vendor, route, screening, report, "a" * 32)
    for subject in (ANNA, CLEO):
        [entry] = await env.ledger.for_subject(env.keys.key(subject))
        assert (entry.vendor, entry.route, entry.purposes) == (
            "surveys", "POST /v1/batch", ("market_research",))
        assert entry.fields == ("body:contacts[*].email", "body:contacts[*].id", "body:survey")
        assert entry.request_id == "a" * 32 and entry.time.endswith("+00:00")
    assert await env.ledger.for_subject(env.keys.key(BORIS)) == []  # blocked: not disclosed
    stored = env.db.read_bytes() + b"".join(
        p.read_bytes() for p in env.db.parent.glob("*-wal"))
    assert all(s.encode() not in stored for s in (ANNA, BORIS, CLEO)), "a subject id was stored"


def test_a_route_with_no_purposes_is_refused_at_load(tmp_path: Path) -> None:
    """``purposes: []`` would serve no purpose, so no opt-out and no erasure rule could match
    it (fail open): the loader refuses it, naming the route and what to do."""
    route = ",\n          {method: POST, path: /v1/none, purposes: [], subject: {id: id}}"
    with pytest.raises(ConfigError) as info:
        make_env(tmp_path / "cfg", tmp_path / "p.sqlite3", no_purpose_route=route)
    assert any("purposes: empty" in line and "routes[" in line for line in info.value.problems)
