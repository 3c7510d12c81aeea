"""The benchmark's prompt: a support ticket thread of about 8,000 characters (~2,000 tokens).

Several messages (a system prompt, the thread's earlier exchanges as user and assistant
turns, the agent's request) hold 20 distinct personal data values of the kinds a support desk
sees: names, email addresses, phone numbers, street addresses, an IBAN and payment cards. Some
values appear more than once, as they would in a real thread.

Every ticket is a new one: its order number (``58213 + ticket``) is in every message but the
system prompt, so no ticket's texts are the same as another's (the proxy detects a text it has
seen before only once: its span cache). The system prompt is the same for every ticket, as it
is for every conversation of a real deployment. ``follow_up`` is the next turn of a ticket's
conversation: its history, the answer the agent got, and a new request.
"""

from __future__ import annotations

from typing import Any

CHAT_PATH = "/v1/chat/completions"
PROXY_PREFIX = "/openai"  # the proxy serves the openai contract's routes under /<vendor>

# The 20 values the vendor must never see; the restored answer must hold each of them.
PII: dict[str, str] = {
    "customer": "Margaret Okafor",
    "customer_email": "margaret.okafor@gmail.com",
    "customer_phone": "(415) 555-0134",
    "customer_street": "1290 Larkin Street",
    "customer_iban": "DE89 3704 0044 0532 0130 00",
    "customer_card": "4111 1111 1111 1111",
    "partner": "Daniel Okafor",
    "partner_email": "dan.okafor@outlook.com",
    "partner_phone": "(628) 555-0172",
    "shipping_street": "47 Elm Grove Road",
    "courier": "Tomasz Wielgus",
    "courier_email": "t.wielgus@swiftparcel.com",
    "courier_phone": "(206) 555-0199",
    "agent": "Priya Raman",
    "agent_email": "priya.raman@acme-support.com",
    "supervisor": "Lucia Fernandez",
    "supervisor_phone": "(312) 555-0148",
    "warehouse_street": "2200 Industrial Parkway",
    "refund_card": "5555 5555 5555 4444",
    "neighbor": "Hiroshi Tanaka",
}

SYSTEM = """You are a support assistant for Acme Home Goods. You help human support agents \
draft replies to customers. Follow these rules in every answer:

1. Be polite, brief and specific. Do not promise refunds, replacements or delivery dates that \
the agent has not confirmed in the thread. If the thread does not say, ask the agent.
2. Summarize what happened in the ticket in two or three sentences before the draft, so the \
agent can check that you understood the case.
3. Keep the customer's own words when you quote them, and never invent order numbers, tracking \
numbers, amounts or dates.
4. Payment details (cards, bank accounts) must only be repeated back in the draft when the \
customer asked for a change to them; otherwise refer to them as "the card on file".
5. When a courier or warehouse is involved, say which team follows up and by when, using the \
service levels below.

Service levels: lost parcels are investigated within 5 business days; damaged items are \
replaced once photos are received; refunds go back to the original payment method within 10 \
business days, or to a bank account when the original card has expired. Escalations go to the \
duty supervisor, who answers within one business day. Address changes are possible until the \
parcel leaves the warehouse; after that the courier must be contacted directly.

Tone: warm but not effusive. One apology is enough; do not repeat it at the end. Avoid \
internal words such as "ticket", "escalation" or "SLA" in the draft, and never blame the \
courier or another team by name: the customer's contract is with us.

Write the draft in plain text, no markdown, signed with the agent's first name."""

FIRST_MAIL = """Subject: Order {order} never arrived, and I was charged twice

Hello,

My name is {customer} and I ordered the oak dining table and four chairs (order {order}) on \
March 3rd. The confirmation said it would arrive within ten days. It is now March 27th and \
nothing has come. The tracking page has said "out for delivery" for eleven days.

To make things worse, my credit card statement shows two charges of $1,249.00 on the same \
day. The card is {customer_card}. I only placed one order. Please refund the second charge.

The delivery address is {customer_street}, San Francisco, CA 94109. I am home most days \
after 2 pm; if nobody answers, my husband {partner} can sign for it, his number is \
{partner_phone}. You can reach me at {customer_phone} or by email at {customer_email}.

I have been a customer for six years and this is the first time something like this has \
happened, so I hope we can sort it out quickly.

Thank you,
{customer}"""

FIRST_REPLY = """Hello {customer},

Thank you for writing to us, and I am sorry about the delay and the double charge. My name \
is {agent} and I will handle your case from now on.

I checked order {order}: it left our warehouse at {warehouse_street}, Reno, NV on March 6th \
with SwiftParcel. The courier's scan shows it was loaded for delivery on March 16th, but \
there is no delivery scan after that. I have opened an investigation with the courier and \
asked their regional contact, {courier}, to locate the parcel.

About the charges: I can see the second authorization on our side as well. It should have \
been released automatically. I have asked our billing team to cancel it; you should see the \
second $1,249.00 disappear from the card ending in 1111 within three to five business days.

I will write again as soon as I hear from the courier. If you have questions in the \
meantime, you can reply to this email or write to me directly at {agent_email}.

Kind regards,
Priya"""

COURIER_NOTE = """Internal note on order {order} (not sent to the customer), March 29th:

Courier update from {courier} at SwiftParcel ({courier_email}, {courier_phone}): the driver \
says the parcel was delivered on March 16th to "a neighbor" because nobody was home. The \
proof of delivery shows the signature "H. Tanaka" and the address 47 Elm Grove, which is not \
the customer's address. It looks like the parcel went to {shipping_street}, Daly City, CA \
94014, the address of an older order of the same customer. Our system used the default \
address from her profile instead of the address on the order.

The neighbor at that address, {neighbor}, confirmed by phone that he still has two large \
boxes and will keep them until Friday. The courier can collect them on Thursday and deliver \
to the right address on Monday, or we can ship a replacement from the warehouse.

Billing: the duplicate authorization was NOT released; it was captured on March 28th. We now \
need to refund $1,249.00. The card on file is still valid.

Escalated to the duty supervisor, {supervisor} ({supervisor_phone}), because the customer has \
now waited more than three weeks and the double charge was captured."""

