"""The form-encoded sample contracts (config/vendors/stripe_like.yaml, twilio_like.yaml) against
realistic requests of APIs shaped like Stripe's and Twilio's, through real sockets."""

from __future__ import annotations

from urllib.parse import parse_qsl

import orjson
import pytest
from aiohttp import web

from proxy.enforce.transforms import Pseudonymizer
from proxy.testing import ReceivedRequest, RecordingVendor
from tests.conftest import PSEUDONYMIZE_KEY, REPO, ProxyFactory

pytestmark = pytest.mark.functional

CARD = "4111 1111 1111 1111"
SSN = "078-05-1120"
NAME = "Jolene Brightwater"
PHONE = "+14155552671"


async def test_payments_form_customer_and_payment_intent(
    start_proxy: ProxyFactory, vendor: RecordingVendor
) -> None:
    async def answer(request: web.Request, received: ReceivedRequest) -> web.StreamResponse:
        if request.path == "/v1/customers":
            return web.json_response({"id": "cus_1", "object": "customer", "created": 1,
                                      "email": "jane@example.com", "name": NAME})
        return web.json_response({
            "id": "pi_1", "object": "payment_intent", "status": "requires_action",
            "amount": 1299, "currency": "usd", "client_secret": "pi_1_secret_x",
            "last_payment_error": {"code": "card_declined",
                                   "message": f"The card of {NAME} was declined"},
            "shipping": {"name": NAME},
        })

    vendor.responder = answer
    proxy = await start_proxy(config_dir=REPO / "config", upstream=vendor.url)
    customer = (
        "email=jane%40example.com&name=Jolene+Brightwater&phone=%2B14155552671"
        "&description=VIP+customer+Jolene+Brightwater&metadata[customer_ref]=u_123"
        f"&metadata[order_id]=o_9&metadata[ssn]={SSN}&address[line1]=17+Wisteria+Lane"
        "&address[postal_code]=10001&address[country]=US&preferred_locales[]=en"
        "&expand[]=tax"
    )
    resp = await proxy.session.post(
        f"{proxy.url}/payments_form/v1/customers", data=customer.encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded",
                 "Authorization": "Bearer sk_test_1", "Idempotency-Key": "k1"})
    assert resp.status == 200
    assert await resp.json() == {"id": "cus_1", "object": "customer", "created": 1}
    ref = Pseudonymizer(PSEUDONYMIZE_KEY.encode()).pseudonymize("payments_form", "u_123")
    assert vendor.received[0].body.decode() == (
        f"email=jane%40example.com&description=VIP+customer+%3CPERSON%3E"
        f"&metadata[customer_ref]={ref}&metadata[order_id]=o_9&address[postal_code]=10001"
        "&address[country]=US&preferred_locales[]=en&expand[]=tax")
    assert vendor.received[0].headers["authorization"] == "Bearer sk_test_1"

    intent = (
        "amount=1299&currency=usd&customer=cus_1&payment_method=pm_card_visa"
        "&payment_method_types[]=card&confirm=true&receipt_email=jane%40example.com"
        f"&description=Order+o_9+card+{CARD.replace(' ', '+')}&metadata[order_id]=o_9"
        "&shipping[name]=Jolene+Brightwater&shipping[address][country]=US"
        "&shipping[address][postal_code]=10001&shipping[phone]=%2B14155552671"
    )
    resp = await proxy.session.post(
        f"{proxy.url}/payments_form/v1/payment_intents", data=intent.encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert resp.status == 200
    body = await resp.json()
    assert body["last_payment_error"] == {"code": "card_declined",
                                          "message": "The card of <PERSON> was declined"}
    assert "shipping" not in body and body["client_secret"] == "pi_1_secret_x"
    sent = dict(parse_qsl(vendor.received[1].body.decode()))
    assert sent == {
        "amount": "1299", "currency": "usd", "customer": "cus_1", "payment_method": "pm_card_visa",
        "payment_method_types[]": "card", "confirm": "true",
        "receipt_email": "jane@example.com", "description": "Order o_9 card <CREDIT_CARD>",
        "metadata[order_id]": "o_9", "shipping[address][country]": "US",
        "shipping[address][postal_code]": "100"}
    blob = vendor.all_bytes()
    for value in (NAME, "Brightwater", SSN, "4111", "Wisteria", "4155552671", "u_123"):
        assert value.encode() not in blob
    records = proxy.audit_lines()
    assert "body:metadata.ssn" in records[0]["request"]["dropped"]
    assert "body:shipping.name" in records[1]["request"]["dropped"]
    assert NAME not in orjson.dumps(records).decode()

    resp = await proxy.session.get(f"{proxy.url}/payments_form/v1/customers/cus_1")
    assert resp.status == 200 and vendor.received[2].path == "/v1/customers/cus_1"


async def test_messaging_send_and_list(
    start_proxy: ProxyFactory, vendor: RecordingVendor
) -> None:
    async def answer(request: web.Request, received: ReceivedRequest) -> web.StreamResponse:
        if request.method == "POST":
            return web.json_response({"sid": "SM1", "status": "queued", "to": PHONE,
                                      "body": "echo", "num_segments": "1"}, status=201)
        return web.json_response({"messages": [{"sid": "SM1", "status": "delivered",
                                                "to": PHONE, "body": "x"}]})

    vendor.responder = answer
    proxy = await start_proxy(config_dir=REPO / "config", upstream=vendor.url)
    message = (
        "To=%2B14155552671&From=%2B15005550006"
        f"&Body=Your+card+{CARD.replace(' ', '+')}+was+charged%2C+{NAME.replace(' ', '+')}"
        "&MediaUrl=https%3A%2F%2Fcdn.example%2Fa.png&MediaUrl=https%3A%2F%2Fcdn.example%2Fb.png"
        "&PersistentAction=mailto%3Ajane%40example.com&StatusCallback=https%3A%2F%2Fshop.example%2Fcb"
    )
    resp = await proxy.session.post(
        f"{proxy.url}/messaging/2010-04-01/Accounts/AC123/Messages.json", data=message.encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded",
                 "Authorization": "Basic QUMxMjM6dG9rZW4="})
    assert resp.status == 201
    assert await resp.json() == {"sid": "SM1", "status": "queued", "num_segments": "1"}
    received = vendor.received[0]
    assert received.path == "/2010-04-01/Accounts/AC123/Messages.json"
    # Body redacts cards but keeps the name (entities: cards, SSNs, IBANs, emails only).
    assert received.body.decode() == (
        "To=%2B14155552671&From=%2B15005550006"
        "&Body=Your+card+%3CCREDIT_CARD%3E+was+charged%2C+Jolene+Brightwater"
        "&MediaUrl=https%3A%2F%2Fcdn.example%2Fa.png&MediaUrl=https%3A%2F%2Fcdn.example%2Fb.png"
        "&StatusCallback=https%3A%2F%2Fshop.example%2Fcb")
    [record] = proxy.audit_lines()
    assert "body:PersistentAction" in record["request"]["dropped"]
    assert record["request"]["entities"] == {"CREDIT_CARD": 1}

    resp = await proxy.session.get(
        f"{proxy.url}/messaging/2010-04-01/Accounts/AC123/Messages.json",
        params={"To": PHONE, "PageSize": "20", "Body": "x"})
    assert resp.status == 200
    assert vendor.received[1].query_string == "To=%2B14155552671&PageSize=20"
    assert await resp.json() == {"messages": [{"sid": "SM1", "status": "delivered"}]}
