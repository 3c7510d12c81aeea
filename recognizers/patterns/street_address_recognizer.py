"""Street addresses in US, UK and German styles, with an optional unit, city, state and ZIP.

US / UK: a house number, one to four capitalized name words and a street suffix
(``1600 Pennsylvania Avenue NW``, ``221B Baker Street``, ``12 Elm Rd.``), then optionally a unit
(``Apt 4``, ``Suite 200``, ``Flat 3``) and ``, City, ST 12345``. The suffixes are USPS street
suffixes; the common ones (Street, Avenue, Road, ...) are enough on their own, the rare ones that
are also ordinary words (Pass, Key, Union, Mall, ...) count only when a unit or a city follows or
an address word (``address``, ``ship to``, ``live at``, ...) is near.

German: ``Musterstraße 12a``, ``Hauptstr. 5``, ``Am Ring 3`` style names ending in a street
word, then the number.

A street type written apart, in lower case, after the name (Nordic, Baltic, Finnish, Hungarian,
Turkish, Czech): ``Thorvald Meyers gate 51B``, ``Tartu mnt 63-18``, ``Pozsonyi út 38``.

Colombian grid (nomenclatura): ``Carrera 7 # 71-21, Torre B, Apto 902``, ``Calle 26 Sur No. 68C-61``.

Armenian: ``գ. Հարթագյուղ, Սյունիքի մարզ, 3912, Ծատուրյան 2``, ``ք. Շամլուղ, Օստրովսկու 7``.

Azerbaijani: district, village or settlement, then the street and its type word, then building
and flat, each part but the street optional: ``Ağdam rayonu, Kolayir k., HEYDƏR ƏLİYEV küç.``,
``Gəncə şəhəri, 22-Cİ DAĞLIQ prospekti, b. 2, m. 55`` (no house number needed).
"""

from __future__ import annotations

import re

import regex
from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from recognizers.base import RegexRecognizer
from recognizers.patterns.common_words import common_words
from recognizers.prefilter import WordGate

COMMON_SUFFIXES = (
    "Street|St|Avenue|Ave|Av|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Place|Pl|Way|"
    "Terrace|Ter|Circle|Cir|Parkway|Pkwy|Highway|Hwy|Square|Sq|Trail|Trl|Crescent|Cres|Close|"
    "Gardens|Grove|Mews|Row|Walk|Hill|Heights|Plaza|Alley|Expressway|Freeway|Turnpike|Crossing|"
    "Xing|Loop|Path|Pike|Green|Park|Rise|Vale|Wharf|Embankment"
)
RARE_SUFFIXES = (
    "Branch|Bridge|Brook|Brooks|Burg|Burgs|Bypass|Camp|Canyon|Cape|Causeway|Center|Centers|"
    "Circles|Cliff|Cliffs|Club|Common|Commons|Corner|Corners|Course|Courts|Cove|Coves|Creek|"
    "Crest|Crossroad|Curve|Dale|Dam|Divide|Drives|Estate|Estates|Extension|Extensions|Fall|"
    "Falls|Ferry|Field|Fields|Flat|Flats|Ford|Fords|Forest|Forge|Forges|Fork|Forks|Fort|Garden|"
    "Gateway|Glen|Glens|Greens|Groves|Harbor|Harbors|Haven|Hills|Hollow|Inlet|Island|Islands|"
    "Isle|Junction|Junctions|Key|Keys|Knoll|Knolls|Lake|Lakes|Land|Landing|Light|Lights|Loaf|"
    "Lock|Locks|Lodge|Mall|Manor|Manors|Meadow|Meadows|Mill|Mills|Mission|Motorway|Mount|"
    "Mountain|Mountains|Neck|Orchard|Oval|Overpass|Parks|Parkways|Pass|Passage|Pine|Pines|"
    "Plain|Plains|Point|Points|Port|Ports|Prairie|Radial|Ramp|Ranch|Rapid|Rapids|Rest|Ridge|"
    "Ridges|River|Roads|Route|Rue|Run|Shoal|Shoals|Shore|Shores|Skyway|Spring|Springs|Spur|"
    "Spurs|Squares|Station|Stravenue|Stream|Streets|Summit|Throughway|Trace|Track|Trafficway|"
    "Trailer|Tunnel|Underpass|Union|Unions|Valley|Valleys|Via|Viaduct|View|Views|Village|"
    "Villages|Ville|Vista|Wall|Ways|Well|Wells"
)
_NAME = r"(?:[A-Z][A-Za-z'’.-]*|\d{1,3}(?:st|nd|rd|th))"
_DIRECTION = r"(?:\s+(?:N|S|E|W|NE|NW|SE|SW)\.?(?![\w]))?"
_UNIT = (
    r"(?:,?\s+(?:Apt|Apartment|Suite|Ste|Unit|Flat|Floor|Fl|Room|Rm|Building|Bldg|#)\.?\s*"
    r"#?[A-Za-z0-9-]{1,6}(?![\w]))"
)
_CITY_TAIL = (
    r"(?:(?:,\s*|\s*\n\s*)(?:[A-Z][A-Za-z'.-]+\s?){1,3},?\s+[A-Z]{2}\s+\d{5}(?:-\d{4})?"
    r"(?![\w]))"
)
_UK_TAIL = r"(?:(?:,\s*|\s*\n\s*)(?:[A-Z][A-Za-z'.-]+\s?){1,3},?\s+[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}(?![\w]))"


