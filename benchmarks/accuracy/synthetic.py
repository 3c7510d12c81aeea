"""Labeled synthetic texts: independently written templates filled with Faker values of 49 locales.

Neither part comes from the detection code. The templates (``corpora/templates/*.jsonl``) were
written by a helper who never read ``recognizers/``; the values come from Faker's locale
providers, each with its own name, address, postcode and phone formats. What this module adds is
only the plumbing: which locale fills a text, how a value is cased or laid out (one line, several
lines), and the labels, which follow ``../shared/pii-dev/README.md``.

Splits are made by template, so a test text never shares its wording with a training text:
a template's split is a hash of its id (70 % train, 15 % dev, 15 % test). Four locales never
appear in train or dev (``UNSEEN_LOCALES``), so the test split also says how detection does on
address formats the model was not trained on. The test split is written once to
``corpora/frozen/test.jsonl`` and committed; no training or tuning step reads it.

Run ``python -m benchmarks.accuracy.synthetic --out DIR`` to write ``train.jsonl`` and
``dev.jsonl`` (and, with ``--frozen``, the test split).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import string
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from faker import Faker

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "corpora" / "templates"
FROZEN_TEST = HERE / "corpora" / "frozen" / "test.jsonl"

# Locales whose Faker providers write their own country's address format (checked by eye: those
# that fall back to a US-shaped address are left out). Military APO/FPO and PO box addresses come
# from en_US and en_AU/en_NZ.
LOCALES: tuple[str, ...] = (
    "en_US", "en_GB", "en_IE", "en_CA", "en_AU", "en_NZ", "en_IN", "en_MS", "en_BD",
    "da_DK", "sv_SE", "no_NO", "fi_FI", "de_DE", "de_AT", "de_CH", "fr_FR", "fr_CH", "nl_NL",
    "nl_BE", "it_IT", "es_ES", "pt_PT", "pl_PL", "cs_CZ", "sk_SK", "hu_HU", "ro_RO", "hr_HR",
    "sl_SI", "el_GR", "uk_UA", "ru_RU", "pt_BR", "es_MX", "es_AR", "es_CL", "es_CO", "ja_JP",
    "ko_KR", "zh_CN", "zh_TW", "hi_IN", "id_ID", "th_TH", "he_IL", "ka_GE", "hy_AM", "az_AZ",
)
# Never in train or dev: how the model does on address formats it has not seen.
UNSEEN_LOCALES: frozenset[str] = frozenset({"hr_HR", "es_CO", "sl_SI", "hy_AM"})
# Training only: names of people from these locales (whose address providers fall back to a US
# shape, so they fill no text of their own) stand in a third of the train split's name slots, as
# customers from everywhere write to any company. The dev and test splits use each text's own
# locale alone.
NAME_LOCALES: tuple[str, ...] = (
    "ar_AA", "ar_SA", "tr_TR", "fa_IR", "bn_BD", "en_NG", "yo_NG", "ig_NG", "ha_NG", "zu_ZA",
    "en_KE", "sw", "en_PK", "ga_IE", "ta_IN", "en_TH", "lt_LT", "lv_LV", "et_EE", "bg_BG", "is_IS",
)
# Family name first, no space between the parts in some of them.
_FAMILY_FIRST = {"ja_JP": " ", "zh_CN": "", "zh_TW": "", "ko_KR": "", "hu_HU": " "}

# Slot -> label in the corpus (None: filled, not labeled).
SLOT_LABELS: dict[str, str | None] = {
    "PERSON": "PERSON", "FIRST_NAME": "PERSON", "LAST_NAME": "PERSON",
    "STREET_ADDRESS": "STREET_ADDRESS", "ADDRESS_BLOCK": "STREET_ADDRESS",
    "STREET": "STREET_ADDRESS",
    "POSTCODE": "ZIP_CODE", "PHONE": "PHONE_NUMBER", "EMAIL": "EMAIL_ADDRESS",
    "USERNAME": "USERNAME", "IP": "IP_ADDRESS", "CREDIT_CARD": "CREDIT_CARD", "IBAN": "IBAN_CODE",
    "DOB": "DATE_OF_BIRTH", "ACCOUNT_NUMBER": "ACCOUNT_NUMBER", "PASSPORT": "PASSPORT",
    "NATIONAL_ID": "NATIONAL_ID", "DRIVER_LICENSE": "US_DRIVER_LICENSE", "SECRET": "SECRET",
    "URL_PERSONAL": "URL_PERSONAL",
    # A city or country named outside an address is not personal on its own (the shared labeling
    # rules); it is labeled LOCATION so the strict sensitivity can be scored, and left out of the
    # default score.
    "CITY": "LOCATION", "COUNTRY": "LOCATION",
    "COMPANY": None, "PRODUCT": None, "ORDER_ID": None, "TRACKING_ID": None, "TICKET_ID": None,
    "DATE": None, "TIME": None, "WEEKDAY": None, "MONTH": None, "AMOUNT": None,
}
_SLOT = re.compile(r"\{([A-Z_]+?)(\d*)\}")


@dataclass
class Template:
    """One template line of ``corpora/templates/<genre>.jsonl``."""

    id: str
    genre: str
    text: str

    @property
    def split(self) -> str:
        bucket = int(hashlib.sha256(self.id.encode()).hexdigest(), 16) % 100
        return "train" if bucket < 70 else "dev" if bucket < 85 else "test"


def load_templates(folder: Path = TEMPLATES) -> list[Template]:
    """Every template, in file and line order."""
    out = []
    for path in sorted(folder.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                doc = json.loads(line)
                out.append(Template(doc["id"], doc["genre"], doc["template"]))
    return out


@dataclass
class ValueMaker:
    """Values of one locale for the template slots, with the casing people use in writing."""

    locale: str
    rng: random.Random
    other_names: float = 0.0  # share of names drawn from NAME_LOCALES
    fake: Faker = field(init=False)

    def __post_init__(self) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.fake = Faker(self.locale)
            self._names = [Faker(loc) for loc in NAME_LOCALES] if self.other_names else []
        self.fake.seed_instance(self.rng.getrandbits(32))
        for fake in self._names:
            fake.seed_instance(self.rng.getrandbits(32))
        self._en = Faker("en_US")
        self._en.seed_instance(self.rng.getrandbits(32))

    def _try(self, fn: Callable[[], Any], fallback: Callable[[], Any]) -> str:
        try:
            return str(fn())
        except (AttributeError, NotImplementedError, TypeError, ValueError, KeyError):
            return str(fallback())

    def _case(self, value: str, lower: float, upper: float) -> str:
        roll = self.rng.random()
        if roll < lower:
            return value.lower()
        if roll < lower + upper:
            return value.upper()
        return value

    def _namer(self) -> Faker:
        if self._names and self.rng.random() < self.other_names:
            return self.rng.choice(self._names)
        return self.fake

    def first_name(self) -> str:
        return self._case(self._namer().first_name(), 0.08, 0.03)

    def last_name(self) -> str:
        return self._case(self._namer().last_name(), 0.05, 0.05)

    def person(self) -> str:
        namer = self._namer()
        first, last = namer.first_name(), namer.last_name()
        if namer is self.fake and self.locale in _FAMILY_FIRST:
            name = last + _FAMILY_FIRST[self.locale] + first
        elif self.rng.random() < 0.12:
            name = f"{first} {namer.first_name()} {last}"
        else:
            name = f"{first} {last}"
        return self._case(name, 0.07, 0.04)

    def address(self, lines: bool) -> str:
        raw = self.fake.address().strip()
        if lines:
            return raw
        joiner = self.rng.choice([", ", ", ", ", ", " "])
        one = joiner.join(part.strip() for part in raw.splitlines() if part.strip())
        return self._case(one, 0.07, 0.03)

    def street(self) -> str:
        value = self._try(self.fake.street_address, lambda: self.fake.address().splitlines()[0])
        return self._case(value, 0.07, 0.02)

    def value(self, slot: str) -> str:
        """A value for one template slot; ``KeyError`` for a slot no maker knows."""
        for make in (self._contact_value, self._identifier_value, self._context_value):
            made = make(slot)
            if made is not None:
                return made
        raise KeyError(slot)

    def _contact_value(self, slot: str) -> str | None:
        """Names, addresses, places and the ways to reach a person."""
        f, rng = self.fake, self.rng
        match slot:
            case "PERSON":
                return self.person()
            case "FIRST_NAME":
                return self.first_name()
            case "LAST_NAME":
                return self.last_name()
            case "STREET_ADDRESS":
                return self.address(lines=False)
            case "ADDRESS_BLOCK":
                return self.address(lines=True)
            case "STREET":
                return self.street()
            case "POSTCODE":
                return self._try(f.postcode, self._en.postcode)
            case "PHONE":
                return f.phone_number()
            case "EMAIL":
                return self._try(f.email, self._en.email)
            case "USERNAME":
                return self._try(f.user_name, self._en.user_name)
            case "IP":
                return f.ipv4() if rng.random() < 0.8 else f.ipv6()
            case "URL_PERSONAL":
                user = self._try(f.user_name, self._en.user_name)
                return rng.choice(["https://www.linkedin.com/in/", "https://github.com/",
                                   "https://instagram.com/", "https://x.com/",
                                   "https://www.facebook.com/"]) + user
            case "CITY":
                return f.city()
            case "COUNTRY":
                return self._en.country()
        return None

    def _identifier_value(self, slot: str) -> str | None:
        """Cards, accounts, documents, dates of birth and secrets."""
        f, rng = self.fake, self.rng
        match slot:
            case "CREDIT_CARD":
                return self._card()
            case "IBAN":
                return self._try(f.iban, self._en.iban)
            case "DOB":
                return f.date_of_birth(minimum_age=18, maximum_age=90).strftime(
                    rng.choice(["%d/%m/%Y", "%m/%d/%Y", "%Y-%m-%d", "%d.%m.%Y", "%B %d, %Y",
                                "%d %b %Y"]))
            case "ACCOUNT_NUMBER":
                return self._try(f.bban, lambda: f.numerify("##########"))
            case "PASSPORT":
                return self._try(f.passport_number, lambda: f.bothify("?########").upper())
            case "NATIONAL_ID":
                return self._try(f.ssn, lambda: f.numerify("#########"))
            case "DRIVER_LICENSE":
                shape = rng.choice(["?#######", "?###-####-####", "########", "??######"])
                return f.bothify(shape).upper()
            case "SECRET":
                return self._secret()
        return None

    def _context_value(self, slot: str) -> str | None:
        """The unlabeled values around the PII: companies, products, order ids, dates, amounts."""
        f, rng = self.fake, self.rng
        match slot:
            case "COMPANY":
                return self._try(f.company, self._en.company)
            case "PRODUCT":
                return self._en.catch_phrase().split()[-1].title() + rng.choice(
                    [" Pro", " 2", " Max", " Lite", " X", " Mini", ""])
            case "ORDER_ID":
                return f.bothify(rng.choice(["#######", "ORD-#####", "A-######", "##-####-##"]))
            case "TRACKING_ID":
                shape = rng.choice(["1Z###?##########", "??#########??", "JD##########"])
                return f.bothify(shape).upper()
            case "TICKET_ID":
                return f.bothify(rng.choice(["#####", "CS-#####", "INC######", "TKT-####"]))
            case "DATE":
                # Fixed bounds: a range relative to today would not regenerate the same corpus.
                return self._en.date_between(date(2025, 1, 1), date(2027, 12, 31)).strftime(
                    rng.choice(["%d/%m/%Y", "%Y-%m-%d", "%B %d", "%d %B", "%b %d, %Y", "%m/%d"]))
            case "TIME":
                return self._en.time(rng.choice(["%H:%M", "%I:%M %p", "%I %p"]))
            case "WEEKDAY":
                return self._en.day_of_week()
            case "MONTH":
                return self._en.month_name()
            case "AMOUNT":
                return self._try(f.pricetag, self._en.pricetag)
        return None

    def _card(self) -> str:
        number = self._en.credit_card_number()
        if self.rng.random() < 0.5 and len(number) == 16:
            return " ".join(number[i:i + 4] for i in range(0, 16, 4))
        return number

    def _secret(self) -> str:
        rng = self.rng
        kind = rng.random()
        if kind < 0.5:
            return self._en.password(length=rng.randint(9, 16))
        alphabet = string.ascii_letters + string.digits
        body = "".join(rng.choice(alphabet) for _ in range(rng.randint(24, 40)))
        return rng.choice(["sk_live_", "ghp_", "xoxb-", "SG.", "AKIA", "sk-", ""]) + body


def fill(template: Template, maker: ValueMaker, text_id: str) -> dict[str, Any]:
    """One labeled record from ``template`` with values of ``maker``'s locale."""
    chosen: dict[str, str] = {}
    parts: list[str] = []
    spans: list[dict[str, Any]] = []
    pos = 0
    last = 0
    for m in _SLOT.finditer(template.text):
        literal = template.text[last:m.start()]
        parts.append(literal)
        pos += len(literal)
        slot, suffix = m.group(1), m.group(2)
        if slot not in SLOT_LABELS:  # unknown slot: keep it as written
            parts.append(m.group(0))
            pos += len(m.group(0))
            last = m.end()
            continue
        key = slot + suffix
        if key not in chosen:
            chosen[key] = maker.value(slot)
        value = chosen[key]
        label = SLOT_LABELS[slot]
        if label is not None:
            spans.append({"entity_type": label, "entity_value": value,
                          "start_position": pos, "end_position": pos + len(value)})
        parts.append(value)
        pos += len(value)
        last = m.end()
    parts.append(template.text[last:])
    text = "".join(parts)
    spans = _join_adjacent(spans, text)
    for span in spans:
        assert text[span["start_position"]:span["end_position"]] == span["entity_value"]
    return {"id": text_id, "genre": template.genre, "template": template.id,
            "locale": maker.locale, "full_text": text, "spans": spans}


