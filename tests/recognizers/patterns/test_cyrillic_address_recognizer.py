"""CyrillicAddressRecognizer: street addresses in Cyrillic script."""

from __future__ import annotations

import pytest

from recognizers.patterns.cyrillic_address_recognizer import CyrillicAddressRecognizer


def _found(text: str) -> list[str]:
    return [text[r.start:r.end]
            for r in CyrillicAddressRecognizer().analyze(text, ["STREET_ADDRESS"])]


@pytest.mark.parametrize(("text", "address"), [
    ("доставьте по адресу ул. Малая Садовая, д. 3, кв. 12, Санкт-Петербург",
     "ул. Малая Садовая, д. 3, кв. 12"),
    ("вул. Хрещатик, 22, кв. 5, Київ", "вул. Хрещатик, 22, кв. 5"),
    ("адрес ж.к. Младост 4, бл. 412, вх. Б, ет. 6, ап. 38, 1715 София",
     "ж.к. Младост 4, бл. 412, вх. Б, ет. 6, ап. 38"),
    ("Пр-т Мира д. 15 корп. 2", "Пр-т Мира д. 15 корп. 2"),
])
def test_cyrillic_addresses(text: str, address: str) -> None:
    assert _found(text) == [address]


@pytest.mark.parametrize("text", ["Заказ №12345 от 12.03", "Пл. 3 руб.", "Улица была пуста."])
def test_what_is_no_address(text: str) -> None:
    assert _found(text) == []
