"""IpAddressRecognizer, MacAddressRecognizer and IbanRecognizer: matches and near misses."""

from __future__ import annotations

import pytest
from presidio_analyzer import EntityRecognizer

from recognizers.patterns.iban_recognizer import IbanRecognizer
from recognizers.patterns.ip_address_recognizer import IpAddressRecognizer
from recognizers.patterns.mac_address_recognizer import MacAddressRecognizer

CASES: list[tuple[type[EntityRecognizer], str, list[str]]] = [
    (IpAddressRecognizer, "client=203.0.113.7 ok", ["203.0.113.7"]),
    (IpAddressRecognizer, "from 10.0.0.0/8", ["10.0.0.0/8"]),
    (IpAddressRecognizer, "ip 2001:db8::8a2e:370:7334", ["2001:db8::8a2e:370:7334"]),
    (IpAddressRecognizer, "from fe80::1: invalid token", ["fe80::1"]),
    (IpAddressRecognizer, "version v1.2.3.4", []),
    (IpAddressRecognizer, "1.2.3.4.5", []),
    (IpAddressRecognizer, "999.1.1.1", []),
    (IpAddressRecognizer, "at 10:22:31", []),
    (IpAddressRecognizer, "std::vector", []),
    (IpAddressRecognizer, "a :: b", []),
    # IPv4-mapped and -embedded IPv6 (cases of Presidio's own tests; the tail was cut off)
    (IpAddressRecognizer, "0:0:0:0:0:FFFF:129.144.52.38", ["0:0:0:0:0:FFFF:129.144.52.38"]),
    (IpAddressRecognizer, "to 2001:db8:0:0:0:0:192.168.1.1.", ["2001:db8:0:0:0:0:192.168.1.1"]),
    (MacAddressRecognizer, "mac=84:b0:89:be:db:d2", ["84:b0:89:be:db:d2"]),
    (MacAddressRecognizer, "84-B0-89-BE-DB-D2", ["84-B0-89-BE-DB-D2"]),
    (MacAddressRecognizer, "0050.5687.ab12", ["0050.5687.ab12"]),
    (MacAddressRecognizer, "84:b0-89:be:db:d2", []),  # mixed separators
    (MacAddressRecognizer, "00:00:00:00:00:00", []),
    (MacAddressRecognizer, "84:b0:89:be:db", []),
    (IbanRecognizer, "IBAN DE89 3704 0044 0532 0130 00 ASAP", ["DE89 3704 0044 0532 0130 00"]),
    (IbanRecognizer, "GB82WEST12345698765432", ["GB82WEST12345698765432"]),
    (IbanRecognizer, "NL91ABNA0417164300.", ["NL91ABNA0417164300"]),
    (IbanRecognizer, "DE89 3704 0044 0532 0130 01", []),  # check digits
    (IbanRecognizer, "GB82WEST1234569876543", []),  # too short for GB
    (IbanRecognizer, "Dash as iban separator: AL47-2121-1009-0000-0002-3569-8741",
     ["AL47-2121-1009-0000-0002-3569-8741"]),
    (IbanRecognizer, "ref DE89-3704-0044-0532-0130-00-17", ["DE89-3704-0044-0532-0130-00"]),
]


@pytest.mark.parametrize(("cls", "text", "expected"), CASES)
def test_network_and_bank(cls: type[EntityRecognizer], text: str, expected: list[str]) -> None:
    recognizer = cls()
    results = recognizer.analyze(text, recognizer.supported_entities)
    assert [text[r.start : r.end] for r in results] == expected
