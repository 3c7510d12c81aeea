"""International phone numbers, found and checked by ``phonenumbers`` for configured regions.

Presidio's recognizer reports every *possible* number at 0.4 and loses numbers to the UK NHS and
date recognizers. Ours also runs ``phonenumbers`` in each configured region, then:

- drops digit runs glued to letters or other digits (``ORD-2024031512345``, ``v1.2.3``) and
  date-shaped strings (``2024-03-15``, ``15.03.2024``);
- keeps a bare run of digits (``2125550198``) only when a phone word is near, or when it is a
  *valid* number of a region;
- drops numbers the text introduces as something else: a label right before them (``order``,
  ``Rechnung``, ``zamówienie``, ``resi``, ``routing number``, ``sort code``..., in several
  languages; only number words such as ``no.``, ``Nr.``, ``n°``, ``#`` between), because order,
  invoice, tracking and bank numbers have the shapes of phone numbers (after the label of a
  person's own number, ``card``, ``account``, only a bare digit run: such a number is personal
  either way);
- drops the shapes of log and document numbers: Unix timestamps (``1718093012``, 13 digits in
  milliseconds), decimals such as kernel uptimes (``[48213.552]``), screen resolutions
  (``1366x768``), a year with a serial (``2024/118``, ``2024-0551``, ``118/2024``), versions
  (``125.0.6422.142``), amounts beside their currency (``48.500.000 VND``), container codes
  (``MSKU 441827-3``) and the status and size of an access-log line (``HTTP/2.0" 200 8431``);
- but a number that a phone word introduces (``phone``, ``tel``, ``call``, ``WhatsApp``...,
  nothing but words between) is a phone number whatever label stands before that word, and a
  number written with ``+`` never counts as an identifier;
- leaves dotted quads to the IP recognizer and ``123-45-6789`` shapes after an SSN word to the
  SSN recognizer;
- scores numbers that are *valid* for their region higher than merely possible ones.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import phonenumbers
import regex
from phonenumbers import Leniency
from presidio_analyzer import AnalysisExplanation, LocalRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from recognizers.prefilter import digit_count

DEFAULT_REGIONS: tuple[str, ...] = ("US", "GB", "DE", "FR", "CA")

_UNSPACED = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\p{Thai}]")
_DATE_SHAPE = re.compile(r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}")
_PHONE_WORDS = re.compile(
    r"\b(?:phone|tel|telephone|mobile|cell|fax|call|ring|text|sms|whats ?app|contact|reach|"
    r"number|no\.|dial|landline|hotline|direct|ddi)\b",
    re.IGNORECASE,
)
_FORMATTED = re.compile(r"[+()\-. ]")
_IPV4_SHAPE = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")
_SSN_SHAPE = re.compile(r"\d{3}[ .-]?\d{2}[ .-]?\d{4}")
_SSN_WORDS = re.compile(r"(?i)\b(?:ssn|social security|social|soc\.? ?sec)\b")
# Phone words in the languages of the texts we see; the last cue before a number decides what
# the text introduces it as ("Order 4471, tel. 030 901820": tel.; "Tel 030 901820, Bestellung
# 48213377": Bestellung).
_PHONE_CUE = (
    r"phones?|telephone|tel|tél|tele|tlf|mob|mobile|cell|cellphone|fax|call|calls|caller\W?id|"
    r"direct(?:\W?line)?|ddi|"
    r"ring|text|sms|whats\W?app|wa|viber|telegram|signal|dial|landline|hotline|helpline|contact|"
    r"reach|telefon\w*|téléphone|teléfono|telefono|telefone|telefoon|telemóvel|handy\w*|"
    r"mobil\w*|rufnummer|festnetz|durchwahl|anruf\w*|portable|celular|cellulare|m[oó]vil|"
    r"llam\w*|appel\w*|chiam\w*|ligue|bel|bellen|zadzwo\w*|komórk\w*|gsm|telp|ponsel|hp|"
    r"hubungi|телефон\w*|тел|моб\w*|сотов\w*|звон\w*|позвон\w*"
)
# Labels that introduce a number as something else: orders, invoices, contracts, tickets,
# bookings, shipments, references and cases, bank codes, and other identifiers. Slavic words
# are stems (their endings change with the case: ``zamówienia``, ``заказа``).
_IDENTIFIER_LABEL = (
    # English
    r"orders?|invoices?|inv|contracts?|tickets?|booking|reservation|confirmation|tracking|"
    r"track|parcel|package|shipment|consignment|waybill|awb|reference|ref|case|claim|policy|"
    r"receipt|transaction|txn|po|rma|quote|voucher|serial|sku|batch|lot|incident|"
    # bank codes (routing and sort codes, German BLZ, Australian BSB, Indian IFSC...)
    r"routing|aba|rtn|sort\W?code|bsb|blz|bankleitzahl|transit|ifsc|swift|bic|clabe|"
    # German, Dutch, Nordic
    r"bestell\w*|rechnung\w*|auftrag\w*|vertrag\w*|sendung\w*|paket\w*|buchung\w*|vorgang\w*|"
    r"aktenzeichen|referenz\w*|lieferschein\w*|bestelling\w*|bestel\w*|factuur\w*|"
    r"ordernummer|ordrenummer|ordre|zending\w*|pakket\w*|boeking\w*|referentie\w*|"
    r"faktura\w*|bestilling\w*|beställning\w*|bokning\w*|forsendelse\w*|försändelse\w*|"
    # French, Spanish, Portuguese, Italian
    r"commande|facture|contrat|suivi|colis|réservation|dossier|référence|réf|billet|envoi|"
    r"pedido|factura|fatura|fattura|contrato|contratto|seguimiento|rastreio|rastreamento|"
    r"env[ií]o|spedizione|paquete|pacote|pacco|reserva|prenotazione|referencia|referência|"
    r"riferimento|rif|expediente|pratica|caso|albarán|localizador|protocolo|ordine|encomenda|"
    # Polish, Czech, Russian, Turkish, Indonesian
    r"zamówieni\w*|faktur\w*|umow\w*|przesyłk\w*|paczk\w*|zgłoszeni\w*|rezerwacj\w*|"
    r"objednáv\w*|zásilk\w*|заказ\w*|сч[её]т\w*|договор\w*|посылк\w*|отправлени\w*|трек\w*|"
    r"накладн\w*|квитанци\w*|брон\w*|заявк\w*|обращени\w*|sipariş\w*|fatura\w*|kargo|"
    r"takip|resi|pesanan|tagihan|kiriman|"
    r"#|№"
)
# Labels of a person's own numbers (cards, accounts, national IDs). Such a number is personal
# data whatever it is called, and the phone reading is the only one some of them get (a card
# of an unlisted scheme), so the label rules out only a bare run of digits.
_PERSONAL_LABEL = (
    r"id|account|acct|iban|card|ssn|bsn|nir|dni|tax|steuer|"
    r"(?:customer|member|client|kunden|klant|cliente)\W?(?:number|no|nr|id|nummer|número)|"
    r"konto\w*|rekening\w*|compte|cuenta|conto"
)
# The cues as one pattern, phone words first so "caller id" is one phone cue.
_CUE = re.compile(
    rf"(?i)(?<!\w)(?:(?P<phone>{_PHONE_CUE})|(?P<label>{_IDENTIFIER_LABEL})|"
    rf"(?P<personal>{_PERSONAL_LABEL}))(?!\w)"
)
# What may stand between a label and its number: number words, "is", articles, punctuation.
_LABEL_GAP = re.compile(
    r"(?i)(?:[\s:#№°º=.\-–—()'\"\[\]]|(?<!\w)(?:numbers?|no|nos|nr|nro|num|n|nº|n°|id|code|is|"
    r"was|ist|lautet|est|es|é|è|er|är|de|du|des|do|da|di|del|della|van|het|the|your|our|"
    r"votre|ihre|nummer|numer|numero|número|numéro|номер|nomor|for|of)(?!\w)"
    # a carrier's or system's code: "resi JNE 0123 4567 8901", "tracking (DHL): ..."
    r"|(?<!\w)(?-i:[A-Z]{2,5})(?!\w))*"
)
# Between a phone word and a label it serves: "Hotline für Bestellungen", "phone for orders".
_FOR = re.compile(
    r"(?i)\W*(?:number\W+|nummer\W+|line\W+)?(?:zur|zum|für|for|voor|för|pour|para|per|de|du|"
    r"del|della|для)(?:\s+(?:the|your|die|den|le|la|les|el|il|votre|ihre))?\W*"
)
_CUE_WINDOW = 40
_LEADING_BLOCKS = re.compile(r"(?<!\w)(?:\d{1,5}[ -])+$")
# Shapes of numbers that are not phone numbers whatever their digits.
_DECIMAL = re.compile(r"\d+\.\d+")  # kernel uptimes "[48213.552]", measurements
_RESOLUTION = re.compile(r"\d{3,5}\s?[x×]\s?\d{3,5}", re.IGNORECASE)  # 1366x768
# A version has a one-digit part after the first ("125.0.6422.142"); phones split in pairs or more.
_VERSION = re.compile(r"\d+(?:\.\d+)*\.\d(?:\.\d+)+|\d+(?:\.\d+)+\.\d")
# An amount in thousands groups next to its currency ("48.500.000 VND", "€ 1,250,000").
_AMOUNT = re.compile(r"\d{1,3}(?:([.,])\d{3})(?:\1\d{3})+")
_CURRENCY_AFTER = re.compile(r"\s?(?:[A-Z]{3}\b|[€$£¥₫₹₽]|đ)")
_CURRENCY_BEFORE = re.compile(r"(?:\b[A-Z]{3}|[€$£¥₫₹₽])\s?$")
# Shapes told by what stands before them: an ISO 6346 container code's serial ("MSKU 441827-3")
# and the status and size of an access-log line ('"GET / HTTP/2.0" 200 8431').
_CODE_BEFORE = re.compile(r"(?:\b[A-Z]{3}[UJZ] ?|HTTP/\d(?:\.\d)?\"? )$")
# Overridden by a phone word: a Unix time in seconds (2001-2033) or milliseconds, a year then a
# serial (2024/118, 2024-0551) or a serial then a year (118/2024).
_EPOCH = re.compile(r"1\d{9}|1\d{12}")
_YEAR_SERIAL = re.compile(r"(?:19|20)\d{2}[-/]\d{2,7}|\d{1,7}/(?:19|20)\d{2}")


class PhoneNumberRecognizer(LocalRecognizer):
    """Phone numbers of the configured regions (and any number written with a ``+`` prefix)."""

    name: str  # set by Presidio's unannotated __init__; typed here for mypy
    ENTITY = "PHONE_NUMBER"
    VALID_SCORE = 0.75
    POSSIBLE_SCORE = 0.5
    CONTEXT = ("phone", "telephone", "tel", "mobile", "cell", "call", "fax", "number", "contact")
    CONTEXT_WINDOW = 40

    def __init__(
        self, regions: Sequence[str] = DEFAULT_REGIONS, supported_language: str = "en"
    ) -> None:
        self.regions = _one_region_per_calling_code(regions)
        super().__init__(
            supported_entities=[self.ENTITY],
            supported_language=supported_language,
            context=list(self.CONTEXT),
        )

    def load(self) -> None:
        """Nothing to load."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """Return the accepted phone numbers of ``text``."""
        found: dict[tuple[int, int], float] = {}
        if digit_count(text) < 7:
            return []  # the matcher is the costliest recognizer; most texts hold no number
        windows = _windows(text)
        for index, region in enumerate(self.regions):
            for window_start, window_end, runs in windows:
                if all(any(a <= ra and rb <= b for a, b in found) for ra, rb in runs):
                    continue  # an earlier region took every number of this stretch
                if index and all(text[ra] == "+" for ra, _ in runs):
                    continue  # a number with its country code reads the same in every region
                self._match_window(text, window_start, window_end, region, found)
        results = [self._result(start, end, score) for (start, end), score in found.items()]
        return _longest_first(results)

    def _match_window(self, text: str, window_start: int, window_end: int, region: str,
                      found: dict[tuple[int, int], float]) -> None:
        """Run the matcher over ``text[window_start:window_end]`` and keep what passes."""
        window = text[window_start:window_end]
        for match in phonenumbers.PhoneNumberMatcher(window, region, leniency=Leniency.POSSIBLE):
            start, end = match.start + window_start, match.end + window_start
            if (start, end) in found or not self._plausible(text, start, end):
                continue
            if self._introduced_as_something_else(text, start, end):
                continue
            valid = phonenumbers.is_valid_number(match.number)
            if not valid and not self._formatted(text, start, end):
                continue
            found[(start, end)] = self.VALID_SCORE if valid else self.POSSIBLE_SCORE

    def _plausible(self, text: str, start: int, end: int) -> bool:
        raw = text[start:end]
        before = text[start - 1] if start > 0 else " "
        after = text[end] if end < len(text) else " "
        # A letter of a script written without spaces (Han, kana, Hangul, Thai) is a word
        # boundary: "电话139 1672 4408", "ありましたら080-5521-3096までご連絡".
        if (before.isalnum() and not _UNSPACED.match(before) or before in "_/#"
                or after.isalnum() and not _UNSPACED.match(after) or after in "_"):
            return False
        if before == "-" and start > 1 and text[start - 2].isalnum():
            return False  # the tail of an identifier such as ORD-2024031512345
        stripped = raw.strip()
        # The matcher takes the bracket of "[48213.552]" or "[2024-05-20" as an opening one.
        bare = stripped.strip("[]() ")
        if _DATE_SHAPE.fullmatch(bare) or _IPV4_SHAPE.fullmatch(stripped):
            return False
        if any(shape.fullmatch(bare) for shape in (_DECIMAL, _RESOLUTION, _VERSION)):
            return False
        if _AMOUNT.fullmatch(bare) and (
            _CURRENCY_AFTER.match(text, end) or _CURRENCY_BEFORE.search(text[:start])
        ):
            return False
        if _CODE_BEFORE.search(text[max(0, start - 12) : start]):
            return False
        window = text[max(0, start - self.CONTEXT_WINDOW) : start]
        if _SSN_SHAPE.fullmatch(stripped) and _SSN_WORDS.search(window):
            return False
        return sum(ch.isdigit() for ch in raw) >= 7

    def _formatted(self, text: str, start: int, end: int) -> bool:
        """Written like a phone number (separators, +, brackets) or with a phone word before."""
        if _FORMATTED.search(text[start:end].strip()):
            return True
        return bool(_PHONE_WORDS.search(text[max(0, start - self.CONTEXT_WINDOW) : start]))

    @staticmethod
    def _introduced_as_something_else(text: str, start: int, end: int) -> bool:
        """A label right before the number (``order``, ``Rechnung Nr.``) or the shape of a
        timestamp or year-serial, and no phone word introducing it."""
        # The matcher also offers the tail of a number written in blocks ("4567 8901" of
        # "resi 0123 4567 8901"): its label stands before the first block.
        blocks = _LEADING_BLOCKS.search(text, max(0, start - _CUE_WINDOW), start)
        label_end = blocks.start() if blocks else start
        window = text[max(0, label_end - _CUE_WINDOW) : label_end]
        # Only words since the previous digit: in "Tel 030 901820, order 48213377" the phone
        # word belongs to the first number.
        last_digit = max((i for i, ch in enumerate(window) if ch.isdigit()), default=-1)
        window = window[last_digit + 1 :]
        cues = list(_CUE.finditer(window))
        if cues and cues[-1].group("phone"):
            return False
        if len(cues) > 1 and cues[-2].group("phone") and _FOR.fullmatch(
            window, cues[-2].end(), cues[-1].start()
        ):
            return False  # "Telefonnummer zur Bestellung: ...", "phone line for orders: ..."
        stripped = text[start:end].strip()
        if cues and not stripped.startswith("+") and _LABEL_GAP.fullmatch(window, cues[-1].end()):
            if cues[-1].group("label") or stripped.isdigit():
                return True
        return bool(_EPOCH.fullmatch(stripped) or _YEAR_SERIAL.fullmatch(stripped))

    def _result(self, start: int, end: int, score: float) -> RecognizerResult:
        return RecognizerResult(
            entity_type=self.ENTITY,
            start=start,
            end=end,
            score=score,
            analysis_explanation=AnalysisExplanation(
                recognizer=str(self.name),
                original_score=score,
                textual_explanation="phone number (phonenumbers)",
            ),
            recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: str(self.name),
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
            },
        )


# Where a phone number can be: a run of digits and separators holding at least 7 digits. The
# matcher runs on these stretches (with a margin, so it sees the characters around a number and
# an extension after it) instead of the whole text, once per region: its cost grows with the
# length of the text it scans, and most of a text is words.
_DIGIT_RUN = re.compile(r"[+(]?\d[\d \t().\-/]*\d")
_WINDOW_MARGIN = 16


def _windows(text: str) -> list[tuple[int, int, list[tuple[int, int]]]]:
    """Merged stretches of ``text`` around digit runs that could hold a phone number, each with
    its runs (stripped of the separators a number does not end with)."""
    windows: list[tuple[int, int, list[tuple[int, int]]]] = []
    for match in _DIGIT_RUN.finditer(text):
        if sum(ch.isdigit() for ch in match.group()) < 7:
            continue
        run = (match.start() + (match.group()[0] in "+("), match.end())
        start = max(0, match.start() - _WINDOW_MARGIN)
        end = min(len(text), match.end() + _WINDOW_MARGIN)
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], end, [*windows[-1][2], run])
        else:
            windows.append((start, end, [run]))
    return windows


def _one_region_per_calling_code(regions: Sequence[str]) -> tuple[str, ...]:
    """Regions that share a calling code (US and CA: +1) parse national numbers alike, and the
    matcher is the costliest recognizer: scan once per calling code, not once per region."""
    seen: set[int] = set()
    kept: list[str] = []
    for region in regions:
        code = phonenumbers.country_code_for_region(region)
        if code not in seen:
            seen.add(code)
            kept.append(region)
    return tuple(kept)


def _longest_first(results: list[RecognizerResult]) -> list[RecognizerResult]:
    ordered = sorted(results, key=lambda r: (r.start, -r.end))
    kept: list[RecognizerResult] = []
    for result in ordered:
        if kept and result.start < kept[-1].end:
            continue
        kept.append(result)
    return kept
