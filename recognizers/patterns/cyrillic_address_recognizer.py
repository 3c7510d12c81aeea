"""Street addresses written in Cyrillic (Russian, Ukrainian, Bulgarian, Serbian...): a street
type, its name, the house and then the building, entrance, floor and flat
(``ул. Малая Садовая, д. 3, кв. 12``, ``вул. Хрещатик, 22, кв. 5``,
``ж.к. Младост 4, бл. 412, вх. Б, ет. 6, ап. 38``, ``пр-т Мира д. 15 корп. 2``).

Every part is marked by its abbreviation, so a pattern reads them well where the English NER
model reads nothing; the town and postcode after them are joined by
``recognizers.address_extent``.
"""

from __future__ import annotations

from recognizers.base import RegexRecognizer

_TYPE = (
    r"(?:ул|улица|вул|вулиця|пр|пр-т|просп|проспект|пер|переулок|пров|провулок|ш|шоссе|наб|"
    r"набережная|бул|бульвар|булевард|пл|площадь|площа|туп|тупик|мкр|микрорайон|ж\.к|жк|кв-л|"
    r"квартал|ал|алея|аллея|проезд|пр-д)"
)
_PARTS = r"(?:д|дом|буд|будинок|корп|корпус|к|стр|строение|кв|квартира|оф|офис|ап|ет|эт|вх|бл|под|подъезд|№)"
_CYRILLIC = (
    rf"(?<![\w.])(?i:{_TYPE})\.?[ \t]*[\p{{Lu}}\d][\p{{L}}\p{{M}}\d'’. -]{{0,40}}?,?[ \t]*"
    rf"(?:(?:д|дом|буд|№)\.?[ \t]*)?\d{{1,4}}[а-яА-Я]?(?:[/-]\d{{1,4}})?(?![\w])"
    rf"(?:[ \t]*,?[ \t]*{_PARTS}\.?[ \t]*(?:\d{{1,4}}[а-яА-Я]?|[А-Я])(?![\w]))*"
)


class CyrillicAddressRecognizer(RegexRecognizer):
    """Street addresses in Cyrillic script (see the module docstring)."""

    ENTITY = "STREET_ADDRESS"
    PATTERNS = (("cyrillic", _CYRILLIC, 0.65),)
    MIN_DIGITS = 1
    GATE = r"\p{Cyrillic}"
