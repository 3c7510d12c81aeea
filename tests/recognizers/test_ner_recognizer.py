"""The misfire filters of ``NerRecognizer``, table by table (no model needed)."""

from __future__ import annotations

import pytest
from presidio_analyzer import RecognizerResult

from recognizers.ner_recognizer import (
    NerRecognizer,
    _leading_lowercase_words,
    _looks_like_code,
    _name_shaped,
    _not_an_address,
    _org_shaped,
)


@pytest.mark.parametrize(("value", "shaped"), [
    ("Maria Gonzalez", True),
    ("Ludwig van Beethoven", True),
    ("sam", True),                 # names written in lower case, as in chats
    ("annemijn de vries", True),
    ("damian Łuczyk", True),       # a first name typed in lower case
    ("玉美", True),                  # a script without case
    ("κλαίρη ελευθερίου", True),
    ("Gareth said", False),        # a sentence the model ran into
    ("Mijn BSN", False),           # a field label
])
def test_name_shape(value: str, shaped: bool) -> None:
    assert _name_shaped(value) is shaped


@pytest.mark.parametrize(("value", "code"), [
    ("DeShawn Williams", False),
    ("Lachlan McKenzie", False),
    ("LaToya", False),
    ("TYLER", False),              # a shouted name
    ("getUser", True),
    ("HttpClientFactory", True),
    ("svc.billing", True),
    ("HR", True),                  # an acronym
])
def test_code_shape(value: str, code: bool) -> None:
    text = f"said {value} today"
    result = RecognizerResult("PERSON", 5, 5 + len(value), 0.85)

    assert _looks_like_code(value, text, result) is code


class _Artifacts:
    """The two fields ``SpacyRecognizer.analyze`` reads, with one entity."""

    def __init__(self, text: str, value: str, label: str) -> None:
        start = text.index(value)
        self.entities = [_Ent(start, start + len(value), label)]
        self.scores = [0.85]


class _Ent:
    def __init__(self, start: int, end: int, label: str) -> None:
        self.start_char, self.end_char, self.label_ = start, end, label


@pytest.mark.parametrize(("text", "value", "label", "kept"), [
    ("ship to Hauptstr. 5a, 8001 Zürich.", "Hauptstr. 5a, 8001 Zürich.", "STREET_ADDRESS",
     "Hauptstr. 5a, 8001 Zürich."),                          # the dot of the address stays
    ("branch Canara Bank, Jayanagar opens", "Canara Bank, Jayanagar", "STREET_ADDRESS", None),
    ("zip 8001 please", "8001", "POSTCODE", "8001"),
    ("code ABCD please", "ABCD", "POSTCODE", None),           # no postcode format lacks digits
])
def test_addresses_keep_their_punctuation_and_need_a_digit(
    text: str, value: str, label: str, kept: str | None,
) -> None:
    recognizer = NerRecognizer(supported_entities=["STREET_ADDRESS", "POSTCODE"])
    results = recognizer.analyze(text, ["STREET_ADDRESS", "POSTCODE"],
                                 _Artifacts(text, value, label))  # type: ignore[arg-type]

    assert [text[r.start:r.end] for r in results] == ([kept] if kept else [])


@pytest.mark.parametrize(("value", "dropped"), [
    ("PESEL 88120703517", True),     # a number after its label
    ("isikukood 48706120221", True),
    ("ЕГН 8704234516", True),
    ("2,5 Std.", True),               # a duration
    ("Katseaeg 4 kuud", True),
    ("konto 4418227609", True),
    ("Celular 310 482 7719", True),
    ("JPY 18,000", True),            # an amount
    ("750,00 EUR", True),
    ("27 de junio", True),           # a date
    ("21.06.2024 Cuma saat", True),
    ("flight EK 412", True),         # numbered things that are no place
    ("Dock 4", True),
    ("Android 14 (Pixel 7", True),
    ("120 seats", True),             # what a number counts
    ("418 kg", True),
    ("91%", True),                   # a share
    ("200 OK https://api.example.app/v2/users (214ms, 3.1kB", True),  # a log line's URL
    ("9-5", True),                   # hours: no street or town
    ("Firefox 126", True),           # a browser's version
    ("64,90 лв", True),              # an amount in leva
    ("Storgatan 14 B", False),
    ("Level 7, 123 George St, Sydney", False),
    ("Av. 9 de Julio 1234", False),  # a street named after a date
    ("No. 8, Jalan 9/2, Puncak Damai, 75966 Seksyen 7, Melaka", False),
    ("Mariahilfer Straße 88/2/14, 1070 Wien", False),
])
def test_what_is_no_address(value: str, dropped: bool) -> None:
    assert _not_an_address(value) is dropped


