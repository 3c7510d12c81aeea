"""Passport, driving-licence and account numbers after their labels (LabeledNumberRecognizer and
its subclasses); order, invoice, ticket, tracking and booking numbers, dates and routing numbers
next to them are not reported."""

from __future__ import annotations

import pytest

from recognizers.patterns.account_number_recognizer import AccountNumberRecognizer
from recognizers.patterns.driver_license_recognizer import DriverLicenseRecognizer
from recognizers.patterns.passport_recognizer import PassportRecognizer

RECOGNIZERS = (PassportRecognizer(), DriverLicenseRecognizer(), AccountNumberRecognizer())


def found(text: str) -> list[tuple[str, str]]:
    return [
        (result.entity_type, text[result.start : result.end])
        for recognizer in RECOGNIZERS
        for result in recognizer.analyze(text, recognizer.supported_entities)
    ]


P, D, A = "PASSPORT", "DRIVER_LICENSE", "ACCOUNT_NUMBER"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # passports                                          and their near misses
        ("passport no. C01X00T47", [(P, "C01X00T47")]),
        ("여권번호: M48213907", [(P, "M48213907")]),
        ("Passport details (for the tour booking): 056840449, expires", [(P, "056840449")]),
        ("护照号码 E12345678", [(P, "E12345678")]),
        ("Reisepass C4F9KJ7L2", [(P, "C4F9KJ7L2")]),
        ("my passport number is 512345678.", [(P, "512345678")]),
        ("Passport (UK) 123456789", [(P, "123456789")]),
        ("n° de passeport : 09AA12345", [(P, "09AA12345")]),
        ("número de pasaporte X1234567", [(P, "X1234567")]),
        ("numer paszportu EA1234567", [(P, "EA1234567")]),
        ("passaporto YA7654321", [(P, "YA7654321")]),
        ("passport photo 2x2", []),
        ("passport expires 2031-05-04", []),  # a date, not the number
        ("passport issued 12/03/2019", []),
        ("a copy of your passport (no. Z4829137), bank", [(P, "Z4829137")]),
        ("passport no. 12345", []),  # too short
        # driving licences
        ("DL# D123-4567-8901", [(D, "D123-4567-8901")]),
        ("driving licence MORGA753116SM9IJ", [(D, "MORGA753116SM9IJ")]),
        ("driving licence MORGA 753116 SM9IJ 49", [(D, "MORGA 753116 SM9IJ 49")]),
        ("driver's license: V120-447-88-631-0", [(D, "V120-447-88-631-0")]),
        ("DL W452-7718-3094 CA", [(D, "W452-7718-3094")]),  # not the state
        ("Führerschein B072RRE2I55", [(D, "B072RRE2I55")]),
        ("permis de conduire 12AB34567", [(D, "12AB34567")]),
        ("license no. D1234567", [(D, "D1234567")]),
        ("software license no. ABCD-1234-EFGH-5678", []),  # a product key
        ("license plate 7ABC123", []),
        ("license MIT 2024", []),  # a bare "license" needs a number word
        ("dl 12345678 files", []),  # "DL" only in capitals
        # accounts, members, customers
        ("member #88301927", [(A, "88301927")]),
        ("loyalty account 4410 2281 773", [(A, "4410 2281 773")]),
        ("acct no 00418837261", [(A, "00418837261")]),
        ("customer number: CU-448812", [(A, "CU-448812")]),
        ("Customer ID: 448812", [(A, "448812")]),
        ("Kundennummer 7781-2231", [(A, "7781-2231")]),
        ("A/C no. 12345678", [(A, "12345678")]),
        ("membership no ZA-7731-0029-55", [(A, "ZA-7731-0029-55")]),
        ("account number is 00418837261, sort code 20-32-06", [(A, "00418837261")]),
        ("order number 12345678", []),  # transactions, not people
        ("invoice #INV-448812", []),
        ("ticket 88301927", []),
        ("tracking no 1Z999AA10123456784", []),
        ("booking ref ABC123456", []),
        ("customer order number 12345678", []),
        ("account and routing number 021000021", []),
        ("sort code 20-32-06", []),
        ("member since 2019", []),
        ("number of accounts: 12345", []),
        ("client 10.0.0.12 connected", []),
    ],
)
def test_labeled_numbers(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(("text", "value"), [
    ("Te paso los datos: CBU 0170099840000031845729, titular V. Rossi.", "0170099840000031845729"),
    ("agência 0341, conta corrente 48213-7, CPF do titular", "48213-7"),
    ('{"member_id":"XWB884201937","plan":"gold"}', "XWB884201937"),
    ("CLABE: 002180700912345678", "002180700912345678"),
])
def test_accounts_in_more_languages_and_keys(text: str, value: str) -> None:
    results = AccountNumberRecognizer().analyze(text, ["ACCOUNT_NUMBER"])

    assert [text[r.start:r.end] for r in results] == [value]
