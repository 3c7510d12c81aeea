"""The personal columns of a table pasted into text: CSV, semicolon or tab separated, or
Markdown.

People paste exports into tickets and model prompts ("here is the extract: nom;prenom;email ...",
"first,last,email,phone,zip,dl_number"). A cell has nothing around it that says what it is (no
cue, no sentence): a model reads ``Martin;Élodie;elodie.martin@...`` badly, and a bare
``94110`` or ``D4827391`` is a postcode or a licence number only because the header says so.
When a line holds two or more cells split by one delimiter and one of them is a column key of a
personal type (``COLUMN_KEYS``: ``name``, ``first``, ``nom``, ``cognome``, ``Nachname`` for
names; ``zip``, ``plz``, ``cep`` for postcodes; ``dob``, ``address``, ``ssn``, ``cf``,
``dl_number``, ``passport``, ``member_id`` ...), the cells of that column in the rows below it
(same delimiter, the same number of cells, up to a blank line) are reported with that type.
Quoted cells with the delimiter inside them are not split correctly by this simple reading, so
a row holding a quote is skipped.
"""

from __future__ import annotations

import re
from typing import ClassVar

from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from spacy.lang.en.stop_words import STOP_WORDS

from recognizers.base import RegexRecognizer
from recognizers.prefilter import WordGate

# Header cells of a column that holds people's names (compared casefolded, with spaces, dashes
# and underscores removed). Not "username" or "company name": those are other columns.
NAME_KEYS: frozenset[str] = frozenset(
    ["name", "names", "fullname", "first", "last", "firstname", "lastname", "givenname",
     "familyname", "surname", "forename", "middlename", "customer", "customername", "client",
     "clientname", "contact", "contactname", "holder", "cardholder", "accountholder",
     "recipient", "employee", "employeename", "patient", "patientname", "member", "membername",
     "nom", "prenom", "prénom", "nomcomplet", "nome", "cognome", "nomecompleto", "sobrenome",
     "nombre", "apellido", "apellidos", "nombrecompleto", "vorname", "nachname", "familienname",
     "voornaam", "achternaam", "imię", "imie", "nazwisko", "förnamn", "efternamn", "fornavn",
     "etternavn", "efternavn", "etunimi", "sukunimi", "jméno", "příjmení", "soyad", "soyadı",
     "nama", "tên", "họtên", "姓名", "名前", "氏名", "이름", "имя", "фамилия", "фио", "naam",
     "volledigenaam", "navn", "namn", "nimi", "jmeno", "adsoyad", "isim", "név"]
)
# Header cells of the other personal columns, written like NAME_KEYS.
COLUMN_KEYS: dict[str, frozenset[str]] = {
    "PERSON": NAME_KEYS,
    "POSTCODE": frozenset(
        ["zip", "zipcode", "postcode", "postalcode", "postal", "plz", "postleitzahl", "cp",
         "cap", "cep", "codigopostal", "códigopostal", "codepostal", "postnummer", "postnr",
         "kodpocztowy", "pincode", "irányítószám", "psč"]),
    "PHONE_NUMBER": frozenset(
        ["phone", "phonenumber", "tel", "telephone", "mobile", "mobilephone", "cell",
         "cellphone", "cellulare", "telefono", "teléfono", "telefone", "telefon", "telefoon",
         "téléphone", "handy", "portable", "celular", "gsm", "whatsapp", "móvil", "movil"]),
    "DATE_OF_BIRTH": frozenset(
        ["dob", "birthdate", "dateofbirth", "birthday", "geburtsdatum", "fechanacimiento",
         "fechadenacimiento", "datanascita", "datadinascita", "datedenaissance",
         "datanascimento", "datadenascimento", "geboortedatum", "födelsedatum", "fødselsdato",
         "dataurodzenia", "doğumtarihi"]),
    "STREET_ADDRESS": frozenset(
        ["address", "streetaddress", "street", "address1", "address2", "addressline1",
         "addressline2", "addr", "adresse", "anschrift", "strasse", "straße", "direccion",
         "dirección", "domicilio", "indirizzo", "endereco", "endereço", "morada", "adres",
         "adress", "osoite", "ulica", "shippingaddress", "billingaddress", "homeaddress"]),
    "NATIONAL_ID": frozenset(
        ["ssn", "socialsecuritynumber", "nationalid", "nin", "nino", "cf", "codicefiscale",
         "nif", "nie", "dni", "cpf", "rut", "curp", "bsn", "pesel", "personnummer", "cpr",
         "hetu", "taxid", "tin", "steuerid", "aadhaar", "nric", "sin", "ppsn", "nir", "cnp",
         "egn", "oib", "emso", "amka", "tckn", "tckimlikno", "idnumber", "idno"]),
    "DRIVER_LICENSE": frozenset(
        ["dl", "dlnumber", "dlno", "dlnum", "driverlicense", "driverslicense",
         "driverlicence", "driverslicence", "licensenumber", "licencenumber", "licenseno",
         "führerschein", "führerscheinnummer", "permis", "permisdeconduire", "carnet",
         "patente", "rijbewijs", "körkort", "kørekort", "førerkort"]),
    "PASSPORT": frozenset(
        ["passport", "passportnumber", "passportno", "passnummer", "reisepass", "pasaporte",
         "passaporto", "passaporte", "paszport", "passeport"]),
    "ACCOUNT_NUMBER": frozenset(
        ["account", "accountnumber", "accountno", "acct", "acctno", "memberid",
         "membernumber", "memberno", "customerid", "customernumber", "customerno",
         "policynumber", "policyno", "kontonummer", "kundennummer", "clientid", "klantnummer",
         "klantnr", "kundennr", "numerocliente", "numeroclient", "lidnummer"]),
    "USERNAME": frozenset(["username", "userid", "login", "handle", "screenname", "nickname"]),
}
_DELIMITERS = (",", ";", "\t", "|")
# A header cell: one to three words of a column name ("First Name", "dl_number").
_CELL = re.compile(r"[\w'’.-]{1,30}(?: [\w'’.-]{1,30}){0,2}")
_SEPARATOR_ROW = re.compile(r"^[\s|:-]+$")  # a Markdown table's |---|---| line
_LETTER = re.compile(r"[^\W\d_]")


