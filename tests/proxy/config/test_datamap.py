"""The records of processing from the files alone: activities, transfers, minors, warnings,
and the CSV / JSON exports (proxy.config.datamap, proxy.config.datamap_export)."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

from proxy.config.datamap import build_datamap, policy_hash
from proxy.config.datamap_export import CSV_COLUMNS, to_csv, to_json
from proxy.config.loader import load_config
from tests.conftest import REPO, write_config

CONTRACT = """
vendor: acme
description: "=HYPERLINK(evil)"
upstream: https://api.acme.example
purposes: [service_delivery, marketing]
region: us
transfer_mechanisms: [scc]
routes:
  - method: POST
    path: /v1/orders
    purposes: [service_delivery]
    request:
      headers: [authorization]
      query: [dry_run]
      body:
        email: {action: keep, category: user.contact.email}
        diagnosis: {action: keep, category: user.health_and_medical}
        ssn: keep
        note: redact
        internal: drop
  - method: POST
    path: /v1/newsletter
    subject: {id: customer_id, age: age, country: country}
    request:
      body:
        customer_id: pseudonymize
        email: keep
"""


def _config(tmp_path: Path, policy: bool = True) -> Path:
    root = write_config(tmp_path, {"acme": CONTRACT})
    if policy:
        shutil.copy(REPO / "config" / "policy.yaml", root / "policy.yaml")
    return root


def test_one_activity_per_vendor_and_purpose_with_its_routes(tmp_path: Path) -> None:
    data_map = build_datamap(load_config(_config(tmp_path)))
    [delivery, marketing] = data_map.activities
    assert (delivery.vendor, delivery.purpose) == ("acme", "service_delivery")
    assert delivery.routes == ("POST /v1/orders", "POST /v1/newsletter")
    assert marketing.routes == ("POST /v1/newsletter",)
    assert delivery.legal_basis == "contract" and delivery.data_subjects == ("customers",)
    assert marketing.legal_basis == "consent"
    fields = {(f.route, f.path): f for f in delivery.fields}
    email = fields[("POST /v1/orders", "body:email")]
    assert (email.category, email.suggested, email.action) == ("user.contact.email", False,
                                                               "kept")
    ssn = fields[("POST /v1/orders", "body:ssn")]
    assert (ssn.category, ssn.suggested, ssn.sensitive) == ("user.government_id", True, True)
    assert fields[("POST /v1/orders", "body:note")].category == "user.content"
    assert fields[("POST /v1/orders", "body:internal")].action == "dropped"
    assert fields[("POST /v1/newsletter", "body:customer_id")].action == "pseudonymized"
    assert "user.health_and_medical" in delivery.categories
    assert data_map.controller["name"] == "Example Shop Ltd."
    assert data_map.policy_hash == policy_hash(load_config(_config(tmp_path)).policy)


def test_transfers_minors_and_warnings(tmp_path: Path) -> None:
    data_map = build_datamap(load_config(_config(tmp_path)))
    delivery, marketing = data_map.activities
    verdicts = {t.origin: (t.verdict, t.safeguard) for t in delivery.transfers}
    assert verdicts["eea"] == ("allowed", "scc")
    assert verdicts["us"] == ("same region", "")
    assert verdicts["uk"] == ("no safeguard", "")  # uk -> us needs dpf or idta
    gated = {t.origin: t.verdict for t in marketing.transfers}
    assert gated["uk"] == "blocked by the gate"  # its one route checks the subject's country
    assert delivery.minors == "under 13 blocked on 1 of 2 routes"
    assert marketing.minors == "records of people under 13 are blocked"
    kinds = {(w.kind, w.purpose) for w in data_map.warnings}
    assert ("transfer_no_safeguard", "service_delivery") in kinds
    assert ("transfer_no_safeguard", "marketing") not in kinds
    assert ("no_processing_agreement", None) in kinds
    assert ("art30_empty", "service_delivery") in kinds  # retention
    sensitive = [w.message for w in data_map.warnings if w.kind == "sensitive_kept"]
    assert any("body:diagnosis" in m for m in sensitive)
    assert any("body:ssn (suggested user.government_id)" in m for m in sensitive)


def test_without_a_policy_the_map_says_what_is_unknown(tmp_path: Path) -> None:
    root = write_config(tmp_path, {"acme": CONTRACT.replace(
        "    subject: {id: customer_id, age: age, country: country}\n", "")})
    data_map = build_datamap(load_config(root))
    assert data_map.policy_hash == "" and data_map.controller == {}
    assert data_map.warnings[0].kind == "art30_empty"
    assert data_map.activities[0].minors == "no minimum age in the policy"
    assert data_map.activities[0].transfers == ()


def test_csv_has_the_art30_columns_one_row_per_activity_and_no_formula(tmp_path: Path) -> None:
    data_map = build_datamap(load_config(_config(tmp_path)))
    text = to_csv(data_map)
    rows = list(csv.reader(io.StringIO(text)))
    assert tuple(rows[0]) == CSV_COLUMNS and len(rows) == 3
    row = dict(zip(CSV_COLUMNS, rows[1], strict=True))
    assert row["recipient_description"] == "'=HYPERLINK(evil)"  # not a formula in a sheet
    assert row["transfers_and_safeguards"].startswith("eea: allowed (scc)")
    assert "body:ssn = user.government_id?: kept" in row["fields_sent"]
    assert row["fields_withheld"].startswith("body:internal")
    assert row["contract_version"] == data_map.contract_version


def test_json_carries_the_hashes_and_no_evidence_from_files(tmp_path: Path) -> None:
    config = load_config(_config(tmp_path))
    body = json.loads(to_json(build_datamap(config), None, "2026-01-01T00:00:00+00:00"))
    assert body["contract_version"] == config.version and len(body["policy_hash"]) == 12
    assert body["evidence"] is None and body["generated_at"].startswith("2026")
    assert body["activities"][0]["categories"][0] == "system.operations"


PARTNER = """
partner: stats
description: Statistics agency.
upstream: http://127.0.0.1:8000
purposes: [analytics]
region: eea
retention: 13 months
processing_agreement: DPA-9
identity: {api_keys: [{env: TEST_STATS_KEY}]}
routes:
  - method: GET
    path: /v1/orders/{id}
    params: {id: keep}
    request:
      query: [fields]
    response:
      body:
        id: keep
        shipping_address.postal_code: {action: generalize, to: postcode_prefix}
"""


def test_a_partner_is_a_recipient_of_what_our_answers_carry(tmp_path: Path) -> None:
    root = _config(tmp_path)
    (root / "partners").mkdir()
    (root / "partners" / "stats.yaml").write_text(PARTNER)
    data_map = build_datamap(load_config(root))
    [stats] = [a for a in data_map.activities if a.recipient_type == "partner"]
    assert (stats.vendor, stats.purpose, stats.region) == ("stats", "analytics", "eea")
    assert stats.legal_basis == "legitimate_interests" and stats.retention == "13 months"
    # what leaves is the response: the query and path parameter the partner sends are not
    assert [(f.path, f.action) for f in stats.fields] == [
        ("body:id", "kept"), ("body:shipping_address.postal_code", "generalized")]
    assert stats.fields[1].category == "user.contact.address.postal_code"
    row = list(csv.DictReader(io.StringIO(to_csv(data_map))))[-1]
    assert (row["recipient"], row["recipient_type"]) == ("stats", "partner")
