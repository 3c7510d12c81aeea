"""Deterministic SendGrid-shaped mail requests (~600 bytes) with varied PII, and what must not pass.

Every payload carries:

- kept structured data (recipient, sender, categories) that the contract lets through;
- three free-text fields the redact contract names (``subject``, ``personalizations[0].subject``,
  ``content[0].value``) with PII of several kinds written into them;
- fields no contract lists (``customer``, ``reply_to``) that minimization drops.

``Payload.must_stop`` lists every PII value the redact contract should keep from the vendor, with
its entity type; ``count_leaks`` looks for them in what a vendor (or a baseline) produced.
Recipient names come from a pool disjoint from the names written into free text, so a kept
recipient name is never mistaken for a leaked one.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import orjson

MAIL_PATH = "/mailer/v3/mail/send"
VENDOR_PATH = "/v3/mail/send"

_RECIPIENT_FIRST = ["Avery", "Jordan", "Morgan", "Riley", "Casey", "Quinn", "Harper", "Rowan"]
_RECIPIENT_LAST = ["Lindqvist", "Okafor", "Yamamoto", "Castellano", "Novak", "Brennan"]
_TEXT_FIRST = ["John", "Maria", "David", "Sarah", "Michael", "Emma", "James", "Olivia", "Robert",
               "Sophie", "Daniel", "Laura", "Thomas", "Anna", "Peter", "Claire"]
_TEXT_LAST = ["Smith", "Johnson", "Miller", "Garcia", "Wilson", "Anderson", "Taylor", "Thompson",
              "Martinez", "Robinson", "Clark", "Lewis", "Walker", "Hall", "Young", "King"]
_CITIES = ["Chicago", "Denver", "Boston", "Seattle", "Atlanta", "Portland", "Houston", "Phoenix",
           "Dallas", "Miami", "Detroit", "Baltimore"]
_STREETS = ["Maple Avenue", "Oak Street", "Pine Road", "Cedar Lane", "Elm Drive", "Birch Way"]
_AREA_CODES = ["212", "312", "415", "617", "206", "303", "404", "503", "713", "602"]
_PRODUCTS = ["walnut desk", "espresso machine", "trail shoes", "wool blanket", "desk lamp",
             "rain jacket", "coffee grinder", "yoga mat"]

# Free-text templates: {placeholders} are filled with generated values; each needs its entity.
_SUBJECTS = [
    ("Order {order} confirmed for {person}", ["person"]),
    ("Your {product} ships to {city} today", ["city"]),
    ("Delivery update: {person} will call {phone}", ["person", "phone"]),
    ("Refund of order {order} to card {card}", ["card"]),
]
_PERSONAL_SUBJECTS = [
    ("{person}, your receipt for order {order}", ["person"]),
    ("Question from {person} about your {product}", ["person"]),
    ("Pickup in {city} is ready", ["city"]),
]
_BODIES = [
    ("Thanks for your order {order}. Your {product} leaves our {city} warehouse today. "
     "The courier {person} will call you at {phone} before delivery.", ["city", "person", "phone"]),
    ("We refunded {amount} to the card {card}. If anything looks wrong, reply to this message "
     "or ask {person} at {phone}.", ["card", "person", "phone"]),
    ("Your account was updated from IP address {ip}. The payout account is now {iban}. "
     "If this was not you, call {phone} right away.", ["ip", "iban", "phone"]),
    ("Hello, as requested we removed the SSN {ssn} from the profile of {person}. "
     "The {product} order {order} is unchanged.", ["ssn", "person"]),
    ("{person} left a note at checkout: please ring {phone} at the back door in {city}. "
     "Paid with card {card}.", ["person", "phone", "city", "card"]),
]

_INDEX_IN_EMAIL = re.compile(rb"[a-z]+\.[a-z]+(\d+)@example\.com")

ENTITY_OF = {
    "person": "PERSON",
    "phone": "PHONE_NUMBER",
    "card": "CREDIT_CARD",
    "ssn": "US_SSN",
    "iban": "IBAN_CODE",
    "ip": "IP_ADDRESS",
    "city": "LOCATION",
}


@dataclass(frozen=True)
class Payload:
    """One request body and the PII values (entity type, value) the contract must stop."""

    index: int
    body: bytes
    free_texts: tuple[str, ...]
    must_stop: tuple[tuple[str, str], ...] = field(default_factory=tuple)


def _luhn_complete(prefix: str) -> str:
    digits = [int(d) for d in prefix]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 0:
            d *= 2
            d -= 9 if d > 9 else 0
        total += d
    return prefix + str((10 - total % 10) % 10)


def _card(rng: random.Random) -> str:
    number = _luhn_complete("4" + "".join(str(rng.randint(0, 9)) for _ in range(14)))
    return " ".join(number[i : i + 4] for i in range(0, 16, 4))


def _iban(rng: random.Random) -> str:
    bban = "".join(str(rng.randint(0, 9)) for _ in range(18))  # DE: 8-digit bank + 10 account
    numeric = int(bban + "131400")  # "DE00" moved to the end, letters as numbers
    check = 98 - numeric % 97
    return f"DE{check:02d}{bban}"


def _ssn(rng: random.Random) -> str:
    area = rng.choice([n for n in range(101, 899) if n != 666])
    return f"{area:03d}-{rng.randint(10, 99):02d}-{rng.randint(1000, 9999):04d}"


def _phone(rng: random.Random) -> str:
    return f"({rng.choice(_AREA_CODES)}) {rng.randint(201, 989)}-{rng.randint(1000, 9999)}"


def _values(rng: random.Random) -> dict[str, str]:
    return {
        "person": f"{rng.choice(_TEXT_FIRST)} {rng.choice(_TEXT_LAST)}",
        "phone": _phone(rng),
        "card": _card(rng),
        "ssn": _ssn(rng),
        "iban": _iban(rng),
        "ip": f"{rng.randint(11, 200)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}."
              f"{rng.randint(1, 254)}",
        "city": rng.choice(_CITIES),
        "order": f"A{rng.randint(100000, 999999)}",
        "product": rng.choice(_PRODUCTS),
        "amount": f"${rng.randint(5, 400)}.{rng.randint(0, 99):02d}",
    }


def _fill(rng: random.Random, templates: list[tuple[str, list[str]]]) -> tuple[str, list[tuple[
        str, str]]]:
    template, kinds = rng.choice(templates)
    values = _values(rng)
    return template.format(**values), [(ENTITY_OF[k], values[k]) for k in kinds]


def make_payload(index: int, seed: int = 1234) -> Payload:
    """The ``index``-th payload of the deterministic sequence for ``seed``."""
    rng = random.Random(seed * 1_000_003 + index)
    first, last = rng.choice(_RECIPIENT_FIRST), rng.choice(_RECIPIENT_LAST)
    subject, stop_subject = _fill(rng, _SUBJECTS)
    personal, stop_personal = _fill(rng, _PERSONAL_SUBJECTS)
    content, stop_content = _fill(rng, _BODIES)
    dropped_phone = _phone(rng)
    street = f"{rng.randint(10, 9999)} {rng.choice(_STREETS)}"
    dob = f"19{rng.randint(50, 99)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    ip = f"{rng.randint(11, 200)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
    document = {
        "personalizations": [{
            "to": [{"email": f"{first.lower()}.{last.lower()}{index}@example.com",
                    "name": f"{first} {last}"}],
            "subject": personal,
        }],
        "from": {"email": "orders@shop.example", "name": "Example Shop"},
        "reply_to": {"email": "help@shop.example"},
        "subject": subject,
        "content": [{"type": "text/plain", "value": content}],
        "custom_args": {"customer_id": f"cus_{rng.randint(10**9, 10**10 - 1)}"},
        "categories": ["order"],
        "customer": {"phone": dropped_phone, "street": street, "dob": dob, "last_ip": ip},
    }
    must_stop = stop_subject + stop_personal + stop_content + [
        ("PHONE_NUMBER", dropped_phone), ("STREET", street), ("DATE_OF_BIRTH", dob),
        ("IP_ADDRESS", ip),
    ]
    return Payload(
        index=index,
        body=orjson.dumps(document),
        free_texts=(subject, personal, content),
        must_stop=tuple(must_stop),
    )


def make_payloads(count: int, seed: int = 1234) -> list[Payload]:
    """``count`` payloads, the same for the same ``seed`` on every machine."""
    return [make_payload(i, seed) for i in range(count)]


@dataclass
class LeakCount:
    """PII values that reached the vendor although the contract should have stopped them."""

    checked: int = 0
    leaked: int = 0
    by_entity: Counter[str] = field(default_factory=Counter)

    @property
    def share(self) -> float:
        return self.leaked / self.checked if self.checked else 0.0


def payload_index(body: bytes) -> int | None:
    """The payload a forwarded body came from (its recipient address carries the index)."""
    match = _INDEX_IN_EMAIL.search(body)
    return int(match.group(1)) if match else None


def count_leaks(pairs: Iterable[tuple[Payload, bytes]]) -> LeakCount:
    """Count each payload's must-stop values found in the bytes produced from it.

    JSON escapes nothing in these ASCII values, so a plain substring search is exact.
    """
    count = LeakCount()
    for payload, produced in pairs:
        for entity, value in payload.must_stop:
            count.checked += 1
            if value.encode() in produced:
                count.leaked += 1
                count.by_entity[entity] += 1
    return count


def count_vendor_leaks(payloads: list[Payload], bodies: Iterable[bytes]) -> LeakCount:
    """``count_leaks`` over what a vendor received; bodies are matched to payloads by index."""
    by_index = {payload.index: payload for payload in payloads}
    pairs = []
    for body in bodies:
        index = payload_index(body)
        if index is not None and index in by_index:
            pairs.append((by_index[index], body))
    return count_leaks(pairs)
