"""PhoneNumberRecognizer: configured regions, formats, and numbers that are not phones."""

from __future__ import annotations

import pytest

from recognizers.patterns.phone_number_recognizer import PhoneNumberRecognizer

RECOGNIZER = PhoneNumberRecognizer()


def found(text: str) -> list[str]:
    return [text[r.start : r.end] for r in RECOGNIZER.analyze(text, ["PHONE_NUMBER"])]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("call me at 212-555-0198", ["212-555-0198"]),
        ("(212) 555-0198 x123", ["(212) 555-0198 x123"]),
        ("+44 20 7946 0958", ["+44 20 7946 0958"]),
        ("Tel. 030 901820", ["030 901820"]),
        ("+33 1 83 41 77 76", ["+33 1 83 41 77 76"]),
        ("04 15 39 15 00", ["04 15 39 15 00"]),
        ("+49 (0) 9141 777631", ["+49 (0) 9141 777631"]),
        ("phone 2025550143", ["2025550143"]),
        ("+81 3-1234-5678", ["+81 3-1234-5678"]),  # any region with a + prefix
        # near misses
        ("order 2025550143 shipped", []),
        ("ORD-2024031512345", []),
        ("on 2024-03-15", []),
        ("from 203.0.113.75", []),
        ("SSN 078-05-1120", []),
        ("v1.2.3", []),
    ],
)
def test_phones(text: str, expected: list[str]) -> None:
    assert found(text) == expected


def test_regions_are_configurable() -> None:
    us_only = PhoneNumberRecognizer(regions=("US",))
    text = "Tel. 030 901820"
    assert [text[r.start : r.end] for r in us_only.analyze(text, ["PHONE_NUMBER"])] == []


def test_regions_sharing_a_calling_code_are_scanned_once_and_still_found() -> None:
    recognizer = PhoneNumberRecognizer(regions=("US", "GB", "CA"))
    assert recognizer.regions == ("US", "GB")
    text = "call our Toronto office at (416) 234-5678 today"
    [result] = recognizer.analyze(text, ["PHONE_NUMBER"])
    assert text[result.start:result.end] == "(416) 234-5678"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SKU-4455667 212 555 0198", ["212 555 0198"]),
        ("A12345678 212 555 0198", ["212 555 0198"]),
        ("x1234 212 555 0198", ["212 555 0198"]),
        ("ORD-2024031512345 07700 900123", ["07700 900123"]),
        ("acct12345678 020 7946 0958", ["020 7946 0958"]),
        ("AB123456 06 12 34 56 78", ["06 12 34 56 78"]),
        ("id 55512345678 030 1234567", ["030 1234567"]),
    ],
)
def test_a_number_right_after_an_identifier_is_found(text: str, expected: list[str]) -> None:
    # The library's matcher reads the identifier and the number as one candidate; the number is
    # only reached by scanning on from the end of the identifier's (rejected) match. A faster
    # matcher that skipped parsing rejected spans lost all of these, so they stay as a guard.
    assert found(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a label before the number makes it something else, in the languages of our texts ...
        ("Bestellung Nr. 48213377 ist unterwegs", []),
        ("Rechnungsnummer: 030 901820", []),
        ("Sendungsnummer 0034 0434 1610 9401 5902", []),
        ("invoice no. 4821 3377 12", []),
        ("booking ref 4821 337 712", []),
        ("ticket #020 7946 0958", []),
        ("case 04821337 closed", []),
        ("votre commande n° 48213377", []),
        ("suivi colis: 06 12 34 56 78", []),
        ("número de pedido 4821337712", []),
        ("fattura 2124 555 019", []),
        ("faktura 48213377", []),
        ("bestelling 48213377 verzonden", []),
        ("ordre 48213377 er sendt", []),
        ("numer zamówienia 48213377", []),
        ("номер заказа 48213377", []),
        ("no. resi JNE 0123 4567 8901", []),
        ("routing number 021000021", []),
        ("BLZ 370 400 44", []),
        # ... and a phone word before the number makes it a phone number again
        ("Tel. 030 901820", ["030 901820"]),
        ("Rechnung 48213377, Tel. 030 901820", ["030 901820"]),
        ("order 48213377 - call 212-555-0198", ["212-555-0198"]),
        ("order hotline 0800 123 4567", ["0800 123 4567"]),
        ("Caller ID: 020 7946 0958", ["020 7946 0958"]),
        ("номер телефона 8 912 345-67-89", ["8 912 345-67-89"]),
        ("Telefonnummer zur Bestellung: 030 901820", ["030 901820"]),
        ("phone line for orders: 020 7946 0958", ["020 7946 0958"]),
        # a label with other words between is not the number's label; + numbers are phones
        ("Invoice questions: 0800 123 4567", ["0800 123 4567"]),
        ("Reservations: +39 06 1234 5678", ["+39 06 1234 5678"]),
        ("Tel 030 901820, Bestellung 48213377", ["030 901820"]),
    ],
)
def test_numbers_introduced_as_something_else(text: str, expected: list[str]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # log and document numbers with phone-shaped digits
        ('{"ts":1718093012,"level":"warn"}', []),
        ('{"ts":1718093012345}', []),
        ("[48213.552] usb 1-1: new device", []),
        ("display 1366x768", []),
        ("Rechnung 2024/118 offen", []),
        ("see 2024-0551 and 118/2024", []),
        ("Browser: Chrome 125.0.6422.142", []),
        ("Tổng: 48.500.000 VND", []),
        ("€ 1,250,000 paid", []),
        ('"GET /users/me HTTP/2.0" 200 8431 "-"', []),
        ("the container (MSKU 441827-3) arrives", []),
        # near misses: phones of the same lengths
        ("+33.1.83.41.77.76", ["+33.1.83.41.77.76"]),
        ("call 212.555.0198", ["212.555.0198"]),
        ("01.83.41.77.76", ["01.83.41.77.76"]),
        ("ring 1.800.555.0199", ["1.800.555.0199"]),
        ("HTTP 200, call 212 555 0198", ["212 555 0198"]),
        ("phone 2025550143", ["2025550143"]),
        ("tel 1718093012", ["1718093012"]),  # a phone word wins over the shape
        ("(212) 555-0198 x123", ["(212) 555-0198 x123"]),
        ("2025550143 is my cell", ["2025550143"]),
    ],
)
def test_log_and_document_number_shapes(text: str, expected: list[str]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(("text", "number"), [
    ("我家地址在上海，电话139 1672 4408。请尽快", "139 1672 4408"),
    ("何かありましたら080-5521-3096までご連絡ください。", "080-5521-3096"),
    ("연락처 010-3847-2910이에요", "010-3847-2910"),
])
def test_a_number_next_to_a_letter_of_an_unspaced_script(text: str, number: str) -> None:
    results = PhoneNumberRecognizer(("CN", "JP", "KR")).analyze(text, ["PHONE_NUMBER"])

    assert [text[r.start:r.end] for r in results] == [number]


def test_a_bracketed_log_date_is_no_phone() -> None:
    assert found("name=Li\n[2024-05-20 14:03:11] DEBUG start") == []


def test_a_bare_number_after_a_direct_line_label() -> None:
    assert found("Gasse 29, 75947 Haldensleben\nDirect: 03286370610\nmail@example.net") == [
        "03286370610"]
