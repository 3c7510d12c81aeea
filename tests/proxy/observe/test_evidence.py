"""Live evidence for the data map: counts from audit records, 24-hour window, bounded keys."""

from __future__ import annotations

from proxy.enforce.report import MessageReport
from proxy.observe.audit import AuditRecord
from proxy.observe.evidence import Evidence


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def _forwarded(**kwargs: object) -> AuditRecord:
    report = MessageReport()
    report.keep("body:email")
    report.transform("body:customer_id", "pseudonymize")
    report.drop_unlisted("body:ssn")
    report.entities["PERSON"] += 2
    report.found_in("body:note", ["PERSON", "PERSON"])
    record = AuditRecord(request_id="r", method="POST", contract_version="v", vendor="acme",
                         route="POST /v1/x", status=200, outcome="forwarded", request=report)
    for key, value in kwargs.items():
        setattr(record, key, value)
    return record


def test_counts_since_start_and_over_24_hours() -> None:
    clock = Clock()
    evidence = Evidence(clock=clock)
    evidence.observe(_forwarded())
    clock.now += 25 * 3600
    evidence.observe(_forwarded(policy={"blocked": {"subject_minor": 2}}))
    evidence.observe(AuditRecord(request_id="r", method="POST", contract_version="v",
                                 vendor="acme", route="POST /v1/x", status=403,
                                 reason="subject_opted_out"))
    evidence.observe(AuditRecord(request_id="r", method="GET", contract_version="v",
                                 status=404, reason="unknown_vendor"))
    evidence.observe(_forwarded(mode="shadow", outcome="shadow", would_reject="invalid_json"))
    snap = evidence.snapshot()
    total, recent = snap["since_start"], snap["last_24h"]
    assert ["acme", "POST /v1/x", "forwarded", 2] in total["exchanges"]
    assert ["acme", "POST /v1/x", "forwarded", 1] in recent["exchanges"]
    assert ["acme", "POST /v1/x", "body:customer_id", "pseudonymize", 2] in total["sent"]
    # shadow mode forwards the body as it came: every path it carried left, unenforced
    assert ["acme", "POST /v1/x", "body:ssn", "shadow", 1] in total["sent"]
    assert ["acme", "POST /v1/x", "body:customer_id", "shadow", 1] in total["sent"]
    assert ["acme", "POST /v1/x", "body:ssn", 3] in total["drift"]
    assert ["acme", "PERSON", 6] in total["entities"]
    assert ["acme", "POST /v1/x", "body:note", "PERSON", 6] in total["found"]
    assert total["blocked_records"] == [["acme", "subject_minor", 2]]
    assert total["blocked_requests"] == [["acme", "subject_opted_out", 1]]
    assert total["fail_closed"] == [["", "unknown_vendor", 1]]
    assert total["would_reject"] == [["acme", "invalid_json", 1]]
    assert snap["last_disclosure"]["acme"] == snap["now"]
    clock.now += 24 * 3600  # a quiet day: nothing in the window, the totals stay
    quiet = evidence.snapshot()
    assert quiet["last_24h"] == {} and quiet["since_start"] == total


def test_distinct_keys_are_bounded() -> None:
    evidence = Evidence(max_keys=3)
    for i in range(10):
        report = MessageReport()
        report.drop_unlisted(f"body:k{i}")
        evidence.observe(AuditRecord(request_id="r", method="POST", contract_version="v",
                                     vendor="acme", route="r", status=200,
                                     outcome="forwarded", request=report))
    drift = evidence.snapshot()["since_start"]["drift"]
    assert {row[2] for row in drift} <= {"body:k0", "<other>"}  # exchanges, dropped, k0
    assert sum(row[-1] for row in drift) == 10


def test_for_a_partner_what_left_is_our_answer() -> None:
    evidence = Evidence()
    asked, answer = MessageReport(), MessageReport()
    asked.keep("query:fields")
    answer.keep("body:id")
    answer.transform("body:shipping_address.postal_code", "generalize")
    evidence.observe(AuditRecord(request_id="r", method="GET", contract_version="v",
                                 vendor="stats", route="GET /v1/orders/{id}", status=200,
                                 outcome="forwarded", request=asked, response=answer,
                                 partner="stats", inbound=True))
    snap = evidence.snapshot()
    assert sorted(row[2] for row in snap["since_start"]["sent"]) == [
        "body:id", "body:shipping_address.postal_code"]
    assert "stats" in snap["last_disclosure"]