def _street(suffixes: str) -> str:
    return (
        r"(?<![\w-])\d{1,6}[A-Za-z]?(?:-\d{1,4})?,?\s+" + _DIRECTION.replace(r"(?:\s+", r"(?:")
        + r"(?:" + _NAME + r"\s+){1,4}(?:" + suffixes + r")\.?(?![\w'’-])" + _DIRECTION
    )


# Also the Dutch and Nordic compounds (``Kerkstraat 12``, ``Storgatan 14 B``, ``Østervej 5``),
# names joined by hyphens (``H.-Dieter-Faust-Straße 18``, ``Katja-Rädel-Ring 94``) and house
# number ranges (``6-8``, ``86/51``).
# The street word ends the name: the name is read as one word and the ending checked behind it
# (trying every ending at every letter of every capitalized word costs more).
_GLUED_SUFFIXES = (
    "straße|strasse|weg|allee|platz|gasse|ring|damm|ufer|chaussee|steig|straat|laan|plein|gracht|"
    "kade|singel|dijk|dreef|steeg|gatan|vägen|gränd|stigen|torget|backen|vej|vejen|veien|vegen|stræde|gata"
)
_GERMAN = (
    r"(?<![\w-])(?:(?:Am|An der|Auf dem|Im|Zum|Zur)\s+)?(?:[A-ZÄÖÜ]\.-)?[A-ZÄÖÜÅØÆ][a-zäöüßåøæé]++"
    r"(?:-[A-ZÄÖÜ][a-zäöüß]++)*+"
    rf"(?:(?<=\p{{Ll}}(?:{_GLUED_SUFFIXES}))|(?<=\p{{Ll}}str)\.|"
    r"(?<=-(?:Straße|Allee|Weg|Platz|Ring|Gasse|Damm|Ufer|Steig))| (?:Straße|Allee|Weg|Platz|Allé)|"
    # "-gade" ends English words too (Brigade, Arcade): only with a Danish postcode and town after.
    r"(?<=\p{Ll}gade)(?=\s+\d{1,4}\s?[A-Za-z]?,?\s+\d{4}\s+\p{Lu}))"
    # Austrian stairs and doors after the house: "Mariahilfer Straße 117/3/22"
    r"\s+\d{1,4}\s?[a-zA-Z]?(?:[-/]\d{1,4}[a-z]?){0,2}(?![\w])"
)
# Colombian grid addresses, also written in Venezuela and Ecuador: the street, its number, then
# "#" or "No." and the crossing street and the distance from it ("Carrera 7 # 71-21",
# "Calle 26 Sur No. 68C-61", "Av. Calle 80 # 69Q-50"), with towers, flats and offices after.
_GRID = (
    r"(?<![\w-])(?i:calle|cl|cll|carrera|cra|kra|kr|cr|(?:avenida|av|ak|ac)\.?(?:\s+(?:calle|carrera|cra|cl))?|"
    r"diagonal|dg|transversal|tv|tr|circular|autopista)\.?\s+\d{1,3}[ªº°]?\s?[A-Za-z]?(?:\s?bis)?"
    r"(?:\s(?i:sur|norte|este|oeste))?\s*(?:#|(?i:no|n[°º]|nro|número)\.?)\s*\d{1,3}\s?[A-Za-z]?"
    r"(?:\s?bis)?(?:\s?(?i:sur|norte|este|oeste))?\s*-\s*\d{1,3}[A-Za-z]?(?:\s(?i:sur|este))?"
    r"(?:,?\s+(?i:torre|int|interior|apto|apartamento|apt|casa|bloque|bl|piso|oficina|of|local|"
    r"consultorio|etapa|manzana|mz|lote|edificio|edif|bodega)\.?\s*[A-Za-z0-9-]{1,6}(?![\w])){0,3}"
)
# Azerbaijani addresses: the street type comes after the name and the house number may be absent.
_AZ_WORD = r"[\p{Lu}\d][\p{L}\d'’.-]*"
_AZ_STREET_TYPES = ("küçəsi", "küç.", "prospekti", "pr.", "dalanı", "döngəsi", "şossesi",
                    "bulvarı", "meydanı")
