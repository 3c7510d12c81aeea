"""spaCy NER results, with the misfires of a small model on business text filtered out.

A small English model tags log tokens, SKUs and numbers as PERSON or ORGANIZATION and order
numbers as DATE_TIME. This recognizer reads the same NER entities as Presidio's
``SpacyRecognizer`` and drops:

- PERSON, ORGANIZATION, LOCATION and NRP spans that contain a digit, ``@``, ``_``, ``/``, ``=``,
  ``#`` or ``://``, look like code (``camelCase``, ``dotted.names``, ``ABC-``) or are glued to
  an identifier (``user=alice``, ``order_id``);
- DATE_TIME spans that are bare numbers or identifiers (``48213377``, ``#2024031512``,
  ``INV-2024-0042``) rather than dates or times;
- spans made only of field labels that a small model takes for names (``SSN``, ``DOB``,
  ``IBAN``, ``Bearer``, ...), PERSON spans holding such a label or a lower-case word after a
  capitalized one that is no particle (``Mijn BSN``, ``Gareth said``), and a single capitalized
  word that opens a line as a label (``Config: ...``). Names written in lower case (``hi sam``,
  ``damian Łuczyk``) or in a script without case (``玉美``, ``준서``) are kept: the PII model
  learned them;
- DATE_TIME spans that are durations (``40-hour``, ``two-year``), weekdays, times of day, bare
  years, or pieces of a longer token (``2026-03`` of an ISO timestamp): not a person's date;
- spans of one character.

STREET_ADDRESS and POSTCODE, the shipped PII model's own labels, pass these filters untouched
(addresses hold digits, slashes and dots), except that both need a digit.

Surrounding quotes and punctuation are trimmed from what is kept.
"""

from __future__ import annotations

import re

from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.predefined_recognizers import SpacyRecognizer

from recognizers.address_extent import opens_with_street_word
from recognizers.patterns.common_words import PARTICLES, common_words, stop_words

NER_ENTITIES: tuple[str, ...] = (
    "PERSON", "LOCATION", "ORGANIZATION", "NRP", "DATE_TIME", "STREET_ADDRESS", "POSTCODE",
)
# Labels of the shipped PII model: addresses hold digits, slashes and '#' by nature, so the
# code-shape filters of names do not apply. Both need a digit: every national postcode format
# has one, and an address without house number or postcode ("Canara Bank, Jayanagar", a phrase
# in a language the model reads badly) is not one a vendor could deliver to.
_ADDRESS_LIKE = ("STREET_ADDRESS", "POSTCODE")

_NAME_LIKE = ("PERSON", "ORGANIZATION", "LOCATION", "NRP")
_CODE_CHARS = re.compile(r"[\d@_/=#\\{}<>\[\]|]|://")
_CODE_SHAPE = re.compile(r"[A-Za-z]\.[A-Za-z]|^[A-Z0-9]{2,}-|[A-Z]{2,}\d")
# camelCase is code (`getUser`, `HttpClientFactory`), but one inner capital after a capitalized
# start is a name as often: DeShawn, McKenzie, LaToya, DiCaprio.
_CAMEL_CODE = re.compile(r"\b[a-z]+[A-Z]|[a-z][A-Z][a-z]*[A-Z]")
_DATE_WORDS = re.compile(
    r"(?i)\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun|"
    r"today|yesterday|tomorrow|tonight|morning|afternoon|evening|night|noon|midnight|week|month|"
    r"year|day|hour|minute|am|pm|spring|summer|autumn|fall|winter|ago|last|next)"
)
_DATE_SHAPE = re.compile(
    r"^\d{1,4}[-/.:]\d{1,2}(?:[-/.:]\d{1,4})?(?:[T ]\d{1,2}:\d{2}(?::\d{2})?)?"
    r"(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?(?:\s*[ap]\.?m\.?)?$|^(?:19|20)\d{2}s?$|^\d{1,2}\s*[ap]\.?m\.?$",
    re.IGNORECASE,
)
_FIELD_LABELS = frozenset(
    ["ssn", "dob", "d.o.b", "iban", "bic", "swift", "id", "pin", "nhs", "nino", "bsn", "dni", "nie", "nir", "nif", "tin", "itin", "vat", "api", "ip", "ipv4", "ipv6", "mac", "url", "jwt", "sku", "bearer", "basic", "token", "password", "passwd", "pwd", "otp", "cvv", "cvc", "iban:", "zip", "postcode", "plz", "acct", "a/c", "ref", "sms", "email", "e-mail", "tel", "fax", "mobile", "ext", "dl", "config", "gift", "kyc", "mijn"]
)
_TRIM = " \t\n\"'`()[]{}<>.,;:!?*-"


