"""The soak's traffic: request bodies of each route kind, their PII values, request ids.

Four kinds, one vendor contract each (``benchmarks/soak/config/vendors``):

- ``redacting``: the benchmark's SendGrid-shaped mail (``benchmarks.payloads``), three free-text
  fields detected and redacted (``mailer``);
- ``structured``: the same mail to a contract that only minimizes (``notify``);
- ``streaming``: NDJSON contact imports of 6 records, every other one with a free-text note
  (``bulk``), sent in chunks;
- ``policy``: survey respondents naming their subject (``surveys``); a few subjects have opted
  out or are erased, so some answers are the expected ``403``.

Everything is deterministic, so the harness can list every PII value the load generator will
send (``pii_values``) and grep logs for them after the run.
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass

import orjson

from benchmarks.payloads import Payload, make_payloads

KINDS = ("redacting", "structured", "streaming", "policy")
PATHS = {
    "redacting": "/mailer/v3/mail/send",
    "structured": "/notify/v3/mail/send",
    "streaming": "/bulk/v1/contacts/import",
    "policy": "/surveys/v1/respondents",
}
DEFAULT_MIX = {"redacting": 0.45, "structured": 0.25, "streaming": 0.1, "policy": 0.2}
POOL = 200  # distinct bodies per kind
STREAM_RECORDS = 6
# Policy subjects: (id, what the store says). Ids look like a CRM's and are PII themselves.
SUBJECTS: tuple[tuple[str, str], ...] = tuple(
    (f"cust-soak-{i:04d}", "opted_out" if i % 10 == 3 else "erased" if i % 20 == 7 else "ok")
    for i in range(40)
)
OPT_OUT_PURPOSE = "market_research"
_MIN_VALUE_LEN = 6  # shorter values (a city, "Smith") would match unrelated text


@dataclass(frozen=True)
class Body:
    """One request body of a kind; ``subject_state`` for policy bodies."""

    kind: str
    body: bytes
    content_type: str
    subject_state: str | None = None


def new_request_id() -> str:
    """32 hex digits that the proxy passes to the vendor (it forwards opaque ids only: hex with
    a letter), so caller, vendor and audit records join on one id."""
    raw = os.urandom(16).hex()
    return "abcdef"[int(raw[0], 16) % 6] + raw[1:]


def _stream_body(payloads: list[Payload], rng: random.Random) -> tuple[bytes, list[str]]:
    lines, values = [], []
    for k, payload in enumerate(payloads):
        document = orjson.loads(payload.body)
        email = document["personalizations"][0]["to"][0]["email"]
        name = document["personalizations"][0]["to"][0]["name"]
        phone = document["customer"]["phone"]  # unlisted, like the name: dropped
        record = {"id": f"c{payload.index}", "email": email, "name": name, "phone": phone,
                  "country": "US", "plan": rng.choice(["free", "pro"])}
        values += [email, name, phone]
        if k % 2 == 0:
            record["note"] = note = payload.free_texts[2]
            values += [v for _, v in payload.must_stop if v in note]
        lines.append(orjson.dumps(record))
    return b"\n".join(lines) + b"\n", values


def _policy_body(subject: str, rng: random.Random) -> tuple[bytes, list[str]]:
    email = f"{subject.replace('-', '.')}@example.net"
    phone = f"(212) {rng.randint(201, 989)}-{rng.randint(1000, 9999)}"
    document = {"customer": {"id": subject, "email": email,
                             "birth_date": f"19{rng.randint(50, 99)}-0{rng.randint(1, 9)}-1"
                                           f"{rng.randint(0, 9)}",
                             "country": "US", "phone": phone},
                "survey": "nps-q3"}
    return orjson.dumps(document), [subject, email, phone]


def build_bodies(pool: int = POOL) -> tuple[dict[str, list[Body]], list[str]]:
    """The bodies of each kind and every PII value they carry (deduplicated)."""
    rng = random.Random(20261128)
    values: list[str] = []
    every = make_payloads(pool * (1 + STREAM_RECORDS))
    mails = every[:pool]
    bodies: dict[str, list[Body]] = {kind: [] for kind in KINDS}
    for payload in mails:
        document = orjson.loads(payload.body)
        values += [v for _, v in payload.must_stop]
        values += [document["personalizations"][0]["to"][0]["email"],
                   document["personalizations"][0]["to"][0]["name"],
                   document["custom_args"]["customer_id"]]
        bodies["redacting"].append(Body("redacting", payload.body, "application/json"))
        bodies["structured"].append(Body("structured", payload.body, "application/json"))
    for i in range(pool):
        start = pool + i * STREAM_RECORDS
        body, found = _stream_body(every[start:start + STREAM_RECORDS], rng)
        values += found
        bodies["streaming"].append(Body("streaming", body, "application/x-ndjson"))
    for i in range(pool):
        subject, state = SUBJECTS[i % len(SUBJECTS)]
        body, found = _policy_body(subject, rng)
        values += found
        bodies["policy"].append(Body("policy", body, "application/json", state))
    return bodies, pii_filter(values)


def pii_filter(values: list[str]) -> list[str]:
    """Values worth grepping for: long enough not to match unrelated text, deduplicated."""
    return sorted({v for v in values if len(v) >= _MIN_VALUE_LEN})


def pii_values() -> list[str]:
    """Every PII value the load generator sends (names, emails, phones, cards, ids, ...)."""
    return build_bodies()[1]


def parse_mix(text: str | None) -> dict[str, float]:
    """``redacting=0.45,structured=0.25,...`` (normalized); the default mix for None."""
    if not text:
        return dict(DEFAULT_MIX)
    mix: dict[str, float] = {}
    for item in text.split(","):
        kind, _, weight = item.partition("=")
        if kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r}; use {', '.join(KINDS)}")
        mix[kind] = float(weight)
    total = sum(mix.values())
    if total <= 0:
        raise ValueError("the mix needs a positive weight")
    return {kind: weight / total for kind, weight in mix.items()}