@pytest.mark.parametrize(("value", "org"), [
    ("Globe Telecom", True),
    ("Banco Andino", True),
    ("Greenfield Dental", True),
    ("Hanami Ceramics Co.", True),
    ("Maria Banks", False),          # a surname, not the word "bank"
    ("Telecom", False),              # one word alone is left to the model
    ("Ana Lúcia Ferreira", False),
])
def test_org_shape(value: str, org: bool) -> None:
    assert _org_shaped(value) is org


@pytest.mark.parametrize(("text", "value", "kept"), [
    ("Banco Andino, habla Camila, ¿con quién?", "habla Camila", "Camila"),  # a verb run into
    ("Καλησπέρα, είμαι η Ελένη Παπαδοπούλου.", "είμαι η Ελένη Παπαδοπούλου",
     "Ελένη Παπαδοπούλου"),
    ("Entregar na portaria, o porteiro, Sr. Armando", "o porteiro", None),  # lower case only
    ("si ça peut aider (je sais, je ...)", "je sais", None),
    ("ping mia about it", "mia", "mia"),          # one word: a name typed in lower case
    ("Beste meneer van den Heuvel,", "van den Heuvel", "van den Heuvel"),  # particles stay
    ("hi its charlotte pemberton here", "charlotte pemberton", "charlotte pemberton"),
])
def test_leading_stop_words_are_no_part_of_a_name(text: str, value: str,
                                                  kept: str | None) -> None:
    recognizer = NerRecognizer(supported_entities=["PERSON"])
    results = recognizer.analyze(text, ["PERSON"],
                                 _Artifacts(text, value, "PERSON"))  # type: ignore[arg-type]

    assert [text[r.start:r.end] for r in results] == ([kept] if kept else [])


def test_a_postcode_alone_may_be_only_digits() -> None:
    assert not _not_an_address("8001", street=False)
    assert _not_an_address("8001", street=True)


@pytest.mark.parametrize(("text", "value", "kept"), [
    ("Danke.\n\nViele Grüße\nJana Kowalczyk", "Viele Grüße", None),      # a sign-off
    ("Cuenta 191-41827390.\nAtentamente,\nJorge Luis", "Atentamente", None),
    ("Bonjour ! Vous pouvez me donner", "Vous", None),                  # a sentence's first word
    ("Hallo zusammen,\nmein Paket kam nicht", "mein", None),
    ("3-year term proposed. They asked about SSO", "They", None),
    ("ring twice. bring Ella", "Ella", "Ella"),    # a name that is a stop word elsewhere
])
def test_common_words_alone_are_no_name(text: str, value: str, kept: str | None) -> None:
    recognizer = NerRecognizer(supported_entities=["PERSON"])
    results = recognizer.analyze(text, ["PERSON"],
                                 _Artifacts(text, value, "PERSON"))  # type: ignore[arg-type]

    assert [text[r.start:r.end] for r in results] == ([kept] if kept else [])


@pytest.mark.parametrize(("text", "value", "kept"), [
    ("Paket nicht angekommen (Bestellnr. 4020-883715)", "4020-883715", None),
    ("REF: SO-2291-774   WT 1.2KG", "SO-2291-774", None),
    ("Last 4 of my SSN is 4417 if you need it", "4417", None),
    ("booked to cost centre 4410. Carrier DHL", "4410", None),
    ("moved to 8001 Zürich last year", "8001", "8001"),
    ("zip 94110, please", "94110", "94110"),
])
def test_a_number_after_an_identifiers_label_is_no_postcode(text: str, value: str,
                                                            kept: str | None) -> None:
    recognizer = NerRecognizer(supported_entities=["POSTCODE"])
    results = recognizer.analyze(text, ["POSTCODE"],
                                 _Artifacts(text, value, "POSTCODE"))  # type: ignore[arg-type]

    assert [text[r.start:r.end] for r in results] == ([kept] if kept else [])


@pytest.mark.parametrize(("value", "kept"), [
    ("wurde am 3", "3"),                               # then dropped: no letters
    ("wurde am", None),                                # nothing is left
    ("ist der Kinderwagen 3", "Kinderwagen 3"),
    ("к. Магас, бул. Просторный, д. 2", "к. Магас, бул. Просторный, д. 2"),  # an abbreviation
    ("prusíkova 6", "prusíkova 6"),                    # no common word
    ("via Roma 12, 20121 Milano", "via Roma 12, 20121 Milano"),   # a street word opens it
    ("số 27 ngõ 95 Chùa Bộc", "số 27 ngõ 95 Chùa Bộc"),
    ("phường Trung Liệt, quận Đống Đa", "phường Trung Liệt, quận Đống Đa"),
])
def test_lowercase_words_before_a_models_address(value: str, kept: str | None) -> None:
    skipped = _leading_lowercase_words(value)

    assert (None if skipped is None else value[skipped:]) == kept


def test_a_text_all_in_lower_case_keeps_the_models_address() -> None:
    assert _leading_lowercase_words("my address is 42 elm street", cased_text=False) == 0