class NerRecognizer(SpacyRecognizer):
    """Presidio's spaCy recognizer with the misfire filters of the module docstring."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """NER results that survive the filters, trimmed."""
        kept: list[RecognizerResult] = []
        for result in super().analyze(text, entities, nlp_artifacts):
            value = text[result.start : result.end]
            # An address may end in "St." or hold "(CN)": only whitespace is trimmed from it.
            trim = None if result.entity_type in _ADDRESS_LIKE else _TRIM
            stripped = value.strip(trim)
            if len(stripped) < 2:
                continue
            if result.entity_type in _ADDRESS_LIKE and (
                not any(c.isdigit() for c in stripped)
                or _not_an_address(stripped, street=result.entity_type == "STREET_ADDRESS")
                or (result.entity_type == "POSTCODE"
                    and _IDENTIFIER_BEFORE.search(text, max(0, result.start - 30), result.start))
            ):
                continue
            lead = len(value) - len(value.lstrip(trim))
            result.start += lead
            result.end = result.start + len(stripped)
            if result.entity_type == "STREET_ADDRESS":
                skipped = _leading_lowercase_words(stripped, not text.islower())
                if skipped is None:
                    continue
                result.start += skipped
                stripped = stripped[skipped:]
                if not _LETTERS.search(stripped):
                    continue  # "wurde am 3" was a date's day
            if result.entity_type in _NAME_LIKE and (
                _looks_like_code(stripped, text, result)
                or all(word.casefold() in _FIELD_LABELS for word in stripped.split())
                or _is_line_label(text, result)
            ):
                continue
            if result.entity_type == "PERSON":
                skipped = _leading_stop_words(stripped)
                if skipped is None:
                    continue
                result.start += skipped
                stripped = stripped[skipped:]
                if not _name_shaped(stripped) or _only_common_words(stripped, text, result.start):
                    continue
            if result.entity_type == "PERSON" and _org_shaped(stripped):
                if "ORGANIZATION" not in entities:
                    continue  # a business, and no one asked for businesses
                result.entity_type = "ORGANIZATION"
            if result.entity_type == "DATE_TIME" and not _is_calendar_date(stripped, text, result):
                continue
            kept.append(result)
        return kept


# What the model reads as "a word and a number" but is no address: a number after its label
# (PESEL 88120703517, konto 4418227609, Celular 310 482 7719), an amount with its currency
# (JPY 18,000, 750,00 EUR) or a date (27 de junio, 21.06.2024).
_NUMBER_LABELS = frozenset(
    ["pesel", "isikukood", "henkilötunnus", "hetu", "personnummer", "cpr", "egn", "егн", "oib",
     "jmbg", "emšo", "cnp", "amka", "afm", "αμκα", "αφμ", "tckn", "nric", "hkid", "aadhaar",
     "pan", "mykad", "ktp", "inn", "инн", "снилс", "konto", "account", "acct", "iban", "card", "visa", "mastercard", "amex", "celular", "cel", "telefon", "telefone", "teléfono", "phone", "tel", "tlf", "mobile", "mob", "fax", "curp", "nss", "rut", "dni", "nie", "nif", "cpf", "cnpj", "nik", "ssn", "sin", "tfn", "abn", "order", "orden", "pedido", "commande", "bestellung", "invoice", "factura", "facture", "rechnung", "ticket", "ref", "reference", "id", "tracking", "passport", "pasaporte", "passeport", "reisepass", "policy", "claim", "case", "kontonummer", "rekening", "compte", "cuenta", "conto"]
)
# Numbered things that are not places (flight EK 412, Dock 4, Android 14, Pixel 7) and what a
# number counts (120 seats, 418 kg): a short model "address" starting or going on with them.
_NOT_PLACES = frozenset(
    ["flight", "flug", "vuelo", "vol", "voo", "volo", "gate", "dock", "platform", "gleis", "track",
     "android", "ios", "windows", "macos", "iphone", "pixel", "galaxy", "version", "v", "build",
     "firefox", "chrome", "chromium", "safari", "opera", "ubuntu", "debian", "fedora", "python",
     "release", "chapter", "section", "page", "step", "level", "tier", "week", "day", "season",
     "episode", "table", "seat", "row", "bus", "train", "tram", "line", "route", "lot", "batch"]
)
_COUNTED = frozenset(
    ["seats", "seat", "kg", "g", "lb", "lbs", "cartons", "boxes", "pallets", "units", "items",
     "pcs", "pieces", "users", "licenses", "licences", "people", "guests", "nights", "days",
     "hours", "minutes", "mins", "weeks", "months", "years", "percent", "times", "tickets",
     # the same units in the languages of our texts ("2,5 Std.", "4 kuud", "30 Tagen")
     "std", "stunden", "stück", "stk", "tage", "tagen", "wochen", "monate", "jahre", "días",
     "horas", "semanas", "meses", "años", "jours", "heures", "semaines", "mois", "ans", "giorni",
     "ore", "mesi", "anni", "dagen", "uur", "weken", "maanden", "jaar", "dagar", "timmar",
     "dage", "timer", "dager", "päivää", "tuntia", "kuud", "päeva", "tundi", "dni", "godzin",
     "miesięcy", "lat", "gün", "saat", "ay", "yıl", "hari", "jam", "bulan", "tahun", "дней",
     "часов", "месяцев", "лет", "ημέρες", "ώρες"]
)
_CURRENCY = re.compile(
    r"(?:\b(?:USD|EUR|GBP|JPY|CNY|INR|BRL|MXN|COP|CLP|ARS|PEN|CHF|SEK|NOK|DKK|PLN|CZK|HUF|RON|"
    r"TRY|RUB|UAH|ZAR|NGN|KES|AED|SAR|ILS|KRW|IDR|PHP|VND|THB|MYR|SGD|AUD|NZD|CAD|HKD|TWD|MAD|"
    r"EGP|PKR|BDT|лв|zł|Kč|Ft|TL|lei|RM|Rp)\b|[€$£¥₹₽₩₺₫]|R\$)"
)
# A number right after an identifier's label is that identifier, not a postcode: "Bestellnr.
# 4020-883715", "REF: SO-2291-774", "Reg.nr. 9570", "cost centre 4410", "my SSN is 4417".
_IDENTIFIER_BEFORE = re.compile(
    r"(?i)\b(?:order|orders|ref|reference|nr|no|num|number|nummer|numero|número|obj|"
    r"bestell\w*|rechnung\w*|invoice|factura|facture|ssn|sin|reg|konto\w*|kontonr|account|"
    r"acct|cent(?:re|er)|ticket|case|id|awb|tracking|batch|lot|sku|pin|pedido|commande|"
    r"zamówienie|objednávka|sipariş)\b\.?(?:\s+is)?[\s:#=-]*$"
)
_LETTERS = re.compile(r"[^\W\d_]{2}")
_MONTHS = re.compile(
    r"(?i)\b(?:january|february|march|april|june|july|august|september|october|november|"
    r"december|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|"
    r"noviembre|diciembre|janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|"
    r"novembre|décembre|januar|februar|märz|juni|juli|oktober|dezember|janeiro|fevereiro|março|"
    r"maio|junho|julho|setembro|outubro|dezembro|gennaio|febbraio|aprile|maggio|giugno|luglio|"
    r"settembre|ottobre|dicembre|stycznia|lutego|marca|kwietnia|maja|czerwca|lipca|sierpnia|"
    r"września|października|listopada|grudnia)\b"
)
_DATE_IN_TEXT = re.compile(r"\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b|\b\d{1,2}:\d{2}\b")


# Words that make a name a business, school or public body's ("Globe Telecom", "Banco
# Andino", "Greenfield Dental", "Hanami Ceramics Co"): the model often says PERSON.
_ORG_WORDS = frozenset(
    ["telecom", "telekom", "bank", "banco", "banque", "banca", "dental", "clinic", "clínica", "clinica", "klinik", "hospital", "hôpital", "ltd", "inc", "llc", "gmbh", "ag", "sa", "sas", "srl", "bv", "nv", "co", "corp", "corporation", "company", "union", "group", "grupo", "groupe", "foods", "ceramics", "outfitters", "pharmacy", "farmacia", "pharmacie", "apotheke", "hotel", "airlines", "airways", "university", "universidad", "université", "universität", "universidade", "school", "college", "insurance", "seguros", "versicherung", "logistics", "logística", "solutions", "services", "servicios", "studio", "studios", "labs", "pediatrics", "health", "healthcare", "medical", "center", "centre", "centro", "store", "shop", "market", "supermarket", "restaurant", "bakery", "motors", "realty", "properties", "holdings", "associates", "consulting", "technologies", "software", "systems", "networks", "media", "publishing", "foundation", "fundación", "association", "asociación", "federation", "agency", "agencia", "agence", "ministry", "ministerio", "council", "gym", "fitness", "salon", "spa"]
)


def _org_shaped(value: str) -> bool:
    """A name whose first or last word is a business or institution word."""
    words = [word.strip(".,&").casefold() for word in value.split()]
    return len(words) > 1 and (words[0] in _ORG_WORDS or words[-1] in _ORG_WORDS)


def _not_an_address(value: str, street: bool = True) -> bool:
    """A labeled number, an amount or a date that the model read as an address (short spans
    only: a whole address may well hold a date-like house number or an amount after it)."""
    if "%" in value or "://" in value:
        return True  # a share ("down 40%") or a URL in a log line, whatever its length
    words = value.split()
    if len(words) > 4:
        return False
    if street and not _LETTERS.search(value):
        return True  # "9-5" (hours), "12/4": no street or town (a postcode alone may be digits)
    first = words[0].strip(":.#№").casefold()
    if first in _NUMBER_LABELS or first in _NOT_PLACES:
        return True
    if any(word.strip(",.()").casefold() in _COUNTED for word in words[1:]):
        return True  # "120 seats", "12 cartons"
    if _CURRENCY.search(value):
        return True
    numbers = re.findall(r"\d+", value)
    return bool(_DATE_IN_TEXT.search(value)) or (bool(_MONTHS.search(value)) and len(numbers) <= 1)


_FIRST_WORD = re.compile(r"\S+")


def _leading_lowercase_words(value: str, cased_text: bool = True) -> int | None:
    """How many characters of lower-case common words (stop words of our languages) open a
    model's address ("wurde am 3. März", "ist der Kinderwagen"); None when nothing is left.
    Abbreviations (``к.``, ``pl.``), street and unit words (``via``, ``rue``) and other words
    (``prusíkova 6``, an address typed in lower case) stay; so does every span of a text written
    all in lower case (``cased_text`` false)."""
    if not cased_text or not value[:1].islower() or opens_with_street_word(value):
        return 0
    common = common_words()
    for word in _FIRST_WORD.finditer(value):
        token = word.group()
        if not (token.islower() and token.casefold() in common and not token.endswith(".")):
            return word.start()
        if opens_with_street_word(value[word.start():]):
            return word.start()
    return None


def _looks_like_code(value: str, text: str, result: RecognizerResult) -> bool:
    if _CODE_CHARS.search(value) or _CODE_SHAPE.search(value) or _CAMEL_CODE.search(value):
        return True
    before = text[result.start - 1] if result.start > 0 else " "
    after = text[result.end] if result.end < len(text) else " "
    # Part of an identifier or key: `user=alice`, `svc.billing`, `order_id`.
    if before in "_=.:/-" and result.start > 1 and text[result.start - 2].isalnum():
        return True
    if after in "_=(" or (after in ".:/" and result.end + 1 < len(text) and text[result.end + 1].isalnum()):
        return True
    # "HR", "CEO": an acronym; "TYLER" in a shouted message is a name.
    return result.entity_type == "PERSON" and value.isupper() and len(value) <= 3


_PARTICLES = PARTICLES
_WORD = re.compile(r"\S+")
_DURATION = re.compile(
    r"(?i)^(?:\w+|\d+)[- ](?:year|hour|day|week|month|minute|second)s?(?:[- ]old)?$|"
    r"^(?i:a|one|two|three|\d+)\s+(?:years?|hours?|days?|weeks?|months?|minutes?)$"
)
_WEEKDAY_OR_TIME = re.compile(
    r"(?i)^(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|today|tomorrow|yesterday|tonight|"
    r"morning|afternoon|evening|night|noon|midnight|\d{1,2}(?::\d{2}){1,2}(?:\s*[ap]\.?m\.?)?|"
    r"\d{1,2}\s*[ap]\.?m\.?|(?:19|20)\d{2})$"
)


def _is_line_label(text: str, result: RecognizerResult) -> bool:
    """``Config:`` at the start of a line is a label."""
    if " " in text[result.start : result.end]:
        return False  # "Barack Obama: ..." in a chat transcript is a speaker
    line_start = text.rfind("\n", 0, result.start) + 1
    return not text[line_start : result.start].strip() and text[result.end : result.end + 1] == ":"


def _leading_stop_words(value: str) -> int | None:
    """How many characters of lower-case stop words (of any of our languages, no particles) open
    a PERSON span of several words: the model ran into a verb or an article ("habla Camila",
    "είμαι η Ελένη ..."). None when the span is no name at all: nothing is left, or only lower
    case is left ("o porteiro", "je sais"). A single word is left alone: people write names in
    lower case, and some are stop words elsewhere ("mia")."""
    words = list(_WORD.finditer(value))
    if len(words) < 2:
        return 0
    common = stop_words()
    skipped = 0
    for match in words:
        word = match.group()
        if not word[0].islower() or word in _PARTICLES or word.casefold() not in common:
            break
        skipped += 1
    if skipped == 0:
        return 0
    rest = words[skipped:]
    if not rest or not any(match.group()[0].isupper() for match in rest):
        return None
    return rest[0].start()


def _only_common_words(value: str, text: str, start: int) -> bool:
    """Every word is a stop word of one of our languages, a title, role or greeting ("Viele
    Grüße", "Atentamente", "They", "Pouvez"): a sign-off or a sentence's first word, no name.
    A single word inside a sentence is left alone: some names are stop words elsewhere
    ("bring Ella", "ping mia": "ella" and "mia" are Spanish and Italian words)."""
    words = [word.strip(".,:;!?¡¿()\"'") for word in value.split()]
    common = common_words()
    if not all(word.casefold() in common for word in words if word):
        return False
    if len(words) > 1:
        return True
    return bool(_SENTENCE_START.search(text[max(0, start - 3):start]) or start == 0)


# What stands before a sentence's or a line's first word.
_SENTENCE_START = re.compile(r"(?:^|[.!?:\n]\s*|[\n\"'(¡¿-]\s*)$")


def _name_shaped(value: str) -> bool:
    words = value.split()
    if any(word.casefold() in _FIELD_LABELS for word in words):
        return False
    # People write names in lower case in chats ("sam", "damian Łuczyk"); a lower-case word
    # after a capitalized one is a sentence the model ran into ("Gareth said").
    seen_capital = False
    for word in words:
        if word[0].isupper():
            seen_capital = True
        elif seen_capital and word[0].islower() and word not in _PARTICLES:
            return False
    return True


def _is_calendar_date(value: str, text: str, result: RecognizerResult) -> bool:
    after = text[result.end : result.end + 2]
    before = text[result.start - 1] if result.start > 0 else " "
    if (after[:1].isalnum() or (after[:1] in "-:T" and after[1:2].isdigit())
            or before.isalnum() or before in "-:"):
        return False  # a piece of a timestamp or identifier
    if _DURATION.match(value) or _WEEKDAY_OR_TIME.match(value):
        return False
    if _DATE_WORDS.search(value):
        return True
    return bool(_DATE_SHAPE.match(value))
