"""The policy file: its checks, its questions, and contracts checked against it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from proxy.config.loader import load_config
from proxy.contract.privacy_policy import PrivacyPolicy
from proxy.errors import ConfigError
from tests.conftest import REPO, write_config

CONTRACT = """
vendor: acme
upstream: https://api.acme.example
purposes: [{purposes}]
region: {region}
routes:
  - method: POST
    path: /v1/things
    purposes: [{route_purposes}]
    subject: {{id: customer.id, country: customer.country}}
    request:
      body:
        customer.id: pseudonymize
"""


def sample() -> PrivacyPolicy:
    return load_config(REPO / "config").policy  # type: ignore[return-value]


def problems_of(tmp_path: Path, contract: str, policy: bool = True) -> list[str]:
    write_config(tmp_path, {"acme": contract})
    if policy:
        shutil.copy(REPO / "config" / "policy.yaml", tmp_path / "policy.yaml")
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    return info.value.problems


def test_sample_policy_answers_the_runtime_questions() -> None:
    policy = sample()
    assert policy.minimum_age == 13 and policy.is_minor(12) and not policy.is_minor(13)
    assert {p.id for p in policy.purposes if p.opt_out} == {"marketing", "market_research",
                                                            "analytics"}
    assert policy.region_of("de") == "eea" and policy.region_of("NO") == "eea"
    assert policy.region_of("ZZ") is None
    assert policy.transfer_allowed("eea", "eea", ())
    assert policy.transfer_allowed("eea", "uk", ())  # adequacy: no contract needed
    assert not policy.transfer_allowed("eea", "us", ())
    assert policy.transfer_allowed("eea", "us", ("scc",))
    assert not policy.transfer_allowed("uk", "us", ("scc",))  # the UK wants its IDTA
    assert policy.transfer_allowed("us", "eea", ())


@pytest.mark.parametrize(("text", "expected"), [
    ("purposes: []", "purposes: Tuple should have at least 1 item"),
    ("purposes: [{id: a, description: x}, {id: a, description: y}]", "purpose 'a' is listed twice"),
    ("purposes: [{id: Bad-Id, description: x}]", "purpose 'Bad-Id': use lowercase"),
    ("purposes: [{id: a, description: x}]\nregions: {eu: {countries: [de]}}",
     "'de' is not an ISO 3166-1 alpha-2 code"),
    ("purposes: [{id: a, description: x}]\nregions: {eu: {countries: [DE]}, de: {countries: [DE]}}",
     "country DE is in regions 'eu' and 'de'"),
    ("purposes: [{id: a, description: x}]\nregions: {eu: {countries: [DE]}}\n"
     "transfers: [{from: eu, to: us, mechanisms: [scc]}]",
     "unknown region 'us'"),
])
def test_policy_problems_name_the_file_and_key(tmp_path: Path, text: str, expected: str) -> None:
    write_config(tmp_path, {"acme": "vendor: acme\nupstream: https://a.example\nroutes:\n"
                                    "  - {method: GET, path: /x}\n"})
    (tmp_path / "policy.yaml").write_text(text + "\n")
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    assert any(p.startswith(f"{tmp_path}/policy.yaml: ") and expected in p
               for p in info.value.problems), info.value.problems


def test_contract_purposes_regions_and_mechanisms_are_checked(tmp_path: Path) -> None:
    text = CONTRACT.format(purposes="service_delivery, marketting", region="mars",
                           route_purposes="legal") + "transfer_mechanisms: [handshake]\n"
    problems = problems_of(tmp_path, text)
    prefix = f"{tmp_path}/vendors/acme.yaml: vendor 'acme': "
    assert prefix + ("purposes: 'marketting' is not a purpose of "
                     f"{tmp_path}/policy.yaml; use one of: analytics, customer_support, legal, "
                     "market_research, marketing, registration, service_delivery") in problems
    assert prefix + ("routes[0].purposes: 'legal' is not among the vendor's purposes; add it "
                     "there first (and to the policy)") in problems
    assert any(p.startswith(prefix + "region: 'mars' is not a region") for p in problems)
    assert any(p.startswith(prefix + "transfer_mechanisms: 'handshake'") for p in problems)


def test_with_a_policy_every_vendor_names_a_purpose(tmp_path: Path) -> None:
    text = CONTRACT.format(purposes="", region="us", route_purposes="")
    problems = problems_of(tmp_path, text)
    assert any("purposes: required by the privacy policy" in p for p in problems)


def test_without_a_policy_purposes_are_labels_but_subjects_are_refused(tmp_path: Path) -> None:
    text = CONTRACT.format(purposes="anything", region="us", route_purposes="anything")
    problems = problems_of(tmp_path, text, policy=False)
    assert problems == [f"{tmp_path}/vendors/acme.yaml: vendor 'acme': routes[0].subject: a "
                        f"subject section needs the privacy policy; add {tmp_path}/policy.yaml "
                        "(see config/policy.yaml)"]
    write_config(tmp_path, {"acme": text.replace(
        "    subject: {id: customer.id, country: customer.country}\n", "")})
    assert load_config(tmp_path).policy is None


@pytest.mark.parametrize(("subject", "expected"), [
    ("{id: 'items[*].id'}", "subject.id: 'items[*].id' must name one value"),
    ("{id: a, records: 'contacts'}", "subject.records: 'contacts' must be keys ending in a list"),
    ("{id: a, age: b, birth_date: c}", "give one of 'birth_date' or 'age'"),
    ("{id: 'a..b'}", "subject.id: bad selector: empty key"),
])
def test_subject_selectors_are_checked(tmp_path: Path, subject: str, expected: str) -> None:
    text = CONTRACT.format(purposes="marketing", region="us", route_purposes="marketing")
    text = text.replace("{id: customer.id, country: customer.country}", subject)
    problems = problems_of(tmp_path, text)
    assert any(expected in p for p in problems), problems


def test_token_actions_belong_to_their_direction(tmp_path: Path) -> None:
    text = """
vendor: acme
upstream: https://api.acme.example
routes:
  - method: POST
    path: /v1/things
    request:
      body:
        card: detokenize
    response:
      body:
        card: tokenize
"""
    problems = problems_of(tmp_path, text, policy=False)
    assert any("routes[0].request.body.'card': 'detokenize' is not for the request" in p
               for p in problems)
    assert any("routes[0].response.body.'card': 'tokenize' is not for the response" in p
               for p in problems)


def test_subjects_on_streamed_routes_are_refused_until_supported(tmp_path: Path) -> None:
    text = CONTRACT.format(purposes="marketing", region="us", route_purposes="marketing")
    text = text.replace("    request:\n", "    request:\n      stream: {kind: ndjson}\n")
    problems = problems_of(tmp_path, text)
    assert any("routes[0].subject: subject checks and the disclosure ledger do not cover "
               "streamed routes yet" in p for p in problems), problems
