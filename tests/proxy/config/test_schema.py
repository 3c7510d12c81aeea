"""The committed JSON Schema matches the models and accepts every sample contract."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from proxy.config.schema import (
    PARTNER_SCHEMA_PATH,
    SCHEMA_PATH,
    contract_schema,
    render_schema,
    render_schemas,
)

REPO = Path(__file__).resolve().parents[3]
SAMPLES = sorted((REPO / "config" / "vendors").glob("*.yaml"))
MODELINE = "# yaml-language-server: $schema=../schema/vendor-contract.schema.json"


def _validator(path: Path) -> jsonschema.Draft202012Validator:
    schema = json.loads(path.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    return _validator(SCHEMA_PATH)


@pytest.mark.parametrize("path", [SCHEMA_PATH, PARTNER_SCHEMA_PATH], ids=lambda p: p.name)
def test_committed_schema_is_what_the_models_generate(path: Path) -> None:
    assert path.read_text() == render_schemas()[path], (
        f"config/schema/{path.name} is stale: run "
        "`.venv/bin/python -m proxy schema --write` and commit the result")


def test_vendor_schema_text_is_the_printed_one() -> None:
    assert render_schemas()[SCHEMA_PATH] == render_schema()


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_every_sample_contract_validates_and_names_the_schema(
    path: Path, validator: jsonschema.Draft202012Validator
) -> None:
    text = path.read_text()
    assert text.splitlines()[0] == MODELINE, f"first line of {path.name} must be: {MODELINE}"
    assert (path.parent / "../schema/vendor-contract.schema.json").resolve() == SCHEMA_PATH
    errors = [e.message for e in validator.iter_errors(yaml.safe_load(text))]
    assert errors == []


BASE = {"vendor": "acme", "upstream": "https://api.acme.example"}


@pytest.mark.parametrize("request_contract", [
    {"headers": ["authorization"], "body": {"note": "redact"}},
    {"headers": {"x-user": "pseudonymize"}, "query": ["page"],
     "body": {"card": {"action": "mask", "keep_last": 4}}},
])
def test_shorthands_are_accepted(request_contract: dict,
                                 validator: jsonschema.Draft202012Validator) -> None:
    contract = {**BASE, "routes": [{"method": "POST", "path": "/x", "request": request_contract}]}
    assert list(validator.iter_errors(contract)) == []


@pytest.mark.parametrize("request_contract", [
    {"body": {"note": "redcat"}},                               # unknown action
    {"body": {"note": {"action": "redact", "entitis": []}}},    # unknown option
    {"headers": "authorization"},                               # neither list nor map
    {"bodee": {}},                                              # unknown key
])
def test_mistakes_are_flagged(request_contract: dict,
                              validator: jsonschema.Draft202012Validator) -> None:
    contract = {**BASE, "routes": [{"method": "POST", "path": "/x", "request": request_contract}]}
    assert list(validator.iter_errors(contract)) != []


def test_missing_routes_are_flagged(validator: jsonschema.Draft202012Validator) -> None:
    assert list(validator.iter_errors(BASE)) != []


def test_schema_is_self_describing() -> None:
    schema = contract_schema()
    assert schema["$schema"].endswith("2020-12/schema")
    assert "schema --write" in schema["description"]


# -- partner contracts ---------------------------------------------------------------------------

PARTNER_SAMPLES = sorted((REPO / "config" / "partners").glob("*.yaml"))
PARTNER_MODELINE = "# yaml-language-server: $schema=../schema/partner-contract.schema.json"


@pytest.fixture(scope="module")
def partner_validator() -> jsonschema.Draft202012Validator:
    return _validator(PARTNER_SCHEMA_PATH)


@pytest.mark.parametrize("path", PARTNER_SAMPLES, ids=lambda p: p.name)
def test_every_sample_partner_contract_validates_and_names_the_schema(
    path: Path, partner_validator: jsonschema.Draft202012Validator
) -> None:
    text = path.read_text()
    assert text.splitlines()[0] == PARTNER_MODELINE
    assert (path.parent / "../schema/partner-contract.schema.json").resolve() == \
        PARTNER_SCHEMA_PATH
    assert [e.message for e in partner_validator.iter_errors(yaml.safe_load(text))] == []


PARTNER = {"partner": "acme", "upstream": "http://orders.internal",
           "identity": {"api_keys": [{"env": "ACME_KEY"}]}}


def test_partner_shorthands_pass_and_mistakes_are_flagged(
    partner_validator: jsonschema.Draft202012Validator,
) -> None:
    route = {"method": "GET", "path": "/v1/orders/{id}", "params": {"id": "keep"},
             "response": {"headers": ["x-request-id"], "body": {"notes": "redact"}}}
    assert list(partner_validator.iter_errors({**PARTNER, "routes": [route]})) == []
    for mistake in ({**route, "response": {"body": {"notes": "redcat"}}},
                    {**route, "respons": {}}):
        assert list(partner_validator.iter_errors({**PARTNER, "routes": [mistake]})) != []
    assert list(partner_validator.iter_errors({**PARTNER, "vendor": "acme", "routes": [route]}))
