"""TableColumnRecognizer: the personal columns of pasted tables."""

from __future__ import annotations

import pytest

from recognizers.patterns.table_column_recognizer import TableColumnRecognizer


@pytest.mark.parametrize(("text", "names"), [
    (("voici l'extrait :\nnom;prenom;email;tel\nMartin;Élodie;elodie.martin@orange.fr;06 72\n"
      "N'Diaye;Moussa;moussa@free.fr;01 99\n\nMerci"), ["Martin", "Élodie", "N'Diaye", "Moussa"]),
    ("first,last,email,phone\nBrianna,Okafor-Reyes,bri@icloud.com,415-555-0192",
     ["Brianna", "Okafor-Reyes"]),
    ("First Name\tLast Name\tCity\nAna\tRuiz\tLima", ["Ana", "Ruiz"]),
    ("| Name | Phone |\n|---|---|\n| Ana Lúcia Ferreira | (21) 99842-1176 |",
     ["Ana Lúcia Ferreira"]),
    ("cognome,nome,email\nEsposito,Gennaro,g@tiscali.it\nDe Luca,,x@y.it", ["Esposito", "Gennaro",
                                                                         "De Luca"]),
])
def test_the_name_columns_of_a_table(text: str, names: list[str]) -> None:
    results = TableColumnRecognizer().analyze(text, ["PERSON"])

    assert [text[r.start:r.end] for r in results] == names


@pytest.mark.parametrize("text", [
    "Hi, name, please\nok, sure, thanks",                 # prose with commas
    "username,email\nmaya_k,maya@example.com",            # no name column
    "first,last\nAna,Ruiz,extra",                         # another table shape below
    "name,plan\n\nAna,gold",                              # a blank line ends the table
    'first,last\n"Ruiz, Ana",x',                          # quoted cells are not split here
    "name,email\nana@example.com,b",                      # an address in a name column
])
def test_what_is_no_name_cell(text: str) -> None:
    assert TableColumnRecognizer().analyze(text, ["PERSON"]) == []


def test_each_column_gets_the_type_its_header_names() -> None:
    text = ("Export from the CRM:\nfirst,last,email,phone,zip,dl_state,dl_number,plan\n"
            "Brianna,Okafor-Reyes,bri@icloud.com,415-555-0192,94110,CA,D4827391,gold")

    results = TableColumnRecognizer().analyze(text, [])

    assert [(text[r.start:r.end], r.entity_type) for r in results] == [
        ("Brianna", "PERSON"), ("Okafor-Reyes", "PERSON"), ("415-555-0192", "PHONE_NUMBER"),
        ("94110", "POSTCODE"), ("D4827391", "DRIVER_LICENSE")]


def test_only_the_types_asked_for() -> None:
    text = "cognome,nome,cf\nEsposito,Gennaro,SPSGNR85A14F839J"

    results = TableColumnRecognizer().analyze(text, ["NATIONAL_ID"])

    assert [(text[r.start:r.end], r.entity_type) for r in results] == [
        ("SPSGNR85A14F839J", "NATIONAL_ID")]


def test_a_number_column_without_digits_is_no_value() -> None:
    text = "name,zip\nAna,n/a"

    results = TableColumnRecognizer().analyze(text, [])

    assert [text[r.start:r.end] for r in results] == ["Ana"]


def test_dutch_headers() -> None:
    text = "klantnr;naam;postcode;geboortedatum\n100482;Ruud Jansen;3581 KP;1979-02-11"

    results = TableColumnRecognizer().analyze(text, [])

    assert [(text[r.start:r.end], r.entity_type) for r in results] == [
        ("100482", "ACCOUNT_NUMBER"), ("Ruud Jansen", "PERSON"), ("3581 KP", "POSTCODE"),
        ("1979-02-11", "DATE_OF_BIRTH")]