_AZ = (
    rf"(?<![\w-])(?:{_AZ_WORD}(?:\s{_AZ_WORD})?\s(?i:rayonu|ray\.|şəhəri|şəh\.),\s*)?"
    rf"(?:{_AZ_WORD}(?:\s[\p{{L}}'’-]+){{0,2}}\s(?i:kəndi|k\.|qəsəbəsi|qəs\.),\s*)?"
    rf"{_AZ_WORD}(?:\s{_AZ_WORD}){{0,3}}\s(?i:küçəsi|küç\.|prospekti|pr\.|dalanı|döngəsi|"
    r"şossesi|bulvarı|meydanı)(?:,?\s*b\.\s*\d{1,4}\p{L}?)?(?:,?\s*m\.\s*\d{1,4})?(?![\w])"
)
_AZ_GATE = WordGate(_AZ_STREET_TYPES, whole_word=True)
# Armenian: town (ք.) or village (գ.), region (մարզ), postcode, then street and number, flat
# (բն.); one part before the street at least, which a bare "word number" would not have.
_HY_WORD = r"\p{Armenian}[\p{Armenian}'’-]*"
_HY = (
    rf"(?<![\w-])(?=[քգ]\.|{_HY_WORD}(?:\s{_HY_WORD})?\s+մարզ)"
    rf"(?:[քգ]\.\s*{_HY_WORD}(?:[ -]{_HY_WORD})?,\s*)?"
    rf"(?:{_HY_WORD}(?:\s{_HY_WORD})?\s+մարզ,\s*)?(?:\d{{4}},\s*)?"
    rf"{_HY_WORD}(?:\s{_HY_WORD}){{0,2}}\s\d{{1,4}}\p{{Armenian}}?(?:,\s*(?:բն|տ)\.\s*\d{{1,4}})?(?![\w])"
)
_ARMENIAN = regex.compile(r"\p{Armenian}")
_BARE_PR = regex.compile(r"\bpr\.$")
_ADDRESS_WORDS = regex.compile(
    r"\b(?:address|addr|ship(?:ping|ped)?|deliver(?:y|ed)?|live[sd]?|living|moved?|located|"
    r"resides?|residence|street|send|mail(?:ing)?|home|office|at|to)\b",
    regex.IGNORECASE,
)


# Shipping labels and forms in capitals: "1207 W 4TH ST UNIT 3\nDULUTH MN 55806", "PO BOX 4418,
# SANTA FE NM 87502". The common suffixes only, upper case throughout.
_UPPER_SUFFIXES = COMMON_SUFFIXES.upper()
_UPPER_NAME = r"(?:[A-Z][A-Z'’.-]*|\d{1,3}(?:ST|ND|RD|TH))"
_UPPER_CITY_TAIL = (
    r"(?:(?:,\s*|\s*\n\s*)(?:[A-Z][A-Z'.-]+\s?){1,3},?\s+[A-Z]{2}\s+\d{5}(?:-\d{4})?(?![\w]))"
)
_UPPER = (
    r"(?<![\w-])\d{1,6}[A-Z]?(?:-\d{1,4})?,?\s+(?:(?:N|S|E|W|NE|NW|SE|SW)\.?\s+)?"
    rf"(?:{_UPPER_NAME}\s+){{1,4}}(?:{_UPPER_SUFFIXES})\.?(?![\w'’-])"
    r"(?:\s+(?:N|S|E|W|NE|NW|SE|SW)\.?(?![\w]))?"
    r"(?:,?\s+(?:APT|APARTMENT|SUITE|STE|UNIT|FLAT|FLOOR|FL|ROOM|RM|BLDG|#)\.?\s*#?[A-Z0-9-]{1,6}(?![\w]))?"
    rf"{_UPPER_CITY_TAIL}?"
)
_UPPER_GATE = re.compile(rf"\b(?:{_UPPER_SUFFIXES})\b")
# A post-office box, with the town after it when written so ("P.O. Box 4418, Santa Fe, NM 87502").
_PO_BOX = (
    # a rural route's box too: "RR 2 BOX 148", "HC 65 Box 12"
    r"(?<![\w])(?:(?:RR|R\.R\.|Rural Route|HC)\s?\d{1,3},?\s+(?:Box|BOX)|"
    r"P\.?\s?O\.?\s?(?:Box|BOX)|(?i:post\s+office\s+box|postfach|apartado(?:\s+postal)?|"
    r"caixa\s+postal|casilla))\s+\d{1,8}(?![\w])"
    rf"(?:{_UPPER_CITY_TAIL}|{_CITY_TAIL})?"
)
_PO_BOX_GATE = WordGate(["box", "postfach", "apartado", "caixa postal", "casilla"])