SECOND_MAIL = """Subject: RE: Order {order} never arrived, and I was charged twice

Hello {agent},

Thank you for the update. I called the courier myself and they told me the parcel went to \
our old address on Elm Grove. We moved out of {shipping_street} two years ago! I updated the \
address in my profile back then, so I do not understand why it was used.

I would rather not wait another week for the courier to collect it. Can you send a \
replacement to {customer_street} instead? The courier can take the parcel from {neighbor} \
and bring it back to your warehouse.

About the refund: the card {customer_card} expires at the end of this month, so please do \
not refund it to that card. Refund the $1,249.00 to my bank account instead, the IBAN is \
{customer_iban} (it is a German account, I still use it for my salary). If that is not \
possible, use my other card, {refund_card}.

My husband {partner} wants to be copied on your answers: his email is {partner_email}.

Best regards,
{customer}
{customer_phone}"""

CALL_NOTES = """Phone call about order {order}, March 30th, 10:42 (logged by {agent}):

{customer} called from {customer_phone} after receiving the courier's message. She was upset \
that the parcel went to the old address and asked twice whether her new address is now the \
default one in her profile. I confirmed that the profile shows {customer_street} as the only \
address and that the old one on Elm Grove is archived. She asked why an archived address could \
be used; I explained that older orders keep the address they were placed with and that the \
replacement order was created from one of them by mistake. I did not promise a date.

She said her husband {partner} works from home on Mondays and Tuesdays and can receive the \
replacement then. She prefers email over phone for the rest of the case. She also mentioned \
that the neighbor, {neighbor}, is elderly and that the courier should ring twice and wait, \
because he needs time to come to the door. I passed this on to the courier by email.

Next steps agreed on the call: replacement from the warehouse once the supervisor approves, \
refund of the duplicate charge to the account she will send by email, courier collection of \
the misdelivered boxes on Thursday. The customer will confirm by email which refund method she \
wants. Call ended 10:58."""

REQUEST = """Please draft my reply to {customer}'s last email about order {order}. \
Confirm that we will ship a replacement to {customer_street} from the warehouse at {warehouse_street} tomorrow, that \
{courier} will collect the wrong parcel from {neighbor}, and that the refund of $1,249.00 \
goes to the IBAN she gave ({customer_iban}) within ten business days because her card \
{customer_card} expires. Copy {partner} at {partner_email}. Mention that {supervisor} \
approved the replacement and can be reached at {supervisor_phone} if anything goes wrong. \
Apologize for the wrong address, and say that we fixed her profile so the old address on \
{shipping_street} will not be used again. Keep it under 200 words and sign it as {agent}, \
with my email {agent_email} and the courier's contact {courier_email} and {courier_phone} \
for the collection. Her other card {refund_card} should not be charged or mentioned."""

FOLLOW_UP = """Thanks, that draft works. Before I send it: {customer} just called again from \
{customer_phone} and asked whether the replacement for order {order} could come on a Monday, \
when {partner} is at home to sign for it. Add one sentence saying that we will ask the courier \
for a Monday delivery, keep everything else as it is, and sign with my first name only."""

# The control prompt: one line, no personal data (the proxy's cost without a prompt to check).
CONTROL_MESSAGES: list[dict[str, Any]] = [
    {"role": "user", "content": "Draft a two-sentence greeting for a new customer."}]


def order_number(ticket: int) -> str:
    """The ticket's order number (five digits for tickets below 41,787)."""
    return str(58213 + ticket)


def messages(ticket: int = 0) -> list[dict[str, Any]]:
    """The chat messages of a ticket's prompt (the system prompt, the thread, the request)."""
    def fill(text: str) -> str:
        return text.format(order=order_number(ticket), **PII)

    return [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": [{"type": "text", "text": fill(FIRST_MAIL)}]},
        {"role": "assistant", "content": fill(FIRST_REPLY)},
        {"role": "user", "content": fill(COURIER_NOTE)},
        {"role": "user", "content": fill(CALL_NOTES)},
        {"role": "user", "content": [{"type": "text", "text": fill(SECOND_MAIL)}]},
        {"role": "user", "content": fill(REQUEST)},
    ]


def follow_up(ticket: int, answer: str) -> list[dict[str, Any]]:
    """The next turn of a ticket's conversation: its messages, the answer, a new request."""
    request = FOLLOW_UP.format(order=order_number(ticket), **PII)
    return [*messages(ticket), {"role": "assistant", "content": answer},
            {"role": "user", "content": request}]


def chat_body(ticket: int = 0, turn: list[dict[str, Any]] | None = None,
              model: str = "gpt-4o-mini") -> dict[str, Any]:
    """The streamed chat completion request of a ticket (or of the given messages)."""
    return {"model": model, "stream": True, "temperature": 0.2,
            "max_completion_tokens": 800, "messages": turn or messages(ticket)}


def prompt_chars(turn: list[dict[str, Any]] | None = None) -> int:
    """Characters of text in a prompt's messages (ticket 0's by default)."""
    total = 0
    for message in turn or messages():
        content = message["content"]
        parts = content if isinstance(content, list) else [{"text": content}]
        total += sum(len(part["text"]) for part in parts)
    return total
