"""The sample contracts in config/vendors/ against realistic requests of each vendor's API."""

from __future__ import annotations

import orjson
import pytest
from aiohttp import web

from proxy.testing import ReceivedRequest, RecordingVendor
from tests.conftest import REPO, ProxyFactory

pytestmark = pytest.mark.functional

CARD = "4111 1111 1111 1111"
SSN = "078-05-1120"


async def test_mailer_send(start_proxy: ProxyFactory, vendor: RecordingVendor) -> None:
    async def answer(_: web.Request, received: ReceivedRequest) -> web.StreamResponse:
        return web.json_response({"message_id": "m-1", "to": "jane@example.com"},
                                 headers={"X-Message-Id": "m-1", "X-Debug": "1"})

    vendor.responder = answer
    proxy = await start_proxy(config_dir=REPO / "config", upstream=vendor.url)
    payload = {
        "personalizations": [{"to": [{"email": "jane@example.com", "name": "Jane Roe"}],
                              "subject": "Your order", "dynamic_template_data": {"ssn": SSN}}],
        "from": {"email": "orders@shop.example", "name": "Shop"},
        "subject": "Order shipped to Jane Roe",
        "content": [{"type": "text/plain",
                     "value": f"Hi Jane Roe, card {CARD} was charged; call 212-555-0198."}],
        "custom_args": {"customer_id": "cus_1", "segment": "vip"},
        "categories": ["order"],
        "ip_pool_name": "transactional",
    }
    resp = await proxy.session.post(f"{proxy.url}/mailer/v3/mail/send", json=payload,
                                    headers={"Authorization": "Bearer sg", "Cookie": "a=b"})
    assert resp.status == 200
    assert await resp.json() == {"message_id": "m-1"}
    assert resp.headers["X-Message-Id"] == "m-1" and "X-Debug" not in resp.headers
    got = vendor.received[0].json()
    assert got["personalizations"] == [{"to": [{"email": "jane@example.com", "name": "Jane Roe"}],
                                        "subject": "Your order"}]
    assert got["subject"] == "Order shipped to <PERSON>"
    assert CARD not in got["content"][0]["value"] and "<CREDIT_CARD>" in got["content"][0]["value"]
    assert got["custom_args"]["customer_id"].startswith("psn_")
    assert "segment" not in got["custom_args"] and "ip_pool_name" not in got
    assert SSN.encode() not in vendor.all_bytes()


async def test_payments_charge_and_lookup(start_proxy: ProxyFactory,
                                          vendor: RecordingVendor) -> None:
    async def answer(request: web.Request, received: ReceivedRequest) -> web.StreamResponse:
        return web.json_response({
            "id": "ch_1", "status": "succeeded", "amount": 1299, "currency": "usd",
            "billing_details": {"name": "Jane Roe", "email": "jane@example.com"},
            "payment_method_details": {"card": {"last4": "1111", "brand": "visa",
                                                "fingerprint": "fp_secret"}},
        })

    vendor.responder = answer
    proxy = await start_proxy(config_dir=REPO / "config", upstream=vendor.url)
    resp = await proxy.session.post(
        f"{proxy.url}/payments/v1/charges",
        json={"amount": 1299, "currency": "usd", "source": "tok_visa", "customer": "cus_1",
              "description": "Order 1234 for Jane Roe", "receipt_email": "jane@example.com",
              "metadata": {"order_id": "1234", "user_agent": "Mozilla"},
              "billing_details": {"address": {"postal_code": "94107", "country": "US",
                                              "line1": "1 Main St"}}},
        headers={"Authorization": "Bearer sk", "Idempotency-Key": "ik-1"},
    )
    assert resp.status == 200
    body = await resp.json()
    assert "billing_details" not in body
    assert body["payment_method_details"] == {"card": {"last4": "1111", "brand": "visa"}}
    got = vendor.received[0]
    assert got.headers["idempotency-key"] == "ik-1"
    sent = got.json()
    assert sent["billing_details"] == {"address": {"postal_code": "94107", "country": "US"}}
    assert sent["metadata"] == {"order_id": "1234"} and "Jane Roe" not in sent["description"]
    resp = await proxy.session.get(f"{proxy.url}/payments/v1/charges/ch_1?expand=customer",
                                   headers={"Authorization": "Bearer sk"})
    assert resp.status == 200
    assert vendor.received[1].path == "/v1/charges/ch_1" and vendor.received[1].query_string == ""


async def test_helpdesk_ticket(start_proxy: ProxyFactory, vendor: RecordingVendor) -> None:
    proxy = await start_proxy(config_dir=REPO / "config", upstream=vendor.url)
    resp = await proxy.session.post(
        f"{proxy.url}/helpdesk/api/v2/tickets",
        json={"ticket": {"subject": "Card charged twice",
                         "comment": {"body": f"Hello, I am Jane Roe, my card {CARD} was charged "
                                             f"twice. My SSN is {SSN}. Call +1 212 555 0198."},
                         "requester": {"name": "Jane Roe", "email": "jane@example.com",
                                       "phone": "+1 212 555 0198"},
                         "priority": "high", "tags": ["billing"], "external_id": "user-1",
                         "custom_fields": [{"id": 1, "value": "gold"}]}},
    )
    assert resp.status == 200
    ticket = vendor.received[0].json()["ticket"]
    body = ticket["comment"]["body"]
    for value in (CARD, SSN, "555 0198", "Jane Roe"):
        assert value not in body
    assert ticket["requester"] == {"name": "Jane Roe", "email": "jane@example.com"}
    assert "custom_fields" not in ticket and ticket["external_id"].startswith("psn_")


async def test_shipping_label_and_tracking(start_proxy: ProxyFactory,
                                           vendor: RecordingVendor) -> None:
    proxy = await start_proxy(config_dir=REPO / "config", upstream=vendor.url)
    ship_to = {"name": "Jane Roe", "address_line1": "1 Main St", "city_locality": "Austin",
               "state_province": "TX", "postal_code": "78701", "country_code": "US",
               "phone": "+1 512 555 0100", "email": "jane@example.com"}
    resp = await proxy.session.post(
        f"{proxy.url}/shipping/v1/shipments",
        json={"shipment": {"ship_to": ship_to,
                           "ship_from": {"company_name": "Shop", "address_line1": "9 Dock Rd",
                                         "city_locality": "Reno", "postal_code": "89501",
                                         "country_code": "US", "phone": "+1 775 555 0199"},
                           "packages": [{"weight": {"value": 2, "unit": "pound"},
                                         "insured_value": {"amount": 100}}],
                           "delivery_instructions": "Leave with neighbour Anna Smith, "
                                                    "call 512-555-0100",
                           "customer_dob": "1984-07-19"}},
    )
    assert resp.status == 200
    shipment = vendor.received[0].json()["shipment"]
    assert "email" not in shipment["ship_to"] and shipment["ship_to"]["phone"] == "+1 512 555 0100"
    assert "phone" not in shipment["ship_from"] and "customer_dob" not in shipment
    assert shipment["packages"] == [{"weight": {"value": 2, "unit": "pound"}}]
    assert "Anna Smith" not in shipment["delivery_instructions"]
    resp = await proxy.session.get(
        f"{proxy.url}/shipping/v1/tracking?carrier_code=ups&tracking_number=1Z999&email=j@x.example"
    )
    assert resp.status == 200
    assert vendor.received[1].query_string == "carrier_code=ups&tracking_number=1Z999"
    assert b"j@x.example" not in orjson.dumps(proxy.audit_lines())
