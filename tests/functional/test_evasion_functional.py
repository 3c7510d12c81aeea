"""PII written to slip past detection inside allowed free text: normalized and found, or the
field fails closed. Through the running proxy, with the real engine."""

from __future__ import annotations

import pytest

from proxy.testing import RecordingVendor
from tests.conftest import ProxyFactory

pytestmark = pytest.mark.functional

CONTRACT = """
vendor: acme
upstream: https://api.acme.example
routes:
  - method: POST
    path: /v1/notes
    request:
      body:
        note: redact
"""

EVASIONS = {
    "zero-width-in-card": ("card 4111\u200b1111\u200b1111\u200b1111 thanks", "1111", "CREDIT_CARD"),
    "fullwidth-digits": ("card ４１１１ １１１１ １１１１ １１１１ thanks", "１１１１", "CREDIT_CARD"),
    "spaces-inside-card": ("card 4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 ok", "1 1 1 1", "CREDIT_CARD"),
    "dots-inside-ssn": ("my ssn is 078.05.1120 ok", "1120", "US_SSN"),
    "spaces-inside-ssn": ("my ssn is 078 05 1120 ok", "1120", "US_SSN"),
    "dots-inside-phone": ("call me at 212.555.0198 now", "0198", "PHONE_NUMBER"),
    "url-encoded-email": ("mail jolene.b%40example.com now", "jolene", "EMAIL_ADDRESS"),
    "html-entity-email": ("mail jolene.b&#64;example.com now", "jolene", "EMAIL_ADDRESS"),
    "no-break-space-iban": ("iban DE89\u00a03704\u00a00044\u00a00532\u00a00130\u00a000 ok",
                            "0532", "IBAN_CODE"),
    "zero-width-in-email": ("mail jolene\u200b.b@example\u200b.com now", "jolene",
                            "EMAIL_ADDRESS"),
}


@pytest.mark.parametrize("case", list(EVASIONS))
async def test_evasion_is_normalized_and_found(
    start_proxy: ProxyFactory, vendor: RecordingVendor, case: str
) -> None:
    text, secret, entity = EVASIONS[case]
    proxy = await start_proxy({"acme": CONTRACT}, upstream=vendor.url)
    resp = await proxy.session.post(f"{proxy.url}/acme/v1/notes", json={"note": text})
    assert resp.status == 200
    note = vendor.received[0].json()["note"]
    assert secret not in note and f"<{entity}>" in note
    assert proxy.audit_lines()[0]["request"]["entities"].get(entity) == 1


async def test_a_number_where_text_was_expected_fails_closed(
    start_proxy: ProxyFactory, vendor: RecordingVendor
) -> None:
    proxy = await start_proxy({"acme": CONTRACT}, upstream=vendor.url)
    resp = await proxy.session.post(f"{proxy.url}/acme/v1/notes",
                                    json={"note": 4111111111111111})
    assert resp.status == 200
    assert vendor.received[0].json() == {}
    assert proxy.audit_lines()[0]["request"]["wrong_shape"] == ["body:note"]