def _join_adjacent(spans: list[dict[str, Any]], text: str) -> list[dict[str, Any]]:
    """``{FIRST_NAME} {LAST_NAME}`` is one name: same-label spans apart by spaces become one."""
    out: list[dict[str, Any]] = []
    for span in spans:
        prev = out[-1] if out else None
        if (prev is not None and prev["entity_type"] == span["entity_type"]
                and text[prev["end_position"]:span["start_position"]].strip(" ") == ""):
            prev["end_position"] = span["end_position"]
            prev["entity_value"] = text[prev["start_position"]:span["end_position"]]
        else:
            out.append(dict(span))
    return out


def generate(split: str, per_template: int, seed: int,
             templates: list[Template] | None = None) -> list[dict[str, Any]]:
    """``per_template`` records of every template in ``split``, locales in turn."""
    rng = random.Random(f"{seed}:{split}")
    chosen = [t for t in (templates or load_templates()) if t.split == split]
    locales = [loc for loc in LOCALES if split == "test" or loc not in UNSEEN_LOCALES]
    other_names = 0.33 if split == "train" else 0.0
    makers = {loc: ValueMaker(loc, random.Random(rng.getrandbits(64)), other_names)
              for loc in locales}
    records = []
    n = 0
    for template in chosen:
        for _ in range(per_template):
            locale = locales[n % len(locales)] if split == "test" else rng.choice(locales)
            n += 1
            records.append(fill(template, makers[locale], f"{split}-{n:06d}"))
    return records


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="folder for train.jsonl, dev.jsonl")
    parser.add_argument("--seed", type=int, default=20261203)
    parser.add_argument("--train-per-template", type=int, default=60)
    parser.add_argument("--dev-per-template", type=int, default=6)
    parser.add_argument("--frozen", action="store_true",
                        help=f"also write the test split to {FROZEN_TEST} (once; it is committed)")
    args = parser.parse_args()
    templates = load_templates()
    write_jsonl(args.out / "train.jsonl",
                generate("train", args.train_per_template, args.seed, templates))
    write_jsonl(args.out / "dev.jsonl",
                generate("dev", args.dev_per_template, args.seed, templates))
    if args.frozen:
        # A seed of its own: the test values are drawn apart from anything tuning saw.
        write_jsonl(FROZEN_TEST, generate("test", 20, args.seed + 7, templates))


if __name__ == "__main__":
    main()
