"""Names in the name columns of a table pasted into text: CSV, semicolon or tab separated, or
Markdown.

People paste exports into tickets and model prompts ("here is the extract: nom;prenom;email ...",
"first,last,email,phone"). A name cell has nothing around it that says it is a name (no cue, no
sentence), and a model reads ``Martin;Élodie;elodie.martin@...`` badly; the header says it. When
a line holds two or more cells split by one delimiter and one of them is a name key (``name``,
``first``, ``last_name``, ``nom``, ``prenom``, ``cognome``, ``Nachname`` ...), the cells of that
column in the rows below it (same delimiter, the same number of cells, up to a blank line) are
reported as PERSON. Quoted cells with the delimiter inside them are not split correctly by this
simple reading, so a row holding a quote is skipped.
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
     "nama", "tên", "họtên", "姓名", "名前", "氏名", "이름", "имя", "фамилия", "фио"]
)
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


class NameColumnRecognizer(RegexRecognizer):
    """People's names in the name columns of a pasted table (see the module docstring)."""

    ENTITY = "PERSON"
    SCORE: ClassVar[float] = 0.85
    # A header holds one of the name keys (as words, so also "first_name", "Nachname").
    GATE_WORDS = WordGate(sorted(NAME_KEYS))
    MAX_ROWS: ClassVar[int] = 500

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """A PERSON result for every non-empty cell of a name column."""
        results: list[RecognizerResult] = []
        if not self.may_match(text) or not any(d in text for d in _DELIMITERS):
            return results
        lines = []
        offset = 0
        for line in text.split("\n"):
            lines.append((offset, line))
            offset += len(line) + 1
        index = 0
        while index < len(lines):
            header = self._header(lines[index][1])
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
                for column in columns:
                    a, b = cells[column]
                    value = line[a:b]
                    if _LETTER.search(value) and "@" not in value and len(value) <= 60:
                        results.append(self._result(start + a, start + b, self.SCORE, "column"))
                index += 1
                rows += 1
        return results

    @staticmethod
    def _header(line: str) -> tuple[str, int, list[int]] | None:
        """(delimiter, number of cells, indexes of the name columns) of a header line."""
        for delimiter in _DELIMITERS:
            if line.count(delimiter) < 1:
                continue
            cells = [line[a:b] for a, b in _cells(line, delimiter)]
            if len(cells) < 2 or not all(_CELL.fullmatch(cell) for cell in cells):
                continue
            columns = [i for i, cell in enumerate(cells) if _key(cell) in NAME_KEYS]
            # Prose with commas ("Hi, name, please") is no header: its other cells are words.
            if columns and not any(cell.casefold() in STOP_WORDS for i, cell in enumerate(cells)
                                   if i not in columns):
                return delimiter, len(cells), columns
        return None
