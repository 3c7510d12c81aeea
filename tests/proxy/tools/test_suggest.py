"""suggest: captured requests or audit lines -> a draft contract that `check` accepts."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest
import yaml

from proxy.config.loader import load_config
from proxy.tools.suggest import SuggestError, TrafficReader, draft_contract, template_path
from recognizers.types import DetectionRequest, Span


class FakeNer:
    def analyze_batch(self, requests: Sequence[DetectionRequest]) -> list[list[Span]]:
        return [[Span(0, 6, "PERSON", 0.9)] if r.text.startswith("Jolene") else []
                for r in requests]


CAPTURED = [
    {"method": "POST", "path": "/crm/v1/contacts",
     "headers": {"Authorization": "Bearer k", "User-Agent": "svc", "Content-Length": "10",
                 "Cookie": "sid=1", "X-Tenant": "t1"},
     "query": {"notify": "true"},
     "body": {"contact": {"user_id": "u_829173", "email": "jolene@example.com",
                          "display": "Jolene B", "ssn": "078-05-1120", "dob": "1984-07-19",
                          "notes": "please call me after five, thanks a lot",
                          "ref": "3f2b9c1e-8d4a-4c6b-9e2f-0a1b2c3d4e5f",
                          "owner": "sam@example.com", "score": 7, "tags": ["vip"]},
              "ip_address": "203.0.113.7",
              "by_email": {"jolene@example.com": 1},
              "[odd] key": 1, "jo@example.com": 2},
     "response": {"body": {"id": "c_1", "user_id": "u_1"}}},
    {"method": "GET", "path": "/crm/v1/contacts/c_12345", "headers": {"Authorization": "x"}},
    {"method": "GET", "path": "/crm/v1/contacts/c_999", "query": "page=2"},
]


def draft(lines: list[dict], tmp_path: Path, vendor: str | None = None, **kw) -> dict:
    reader = TrafficReader(vendor)
    reader.read(json.dumps(line) for line in lines)
    text = draft_contract(reader, detector=FakeNer(), **kw)
    (tmp_path / "vendors").mkdir()
    name = vendor or "draft"
    (tmp_path / "vendors" / f"{name}.yaml").write_text(text)
    load_config(tmp_path)  # what `python -m proxy check` runs: raises on any problem
    return {"text": text, "data": yaml.safe_load(text)}


def test_captured_requests_give_a_valid_draft_with_proposals(tmp_path: Path) -> None:
    out = draft(CAPTURED, tmp_path)
    data, text = out["data"], out["text"]
    assert text.startswith("# yaml-language-server: $schema=")
    assert data["vendor"] == "crm"
    routes = {(r["method"], r["path"]): r for r in data["routes"]}
    assert set(routes) == {("POST", "/v1/contacts"), ("GET", "/v1/contacts/{id}")}
    post = routes[("POST", "/v1/contacts")]
    body = post["request"]["body"]
    assert body["contact.user_id"] == "pseudonymize"
    assert body["contact.ref"] == "pseudonymize"          # uuid value
    assert body["contact.owner"] == "pseudonymize"        # e-mail used as an id
    assert body["contact.email"] == "keep"
    assert body["contact.display"] == "redact"            # NER found a PERSON
    assert body["contact.notes"] == "redact"              # free text by shape
    assert body["contact.ssn"] == body["contact.dob"] == body["ip_address"] == "drop"
    assert body["contact.score"] == "keep" and body["contact.tags[*]"] == "keep"
    assert body["by_email.*"] == "keep"                   # data-shaped key -> wildcard
    assert body['"[odd] key"'] == "keep" and body["*"] == "drop"
    assert post["request"]["headers"] == {"authorization": "keep", "cookie": "drop",
                                          "x-tenant": "keep"}
    assert post["request"]["query"] == {"notify": "keep"}
    assert post["response"]["body"] == {"id": "keep", "user_id": "keep"}
    assert "contact.score: keep  # review (integer)" in text
    assert "jolene@example.com" not in text and "078-05-1120" not in text
    assert routes[("GET", "/v1/contacts/{id}")]["request"]["query"] == {"page": "keep"}


def test_audit_lines_give_a_draft_from_names_alone(tmp_path: Path) -> None:
    audit = {"request_id": "r", "vendor": "mailer", "route": "POST /v3/mail/send",
             "method": "POST", "status": 200, "outcome": "forwarded",
             "request": {"kept": ["body:from.email", "header:authorization"],
                         "dropped": ["body:customer.ssn", "body:custom_args.customer_id",
                                     "body:meta.<key>", "header:user-agent"],
                         "dropped_count": 4,
                         "transformed": {"body:content[*].value": "redact"},
                         "entities": {"PERSON": 1}},
             "response": {"kept": ["body:message_id"], "dropped": [], "transformed": {},
                          "entities": {}}}
    out = draft([audit, {**audit, "vendor": "other"}], tmp_path, vendor="mailer",
                upstream="https://api.mailer.example")
    data = out["data"]
    assert data["upstream"] == "https://api.mailer.example"
    [route] = data["routes"]
    body = route["request"]["body"]
    assert body == {"from.email": "keep", "customer.ssn": "drop",
                    "custom_args.customer_id": "pseudonymize", "meta.*": "keep",
                    "content[*].value": "redact"}
    assert route["request"]["headers"] == {"authorization": "keep"}
    assert route["response"]["body"] == {"message_id": "keep"}


def test_several_vendors_need_a_choice(tmp_path: Path) -> None:
    lines = [{"method": "GET", "path": "/a/x"}, {"method": "GET", "path": "/b/y"}]
    reader = TrafficReader(None)
    reader.read(json.dumps(line) for line in lines)
    with pytest.raises(SuggestError, match="pass --vendor"):
        draft_contract(reader, use_ner=False)


@pytest.mark.parametrize("line,message", [
    ("not json", "line 1: not JSON"), ('{"x": 1}', "neither a captured request")])
def test_bad_lines_are_named(line: str, message: str) -> None:
    with pytest.raises(SuggestError, match=message):
        TrafficReader(None).read([line])


@pytest.mark.parametrize("path,expected", [
    ("/v1/contacts/c_12345", "/v1/contacts/{id}"), ("/v3/mail/send", "/v3/mail/send"),
    ("/api/v2/tickets/123/comments/9f8e7d6c5b4a39281716",
     "/api/v2/tickets/{id}/comments/{id2}"),
])
def test_id_segments_become_parameters(path: str, expected: str) -> None:
    assert template_path(path) == expected


def test_audit_intents_and_sink_checks_are_not_counted(tmp_path: Path) -> None:
    record = {"phase": "complete", "request_id": "r", "vendor": "mailer",
              "route": "POST /v3/mail/send", "method": "POST", "status": 200,
              "outcome": "forwarded",
              "request": {"kept": ["body:from.email"], "dropped": [], "transformed": {},
                          "entities": {}}}
    # An intent precedes each record; one of another route never completed (a crash).
    intent = {**record, "phase": "intent", "route": "POST /v3/other"}
    check = {"phase": "sink_check", "time": "2026-12-03T00:00:00.000+00:00", "failed_writes": 1}
    out = draft([intent, record, check], tmp_path, vendor="mailer",
                upstream="https://api.mailer.example")
    assert [route["path"] for route in out["data"]["routes"]] == ["/v3/mail/send"]