# A street-type word written apart and in lower case after the name, then the house number:
# Nordic, Baltic, Finnish, Hungarian, Turkish and Czech ("Thorvald Meyers gate 51B", "Tartu mnt
# 63-18", "Gedimino pr. 9", "Pozsonyi út 38", "Atatürk cad. 12", "Vinohradská třída 4").
_TYPES_AFTER = (
    "gate|gata|gatan|vej|vei|veien|väg|vägen|katu|tie|mnt|maantee|tn|tänav|pst|puiestee|iela|"
    "gatvė|g\\.|pr\\.|prospektas|út|utca|u\\.|tér|körút|krt\\.|sokak|sok\\.|cadde|cad\\.|"
    "caddesi|bulvarı|ulice|náměstí|nám\\.|třída|tř\\."
)
_TYPE_AFTER = (
    r"(?<![\w-])\p{Lu}[\p{L}\p{M}'’-]+(?:[ \t]+\p{Lu}[\p{L}\p{M}'’-]+){0,2}[ \t]+"
    rf"(?:{_TYPES_AFTER})(?:(?<=\.)[ \t]*|[ \t]+)\d{{1,4}}[A-Za-z]?(?:[-/]\d{{1,4}}[A-Za-z]?)?(?![\w])"
)
_TYPE_AFTER_RE = regex.compile(_TYPE_AFTER)
_TYPE_AFTER_GATE = regex.compile(rf"[ \t](?:{_TYPES_AFTER})[ \t]*\d")


class StreetAddressRecognizer(RegexRecognizer):
    """Street addresses (see the module docstring for the accepted shapes)."""

    ENTITY = "STREET_ADDRESS"
    PATTERNS = (
        ("common", _street(COMMON_SUFFIXES) + _UNIT + "?" + f"(?:{_CITY_TAIL}|{_UK_TAIL})?", 0.7),
        ("rare_with_tail", _street(RARE_SUFFIXES) + f"(?:{_UNIT}|{_CITY_TAIL}|{_UK_TAIL})"
         + f"(?:{_CITY_TAIL}|{_UK_TAIL})?", 0.65),
        ("rare", _street(RARE_SUFFIXES) + _UNIT + "?", 0.55),
        ("german", _GERMAN, 0.6),
        ("grid", _GRID, 0.7),
        ("az", _AZ, 0.6),
        ("hy", _HY, 0.6),
        ("upper", _UPPER, 0.7),
        ("po_box", _PO_BOX, 0.7),
        ("type_after", _TYPE_AFTER, 0.6),
    )
    PATTERN_GATES = {"az": _AZ_GATE, "hy": _ARMENIAN, "upper": _UPPER_GATE,
                     "po_box": _PO_BOX_GATE, "type_after": _TYPE_AFTER_GATE}
    CONTEXT = ("address", "street", "ship", "deliver", "live", "resides")
    CONTEXT_PATTERNS = frozenset({"rare"})
    CONTEXT_WINDOW = 25

    def has_context(self, text: str, start: int, end: int) -> bool:
        """An address word shortly before the match."""
        return bool(_ADDRESS_WORDS.search(text[max(0, start - self.CONTEXT_WINDOW) : start]))

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """Addresses; a match never spans more than two lines."""
        if not any(ch.isdigit() for ch in text) and not _AZ_GATE.search(text):
            return []  # every shape but the Azerbaijani one holds a digit
        return super().analyze(text, entities, nlp_artifacts)

    def validate(self, value: str) -> bool | None:
        """``pr.`` alone is too common an abbreviation: it needs a district, village or
        building number with it; a name before a street type after it is no common word."""
        if _BARE_PR.search(value) and "," not in value:
            return False
        # "The gate 4", "Open Gate 12": a street's name is no common word.
        if _TYPE_AFTER_RE.fullmatch(value) and value.split()[0].casefold() in common_words():
            return False
        return None