def _key(cell: str) -> str:
    return re.sub(r"[\s_-]+", "", cell.strip().strip('"').casefold())


def _cells(line: str, delimiter: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each cell of ``line``, stripped (Markdown's outer pipes dropped)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for index, char in enumerate([*line, delimiter]):
        if char == delimiter:
            spans.append((start, index))
            start = index + 1
    if delimiter == "|":
        if spans and not line[spans[0][0]:spans[0][1]].strip():
            spans = spans[1:]
        if spans and not line[spans[-1][0]:spans[-1][1]].strip():
            spans = spans[:-1]
    stripped = []
    for a, b in spans:
        cell = line[a:b]
        lead = len(cell) - len(cell.lstrip())
        stripped.append((a + lead, a + lead + len(cell.strip())))
    return stripped


class TableColumnRecognizer(RegexRecognizer):
    """The cells of a pasted table's personal columns, typed by their header (see the module
    docstring)."""

    ENTITY = "PERSON"
    SCORE: ClassVar[float] = 0.85
    # A header holds one of the column keys (as words, so also "first_name", "Nachname").
    GATE_WORDS = WordGate(sorted({key for keys in COLUMN_KEYS.values() for key in keys}))
    MAX_ROWS: ClassVar[int] = 500

    def __init__(self, supported_language: str = "en", name: str | None = None,
                 entities: tuple[str, ...] | None = None) -> None:
        super().__init__(supported_language, name)
        # Settings limited to some types build it for those only.
        self.supported_entities = [entity for entity in COLUMN_KEYS
                                   if entities is None or entity in entities]

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """A result of its column's type for every non-empty cell of a personal column (of the
        types in ``entities``)."""
        results: list[RecognizerResult] = []
        if not self.may_match(text) or not any(d in text for d in _DELIMITERS):
            return results
        wanted = {entity: COLUMN_KEYS[entity] for entity in self.supported_entities
                  if not entities or entity in entities}
        lines = []
        offset = 0
        for line in text.split("\n"):
            lines.append((offset, line))
            offset += len(line) + 1
        index = 0
        while index < len(lines):
            header = self._header(lines[index][1], wanted)
            if header is None:
                index += 1
                continue
            delimiter, width, columns = header
            index += 1
            rows = 0
            while index < len(lines) and rows < self.MAX_ROWS:
                start, line = lines[index]
                if not line.strip():
                    break
                if delimiter == "|" and _SEPARATOR_ROW.match(line):
                    index += 1
                    continue
                cells = _cells(line, delimiter)
                if len(cells) != width or '"' in line:
                    break
                for column, entity in columns:
                    a, b = cells[column]
                    value = line[a:b]
                    if _fits(entity, value):
                        result = self._result(start + a, start + b, self.SCORE, "column")
                        result.entity_type = entity
                        results.append(result)
                index += 1
                rows += 1
        return results

    @staticmethod
    def _header(line: str, wanted: dict[str, frozenset[str]]
                ) -> tuple[str, int, list[tuple[int, str]]] | None:
        """(delimiter, number of cells, (index, type) of the personal columns) of a header."""
        for delimiter in _DELIMITERS:
            if line.count(delimiter) < 1:
                continue
            cells = [line[a:b] for a, b in _cells(line, delimiter)]
            if len(cells) < 2 or not all(_CELL.fullmatch(cell) for cell in cells):
                continue
            columns = [(i, entity) for i, cell in enumerate(cells)
                       for entity, keys in wanted.items() if _key(cell) in keys]
            typed = {i for i, _ in columns}
            # Prose with commas ("Hi, name, please") is no header: its other cells are words.
            if columns and not any(cell.casefold() in STOP_WORDS for i, cell in enumerate(cells)
                                   if i not in typed):
                return delimiter, len(cells), columns
        return None


def _fits(entity: str, value: str) -> bool:
    """Whether a cell can hold a value of its column's type: a name has a letter and no
    ``@``, a number column's value a digit; none is longer than 60 characters."""
    if not value or len(value) > 60:
        return False
    if entity == "PERSON":
        return bool(_LETTER.search(value)) and "@" not in value
    if entity == "STREET_ADDRESS":
        return bool(_LETTER.search(value))
    return any(ch.isdigit() for ch in value)
