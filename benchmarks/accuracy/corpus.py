"""Build the labeled corpus and the no-PII corpus from the templates, with exact gold spans.

``labeled_corpus(seed, size)`` cycles through the template kinds and fills each ``{slot}``; a
labeled slot records a ``GoldSpan`` over exactly the characters of its value. ``no_pii_corpus``
fills the no-PII templates with distractors only. Same seed, same corpus.
"""

from __future__ import annotations

import re
import string
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from benchmarks.accuracy import values as val
from benchmarks.accuracy.templates import KINDS, NO_PII
from benchmarks.accuracy.values import Values

# Labeled slots: slot name -> (value generator, gold entity type).
LABELED: dict[str, tuple[Callable[[Values], str], str]] = {
    "person": (val.person, "PERSON"),
    "email": (val.email, "EMAIL_ADDRESS"),
    "phone": (val.phone, "PHONE_NUMBER"),
    "card": (val.card, "CREDIT_CARD"),
    "ssn": (val.ssn, "US_SSN"),
    "nino": (val.uk_nino, "UK_NINO"),
    "steuer": (val.de_tax_id, "DE_TAX_ID"),
    "nir": (val.fr_nir, "FR_NIR"),
    "bsn": (val.nl_bsn, "NL_BSN"),
    "nif": (val.es_nif, "ES_NIF"),
    "iban": (val.iban, "IBAN_CODE"),
    "ip": (val.ip_address, "IP_ADDRESS"),
    "mac": (val.mac_address, "MAC_ADDRESS"),
    "address": (val.street_address, "STREET_ADDRESS"),
    "city": (val.city, "LOCATION"),
    "zip": (val.us_zip, "POSTCODE"),
    "postcode": (val.uk_postcode, "POSTCODE"),
    "dob": (val.birth_date, "DATE_OF_BIRTH"),
    "age": (val.age, "AGE"),
    "api_key": (val.api_key, "API_KEY"),
    "jwt": (val.jwt, "SECRET"),
    "bearer": (val.bearer_token, "SECRET"),
    "password": (val.password, "SECRET"),
    "private_key": (val.private_key, "SECRET"),
}


# Fixed "today" of the corpus: relative ranges ("-1y", "now") would change the text run to run.
ANCHOR = date(2025, 6, 1)
ANCHOR_TIME = datetime(2025, 6, 1, 12, 0, 0)


def _digits(v: Values, n: int) -> str:
    return "".join(v.rng.choice(string.digits) for _ in range(n))


def _upper(v: Values, n: int) -> str:
    return "".join(v.rng.choice(string.ascii_uppercase) for _ in range(n))


def _tracking(v: Values) -> str:
    return v.pick(
        "1Z" + _upper(v, 3) + _digits(v, 11) + v.rng.choice(string.digits),
        "94" + _digits(v, 20),
        _digits(v, 12),
        "JD" + _digits(v, 16),
        _upper(v, 2) + _digits(v, 9) + "GB",
    )


def _identifier(v: Values) -> str:
    words = [v.fakers["en_US"].word() for _ in range(v.rng.randint(2, 3))]
    return "_".join(words) if v.rng.random() < 0.6 else words[0] + "".join(
        w.capitalize() for w in words[1:])


def _class_name(v: Values) -> str:
    return "".join(v.fakers["en_US"].word().capitalize() for _ in range(v.rng.randint(2, 3)))


_PRODUCTS = (
    "Aurora X2 headphones", "TrailMaster 45L backpack", "Nimbus smart thermostat",
    "Vela espresso machine", "Orbit 3 robot vacuum", "Kestrel running shoes",
    "Atlas standing desk", "Lumen LED desk lamp", "Pixel Buds Pro", "Galaxy Tab S9",
    "Quartz 12-cup kettle", "Summit down jacket", "Harbor linen sheets", "Echo Dot",
    "Cascade water filter", "Falcon gaming mouse", "Meridian wall clock",
)
_FEATURES = (
    "40-hour battery life", "IPX7 water resistance", "USB-C fast charging",
    "recycled aluminium frame", "memory foam padding", "dual-band Wi-Fi 6",
    "dishwasher-safe parts", "two-year warranty", "quiet 38 dB motor", "1080p camera",
)

