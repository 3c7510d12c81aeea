"""PaymentCardRecognizer: Luhn, brand prefixes and lengths, separators."""

from __future__ import annotations

import pytest

from recognizers.patterns.payment_card_recognizer import PaymentCardRecognizer

RECOGNIZER = PaymentCardRecognizer()


def found(text: str) -> list[str]:
    return [text[r.start : r.end] for r in RECOGNIZER.analyze(text, ["CREDIT_CARD"])]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("card 4111 1111 1111 1111 thanks", ["4111 1111 1111 1111"]),
        ("card 4111-1111-1111-1111.", ["4111-1111-1111-1111"]),
        ("4111111111111111", ["4111111111111111"]),
        ("amex 3782 822463 10005", ["3782 822463 10005"]),
        ("mc 5555555555554444", ["5555555555554444"]),
        ("mc 2221000000000009", ["2221000000000009"]),
        ("discover 6011111111111117", ["6011111111111117"]),
        ("jcb 3530111333300000", ["3530111333300000"]),
        ("diners 30569309025904", ["30569309025904"]),
        # UATP: 15 digits starting with 1, Luhn-valid
        ("uatp 102030405060702", ["102030405060702"]),
        ("ticket paid with 1020 304050 60702", ["1020 304050 60702"]),
        # near misses
        ("4111 1111 1111 1112", []),  # Luhn fails
        ("1234 5678 9012 3452", []),  # Luhn passes, 16 digits: no brand starts with 1
        ("102030405060703", []),  # UATP length, Luhn fails
        ("sent at 1745234198702 ms", []),  # 13-digit timestamp, Luhn-valid
        ("ref 17452341987059", []),  # 14 digits starting with 1, Luhn-valid
        ("ref 1020304050607027", []),  # 16 digits starting with 1, Luhn-valid
        ("4111 1111-1111 1111", []),  # mixed separators
        ("order 4111111111111111-2", []),  # glued to an identifier
        ("0000 0000 0000 0000", []),
    ],
)
def test_cards(text: str, expected: list[str]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize("text", ["order 42 4111 1111 1111 1111 ref", "qty 2 4111 1111 1111 1111",
                                  "4111 1111 1111 1111 77 boxes"])
def test_a_card_right_after_or_before_another_number(text: str) -> None:
    # Found by the header fuzzer: the longest run ('42 4111 ... 1111') fails Luhn; the card
    # inside it must still be found.
    assert found(text) == ["4111 1111 1111 1111"]
