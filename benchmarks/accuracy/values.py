"""Fake PII values for the labeled corpus, drawn with Faker and a seeded ``random.Random``.

Every function takes the shared ``Values`` state and returns one string. Where Faker has a
provider (names, e-mails, phones per locale, cards, SSNs, French NIR, Dutch BSN, Spanish NIF/NIE,
IBANs, IPs, MACs, addresses) it is used as is, formats included, so the values are not shaped to
our regexes. Formats Faker lacks (UK NINO with issued prefixes, German Steuer-ID, provider API
keys, JWTs) are built here from their public specifications.
"""

from __future__ import annotations

import base64
import json
import random
import string
from dataclasses import dataclass, field
from datetime import date

from faker import Faker

LOCALES = ("en_US", "en_GB", "de_DE", "fr_FR", "en_CA", "es_ES", "nl_NL")


@dataclass
class Values:
    """Seeded generators shared by the corpus builders."""

    seed: int
    rng: random.Random = field(init=False)
    fakers: dict[str, Faker] = field(init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.fakers = {}
        for index, locale in enumerate(LOCALES):
            fake = Faker(locale)
            fake.seed_instance(self.seed + index)
            self.fakers[locale] = fake

    def fake(self, *locales: str) -> Faker:
        return self.fakers[self.rng.choice(locales or ("en_US",))]

    def pick(self, *options: str) -> str:
        return self.rng.choice(options)


# -- people and contact ------------------------------------------------------------------------


def person(v: Values) -> str:
    fake = v.fake("en_US", "en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "en_CA")
    form = v.rng.random()
    if form < 0.55:
        return f"{fake.first_name()} {fake.last_name()}"
    if form < 0.75:
        return fake.first_name()
    if form < 0.85:
        return f"{v.pick('Mr.', 'Mrs.', 'Ms.', 'Dr.')} {fake.last_name()}"
    return fake.name()


def email(v: Values) -> str:
    fake = v.fake("en_US", "en_GB", "de_DE", "fr_FR")
    return v.rng.choice((fake.email, fake.free_email, fake.company_email, fake.safe_email))()


def phone(v: Values) -> str:
    return v.fake("en_US", "en_US", "en_GB", "de_DE", "fr_FR", "en_CA").phone_number()


# -- payment and identity --------------------------------------------------------------------


def card(v: Values) -> str:
    fake = v.fake()
    number = fake.credit_card_number(
        v.pick("visa16", "visa16", "mastercard", "mastercard", "amex", "discover", "jcb16",
               "diners", "visa13", "visa19")
    )
    style = v.rng.random()
    if style < 0.35:
        return number
    separator = " " if style < 0.8 else "-"
    if len(number) == 15:
        return separator.join((number[:4], number[4:10], number[10:]))
    return separator.join(number[i : i + 4] for i in range(0, len(number), 4))


def ssn(v: Values) -> str:
    if v.rng.random() < 0.08:
        value = v.pick("078-05-1120", "219-09-9999", "457-55-5462")
    else:
        value = v.fakers["en_US"].ssn()
    style = v.rng.random()
    if style < 0.15:
        return value.replace("-", " ")
    if style < 0.22:
        return value.replace("-", "")
    return value


_NINO_FIRST = "ABCEGHJKLMNOPRSTWXYZ"
_NINO_SECOND = "ABCEGHJKLMNPRSTWXYZ"


def uk_nino(v: Values) -> str:
    while True:
        prefix = v.rng.choice(_NINO_FIRST) + v.rng.choice(_NINO_SECOND)
        if prefix not in {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}:
            break
    digits = "".join(v.rng.choice(string.digits) for _ in range(6))
    suffix = v.rng.choice("ABCD")
    if v.rng.random() < 0.5:
        return f"{prefix} {digits[:2]} {digits[2:4]} {digits[4:]} {suffix}"
    return f"{prefix}{digits}{suffix}"


def de_tax_id(v: Values) -> str:
    while True:
        digits = [v.rng.choice("123456789")] + [v.rng.choice(string.digits) for _ in range(9)]
        counts = {d: digits.count(d) for d in set(digits)}
        repeated = [d for d, c in counts.items() if c > 1]
        if len(repeated) == 1 and counts[repeated[0]] in (2, 3):
            break
    product = 10
    for d in digits:
        total = (int(d) + product) % 10 or 10
        product = (total * 2) % 11
    number = "".join(digits) + str((11 - product) % 10)
    if v.rng.random() < 0.4:
        return f"{number[:2]} {number[2:5]} {number[5:8]} {number[8:]}"
    return number


def fr_nir(v: Values) -> str:
    value = v.fakers["fr_FR"].ssn()
    if v.rng.random() < 0.4:
        return " ".join((value[0], value[1:3], value[3:5], value[5:7], value[7:10], value[10:13],
                         value[13:]))
    return value


def nl_bsn(v: Values) -> str:
    return v.fakers["nl_NL"].ssn()


def es_nif(v: Values) -> str:
    fake = v.fakers["es_ES"]
    return fake.nie() if v.rng.random() < 0.4 else fake.nif()


def iban(v: Values) -> str:
    value = v.fake("en_GB", "de_DE", "fr_FR", "es_ES", "nl_NL").iban()
    if v.rng.random() < 0.5:
        return " ".join(value[i : i + 4] for i in range(0, len(value), 4))
    return value


# -- network -----------------------------------------------------------------------------------


def ip_address(v: Values) -> str:
    fake = v.fake()
    roll = v.rng.random()
    if roll < 0.55:
        return fake.ipv4_public()
    if roll < 0.75:
        return fake.ipv4_private()
    if roll < 0.95:
        return fake.ipv6()
    return fake.ipv6().rsplit(":", 4)[0] + "::" + format(v.rng.randrange(1, 0xFFFF), "x")


def mac_address(v: Values) -> str:
    value = v.fake().mac_address()
    roll = v.rng.random()
    if roll < 0.3:
        return value.upper()
    if roll < 0.45:
        return value.replace(":", "-")
    return value


# -- places ------------------------------------------------------------------------------------


def street_address(v: Values) -> str:
    roll = v.rng.random()
    if roll < 0.55:
        return v.fakers["en_US"].street_address()
    if roll < 0.75:
        fake = v.fakers["en_US"]
        return f"{fake.street_address()}, {fake.city()}, {fake.state_abbr()} {fake.zipcode()}"
    if roll < 0.9:
        fake = v.fakers["en_GB"]
        # Faker's en_GB street suffixes are lower case ("657 Pauline cape"); mail is not.
        number, _, name = fake.street_address().partition(" ")
        street = f"{number} {name.title()}" if number.isdigit() else fake.street_address().title()
        return street.replace("\n", ", ")
    return v.fakers["de_DE"].street_address()


def city(v: Values) -> str:
    return v.fake("en_US", "en_GB", "de_DE", "fr_FR").city()


def us_zip(v: Values) -> str:
    return v.fakers["en_US"].zipcode()


def uk_postcode(v: Values) -> str:
    return v.fakers["en_GB"].postcode()


# -- dates and ages ----------------------------------------------------------------------------

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def birth_date(v: Values) -> str:
    born: date = v.fake().date_between(date(1935, 1, 1), date(2007, 12, 31))
    return v.pick(
        born.isoformat(),
        f"{born.month:02d}/{born.day:02d}/{born.year}",
        f"{born.day:02d}.{born.month:02d}.{born.year}",
        f"{_MONTHS[born.month - 1]} {born.day}, {born.year}",
        f"{born.day} {_MONTHS[born.month - 1]} {born.year}",
        f"{born.day}/{born.month}/{born.year}",
    )


def age(v: Values) -> str:
    return str(v.rng.randint(18, 94))


# -- secrets -----------------------------------------------------------------------------------

_ALNUM = string.ascii_letters + string.digits


def _random(v: Values, alphabet: str, length: int) -> str:
    return "".join(v.rng.choice(alphabet) for _ in range(length))


def api_key(v: Values) -> str:
    kind = v.rng.randrange(7)
    if kind == 0:
        return "AKIA" + _random(v, string.ascii_uppercase + string.digits, 16)
    if kind == 1:
        return "ghp_" + _random(v, _ALNUM, 36)
    if kind == 2:
        return "glpat-" + _random(v, _ALNUM + "-_", 20)
    if kind == 3:
        return "xoxb-" + "-".join(_random(v, string.digits, n) for n in (11, 13)) + "-" + _random(
            v, _ALNUM, 24)
    if kind == 4:
        return v.pick("sk_live_", "rk_live_", "sk_test_") + _random(v, _ALNUM, 24)
    if kind == 5:
        return "AIza" + _random(v, _ALNUM + "-_", 35)
    return "sk-proj-" + _random(v, _ALNUM + "-_", 48)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwt(v: Values) -> str:
    header = _b64url(json.dumps({"alg": v.pick("HS256", "RS256"), "typ": "JWT"}).encode())
    claims = {"sub": str(v.rng.randrange(10**6, 10**9)), "iat": v.rng.randrange(1_600_000_000, 1_800_000_000)}
    payload = _b64url(json.dumps(claims).encode())
    return f"{header}.{payload}.{_random(v, _ALNUM + '-_', 43)}"


def bearer_token(v: Values) -> str:
    return v.pick(jwt(v), _random(v, _ALNUM, 40), _random(v, _ALNUM + "._-", 32))


def password(v: Values) -> str:
    fake = v.fake()
    if v.rng.random() < 0.5:
        return fake.password(length=v.rng.randint(8, 16))
    return f"{fake.word().capitalize()}{v.rng.randint(1, 9999)}{v.pick('!', '#', '', '$')}"


def private_key(v: Values) -> str:
    kind = v.pick("RSA PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY", "OPENSSH PRIVATE KEY")
    body = "\n".join(_random(v, _ALNUM + "+/", 64) for _ in range(v.rng.randint(2, 4)))
    return f"-----BEGIN {kind}-----\n{body}\n-----END {kind}-----"