DISTRACTORS: dict[str, Callable[[Values], str]] = {
    "order_no": lambda v: v.pick("#", "ORD-", "", "SO-", "A") + _digits(v, v.rng.randint(6, 11)),
    "order_id": lambda v: _digits(v, v.rng.randint(5, 9)),
    "invoice_no": lambda v: f"INV-{v.rng.randint(2019, 2025)}-{_digits(v, 5)}",
    "ticket_no": lambda v: v.pick("#", "TCK-", "CS-", "") + _digits(v, 6),
    "tracking": _tracking,
    "sku": lambda v: f"{_upper(v, 3)}-{_digits(v, 4)}-{_upper(v, 2)}",
    "product": lambda v: v.rng.choice(_PRODUCTS),
    "feature": lambda v: v.rng.choice(_FEATURES),
    "material": lambda v: v.pick("aluminium", "bamboo", "stainless steel", "ABS plastic"),
    "color": lambda v: v.fakers["en_US"].color_name(),
    "amount": lambda v: v.pick("$", "€", "£", "USD ") + f"{v.rng.randint(5, 2500)}.{_digits(v, 2)}",
    "date": lambda v: v.fake().date_between(ANCHOR - timedelta(days=730), ANCHOR + timedelta(days=60)).strftime(
        v.pick("%Y-%m-%d", "%B %d", "%d/%m/%Y", "%b %d, %Y", "%A")),
    "date_compact": lambda v: v.fake().date_between(ANCHOR - timedelta(days=730), ANCHOR).strftime(
        "%Y%m%d"),
    "time": lambda v: v.pick(f"{v.rng.randint(1, 12)}:{v.rng.choice('012345')}0 {v.pick('am', 'pm')}",
                             f"{v.rng.randint(0, 23):02d}:{v.rng.randint(0, 59):02d}"),
    "ts": lambda v: v.fake().date_time_between(ANCHOR_TIME - timedelta(days=365), ANCHOR_TIME).isoformat(
        timespec=v.pick("seconds", "milliseconds")) + v.pick("Z", "", "+00:00"),
    "clock": lambda v: f"{v.rng.randint(0, 23):02d}:{v.rng.randint(0, 59):02d}:{_digits(v, 2)}",
    "day": lambda v: str(v.rng.randint(1, 28)),
    "version": lambda v: f"{v.pick('v', '')}{v.rng.randint(1, 9)}.{v.rng.randint(0, 20)}."
                         f"{v.rng.randint(0, 30)}",
    "error_code": lambda v: v.pick("E", "ERR-", "0x") + _digits(v, 4),
    "expiry": lambda v: f"{v.rng.randint(1, 12):02d}/{v.rng.randint(25, 31)}",
    "weight": lambda v: f"{v.rng.randint(1, 40)}.{_digits(v, 1)}",
    "buzzer": lambda v: _digits(v, 4),
    "plan": lambda v: v.pick("Pro", "Business", "Enterprise", "Starter"),
    "title": lambda v: v.fakers["en_US"].job(),
    "company": lambda v: v.fakers["en_US"].company(),
    "plz_city": lambda v: v.fakers["de_DE"].city(),
    "request_id": lambda v: str(uuid.UUID(int=v.rng.getrandbits(128), version=4)),
    "latency": lambda v: str(v.rng.randint(2, 4000)),
    "count": lambda v: str(v.rng.randint(2, 99)),
    "pid": lambda v: str(v.rng.randint(300, 65000)),
    "port": lambda v: str(v.rng.randint(1024, 65535)),
    "hostname": lambda v: f"{v.pick('laptop', 'printer', 'pos', 'kiosk')}-{_digits(v, 3)}",
    "carrier": lambda v: v.pick("UPS", "DHL Express", "FedEx", "USPS", "Royal Mail"),
    "batch_id": lambda v: f"B{_digits(v, 6)}",
    "identifier": _identifier,
    "class_name": _class_name,
    "file_path": lambda v: f"src/{_identifier(v)}/{_identifier(v)}.py",
    "git_sha": lambda v: "".join(v.rng.choice("0123456789abcdef") for _ in range(40)),
    "http_status": lambda v: v.pick("200", "201", "204", "404", "503"),
    "warehouse": lambda v: v.pick("DE-", "US-", "UK-") + _digits(v, 2),
    "quarter": lambda v: str(v.rng.randint(1, 4)),
    "hexid": lambda v: "".join(v.rng.choice("0123456789abcdef") for _ in range(8)),
}

_SLOT = re.compile(r"\{([a-z_0-9]+?)(\d?)\}")


@dataclass(frozen=True)
class GoldSpan:
    """A labeled entity: character offsets into the sample text and its type."""

    start: int
    end: int
    entity_type: str


@dataclass(frozen=True)
class Sample:
    """One text of the corpus and its gold spans."""

    kind: str
    template: int
    text: str
    spans: tuple[GoldSpan, ...]


def fill(template: str, v: Values, kind: str = "", index: int = 0) -> Sample:
    """Fill one template; each occurrence of a slot draws its own value."""
    parts: list[str] = []
    spans: list[GoldSpan] = []
    cursor = 0
    length = 0
    for match in _SLOT.finditer(template):
        literal = template[cursor : match.start()]
        parts.append(literal)
        length += len(literal)
        name = match.group(1)
        if name in LABELED:
            generate, entity_type = LABELED[name]
            value = generate(v)
            spans.append(GoldSpan(length, length + len(value), entity_type))
        else:
            value = DISTRACTORS[name](v)
        parts.append(value)
        length += len(value)
        cursor = match.end()
    parts.append(template[cursor:])
    return Sample(kind=kind, template=index, text="".join(parts), spans=tuple(spans))


def labeled_corpus(seed: int = 20240601, size: int = 2500) -> list[Sample]:
    """``size`` samples, kinds in turn, templates drawn at random within a kind."""
    v = Values(seed)
    kinds = list(KINDS.items())
    samples = []
    for number in range(size):
        kind, templates = kinds[number % len(kinds)]
        index = v.rng.randrange(len(templates))
        samples.append(fill(templates[index], v, kind, index))
    return samples


def no_pii_corpus(seed: int = 20240602, size: int = 1000) -> list[Sample]:
    """``size`` texts without personal data (product text, code, order numbers, timestamps)."""
    v = Values(seed)
    samples = []
    for _ in range(size):
        index = v.rng.randrange(len(NO_PII))
        sample = fill(NO_PII[index], v, "no_pii", index)
        assert not sample.spans
        samples.append(sample)
    return samples
