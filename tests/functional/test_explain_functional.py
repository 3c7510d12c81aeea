"""`explain` and `suggest` on the sample contracts with the real detector, and their CLI.

The real Detector (Presidio + spaCy) is built once in this process; the CLI runs use inputs that
need no model so they stay fast.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import orjson
import pytest
import yaml

from proxy.config.loader import load_config
from proxy.tools.explain import explain, render_text
from proxy.tools.suggest import TrafficReader, draft_contract
from recognizers.detector import Detector
from recognizers.settings import AnalyzerSettings
from tests.conftest import REPO

pytestmark = pytest.mark.functional

MAIL = {
    "personalizations": [{"to": [{"email": "jolene@example.com", "name": "Jolene Brightwater"}]}],
    "from": {"email": "shop@example.com", "name": "Shop"},
    "subject": "Order 1042 for Jolene Brightwater",
    "content": [{"type": "text/plain",
                 "value": "Hi Jolene, we will call you at 212-555-0198 about card "
                          "4111 1111 1111 1111."}],
    "custom_args": {"customer_id": "cus_77aa91"},
    "customer": {"ssn": "078-05-1120"},
}


@pytest.fixture(scope="module")
def detector() -> Detector:
    return Detector(AnalyzerSettings())


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "proxy", *args], cwd=REPO, capture_output=True,
                          text=True, timeout=120, env=env, check=False)


def test_explain_on_the_mailer_sample(detector: Detector) -> None:
    config = load_config(REPO / "config")
    result = explain(config, "mailer", "POST /v3/mail/send", orjson.dumps(MAIL),
                     detector=detector)
    by_path = {f.path: f for f in result.fields}
    value = by_path["content[0].value"]
    assert value.outcome == "redacted"
    assert {"PERSON", "PHONE_NUMBER", "CREDIT_CARD"} <= set(value.entities)
    assert "212-555-0198" not in value.after and "4111" not in value.after
    assert by_path["subject"].after == "Order 1042 for <PERSON>"
    assert by_path["custom_args.customer_id"].outcome == "pseudonymized"
    assert by_path["customer.ssn"].outcome == "unlisted"
    assert by_path["personalizations[0].to[0].email"].outcome == "kept"
    assert "customer" not in result.result
    text = render_text(result)
    assert '  - customer.ssn: "078-05-1120"' in text and '+ "Hi <PERSON>' in text


def test_suggest_with_ner_drafts_a_contract_that_loads(tmp_path: Path, detector: Detector) -> None:
    lines = [
        {"method": "POST", "path": "/mailer/v3/mail/send",
         "headers": {"Authorization": "Bearer k", "Content-Type": "application/json"},
         "body": {**MAIL, "notes": "Jolene Brightwater called twice about her refund",
                  "greeting": "Dear Jolene Brightwater"}},
        {"method": "POST", "path": "/mailer/v3/mail/send", "body": MAIL},
    ]
    reader = TrafficReader("mailer")
    reader.read(json.dumps(line) for line in lines)
    text = draft_contract(reader, upstream="https://api.mailer.example", detector=detector)
    (tmp_path / "vendors").mkdir()
    (tmp_path / "vendors" / "mailer.yaml").write_text(text)
    load_config(tmp_path)
    [route] = yaml.safe_load(text)["routes"]
    assert route["path"] == "/v3/mail/send"
    body = route["request"]["body"]
    assert body["notes"] == body["content[*].value"] == body["greeting"] == "redact"
    assert "NER found PERSON" in text
    assert body["custom_args.customer_id"] == "pseudonymize"
    assert body["customer.ssn"] == "drop"


def test_cli_explain_and_suggest_and_schema(tmp_path: Path) -> None:
    payload = tmp_path / "charge.json"
    payload.write_text(json.dumps({"amount": 1200, "currency": "usd", "cvc": "123"}))
    result = run_cli("explain", "--config", "config", "--vendor", "payments", "--route",
                     "POST /v1/charges", "--payload", str(payload))
    assert result.returncode == 0, result.stderr
    assert "\x1b[" not in result.stdout and '  = amount: 1200' in result.stdout

    traffic = tmp_path / "captured.ndjson"
    traffic.write_text(json.dumps({"method": "GET", "path": "/crm/v1/contacts/c_123",
                                   "query": {"page": "1"}}) + "\n")
    config = tmp_path / "cfg"
    (config / "vendors").mkdir(parents=True)
    result = run_cli("suggest", "--traffic", str(traffic), "--no-ner", "--output",
                     str(config / "vendors" / "crm.yaml"))
    assert result.returncode == 0, result.stderr
    check = run_cli("check", "--config", str(config))
    assert check.returncode == 0, check.stderr

    schema = run_cli("schema")  # prints; tests/proxy/config/test_schema.py checks
    assert schema.returncode == 0 and json.loads(schema.stdout)["title"] == "Vendor contract"
