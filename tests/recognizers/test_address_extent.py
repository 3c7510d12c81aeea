"""extend_addresses: the town after a street address joins it; the next sentence does not."""

from __future__ import annotations

import pytest

from recognizers.address_extent import extend_addresses
from recognizers.types import Span


@pytest.mark.parametrize(
    ("text", "address", "expected"),
    [
        ("a Calle Sierpes 48, 3º B, 41004 Sevilla y por correo", "Calle Sierpes 48, 3º B, 41004",
         "Calle Sierpes 48, 3º B, 41004 Sevilla"),
        ("Address 14B Ogunlana Drive, Surulere, Lagos. My phone", "14B Ogunlana Drive, Surulere",
         "14B Ogunlana Drive, Surulere, Lagos"),
        ("de Guatemala 4870, 2° A, Palermo, CABA se puede", "Guatemala 4870, 2° A, Palermo",
         "Guatemala 4870, 2° A, Palermo, CABA"),
        ("al Av. Chapultepec 480, 44160 Guadalajara, Jal. y nadie",
         "Av. Chapultepec 480, 44160 Guadalajara", "Av. Chapultepec 480, 44160 Guadalajara, Jal."),
        ("Εγνατίας 128, 546 30 Θεσσαλονίκη.", "Εγνατίας 128, 546 30", "Εγνατίας 128, 546 30 Θεσσαλονίκη"),
        ("Lindenweg 14a, 3. OG links, 34117 Kassel. Ich", "Lindenweg 14a",
         "Lindenweg 14a, 3. OG links, 34117 Kassel"),
        ("Số 18 ngõ 75 Hoàng Quốc Việt, phường Nghĩa Đô, quận Cầu Giấy, Hà Nội\n- Ghi chú",
         "Số 18 ngõ 75 Hoàng Quốc Việt",
         "Số 18 ngõ 75 Hoàng Quốc Việt, phường Nghĩa Đô, quận Cầu Giấy, Hà Nội"),
        ("ke Jl. Dago No. 12, Kel. Lebakgede, Kec. Coblong, Bandung.", "Jl. Dago No. 12",
         "Jl. Dago No. 12, Kel. Lebakgede, Kec. Coblong, Bandung"),
        # Not a town: the next field, or a capitalized word that goes on into a sentence.
        ("at Main St 5, Phone: 555 0100", "Main St 5", "Main St 5"),
        ("at Main St 5 Springfield Mall 12 is closed", "Main St 5", "Main St 5"),
    ],
)
def test_the_town_after_an_address_joins_it(text: str, address: str, expected: str) -> None:
    start = text.index(address)
    (span,) = extend_addresses(text, [Span(start, start + len(address), "STREET_ADDRESS", 0.8)])
    assert text[span.start : span.end] == expected


def test_an_extension_stops_at_the_next_span_and_leaves_other_types_alone() -> None:
    text = "Calle Sierpes 48, 41004 Ana Ruiz. Tel 1"
    spans = [Span(0, 23, "STREET_ADDRESS", 0.8), Span(24, 32, "PERSON", 0.9)]
    assert extend_addresses(text, spans) == spans


def test_a_bracketed_postcode_after_an_address_joins_it() -> None:
    text = "delivered to House No. 9, OsmaniChar Square (7953) but he was out"
    start = text.index("House")
    end = text.index(" (7953)")
    [span] = extend_addresses(text, [Span(start, end, "STREET_ADDRESS", 0.8)])
    assert text[span.start:span.end] == "House No. 9, OsmaniChar Square (7953)"
    # brackets holding words are no postcode
    other = "at 12 Main Street (back door) today"
    [kept] = extend_addresses(other, [Span(3, 17, "STREET_ADDRESS", 0.8)])
    assert other[kept.start:kept.end] == "12 Main Street"


def test_postcode_town_and_region_after_a_street_join_it() -> None:
    text = "Envíelo a Cl. 63 # 1-89 Este, 057551, Ituango, Antioquia antes del viernes."
    start = text.index("Cl.")
    end = text.index(", 057551")
    [span] = extend_addresses(text, [Span(start, end, "STREET_ADDRESS", 0.8)])
    assert text[span.start:span.end] == "Cl. 63 # 1-89 Este, 057551, Ituango, Antioquia"


def _extended(text: str, parts: list[tuple[str, str]]) -> list[tuple[str, str]]:
    spans = []
    for value, kind in parts:
        start = text.index(value)
        spans.append(Span(start, start + len(value), kind, 0.8))
    return [(text[s.start : s.end], s.entity_type) for s in extend_addresses(text, spans)]


@pytest.mark.parametrize(
    ("text", "parts", "expected"),
    [
        # postcode and town after a comma, and on the next lines
        ("Send it to Lindenweg 7, 38102 Braunschweig bitte.", [("Lindenweg 7", "STREET_ADDRESS")],
         "Lindenweg 7, 38102 Braunschweig"),
        ("Calle 40 # 12-30 Sur\n250011\nFusagasugá, Cundinamarca\nGracias",
         [("Calle 40 # 12-30 Sur", "STREET_ADDRESS")],
         "Calle 40 # 12-30 Sur\n250011\nFusagasugá, Cundinamarca"),
        # a unit line after a grid address
        ("Carrera 15 # 8-20\nEtapa 2 apartamento 301\n170001\nManizales, Caldas",
         [("Carrera 15 # 8-20", "STREET_ADDRESS")],
         "Carrera 15 # 8-20\nEtapa 2 apartamento 301\n170001\nManizales, Caldas"),
        # a neighbourhood line before the postcode line; a state after the town
        ("Rua Tiradentes, 90\nJardim América\n13015-904 Campinas / SP",
         [("Rua Tiradentes, 90", "STREET_ADDRESS")],
         "Rua Tiradentes, 90\nJardim America\n13015-904 Campinas / SP".replace("America", "América")),
        # floor and side written after the house number
        ("Adresse: Amagerbrogade 9, 1. mf., 2300 København S. Ring gerne.",
         [("Amagerbrogade 9, 1", "STREET_ADDRESS"), ("2300 København S.", "STREET_ADDRESS")],
         "Amagerbrogade 9, 1. mf., 2300 København S."),
        ("Livraison au 3 rue Victor Hugo, bât. A, 5e étage, 33000 Bordeaux. Merci",
         [("3 rue Victor Hugo, bât", "STREET_ADDRESS"), ("33000 Bordeaux", "STREET_ADDRESS")],
         "3 rue Victor Hugo, bât. A, 5e étage, 33000 Bordeaux"),
    ],
)
def test_the_parts_after_a_street_join_it(text: str, parts: list[tuple[str, str]], expected: str) -> None:
    assert _extended(text, parts)[0] == (expected, "STREET_ADDRESS")


def test_a_postcode_read_as_a_phone_number_joins_the_address_with_its_town() -> None:
    text = "Morada: Rua do Carmo 51, 2.º Dto., 3000-098 Coimbra. Obrigado"
    got = _extended(text, [("Rua do Carmo 51, 2.º Dto", "STREET_ADDRESS"), ("3000-098", "PHONE_NUMBER")])
    assert got == [("Rua do Carmo 51, 2.º Dto., 3000-098 Coimbra", "STREET_ADDRESS")]


def test_a_phone_number_after_an_address_stays_a_phone_number() -> None:
    text = "Calle Luna 4, 28004 Madrid. Tel 612 345 678"
    got = _extended(text, [("Calle Luna 4", "STREET_ADDRESS"), ("612 345 678", "PHONE_NUMBER")])
    assert got == [("Calle Luna 4, 28004 Madrid", "STREET_ADDRESS"), ("612 345 678", "PHONE_NUMBER")]


@pytest.mark.parametrize(
    ("text", "found", "expected"),
    [
        # the model started at a unit or at the house number
        ("Adresa: Str. Florilor nr. 8, bl. A2, sc. 1, ap. 4, Brașov 500001.",
         "4, Brașov 500001", "Str. Florilor nr. 8, bl. A2, sc. 1, ap. 4, Brașov 500001"),
        ("Gönderi: Cumhuriyet Cad. No:12 D:3, 35210 Konak/İzmir.",
         "35210 Konak/İzmir", "Cumhuriyet Cad. No:12 D:3, 35210 Konak/İzmir"),
        ("Entregar em Travessa Moreira Lima, 12, Centro", "12, Centro", "Travessa Moreira Lima, 12, Centro"),
        ("Room 412 Acacia Tower, 55 Mabini Street, Pasig", "412 Acacia Tower, 55 Mabini Street",
         "Room 412 Acacia Tower, 55 Mabini Street, Pasig"),
        ("Envoyez au 14, avenue Jean Jaurès, 69007 Lyon", "avenue Jean Jaurès, 69007 Lyon",
         "14, avenue Jean Jaurès, 69007 Lyon"),
        # a preposition or label the model took with the street is left out
        ("paket stiže na Ulica Kneza Miloša 20, 11000 Beograd", "na Ulica Kneza Miloša 20, 11000 Beograd",
         "Ulica Kneza Miloša 20, 11000 Beograd"),
        # no street type before it, or a sentence between: unchanged
        ("Visit the Plaza Mayor. Mi casa: 12 Main Street", "12 Main Street", "12 Main Street"),
        ("We met on Avenida Central and talked. 12 Main Street", "12 Main Street", "12 Main Street"),
    ],
)
def test_the_street_before_a_span_joins_it(text: str, found: str, expected: str) -> None:
    assert _extended(text, [(found, "STREET_ADDRESS")]) == [(expected, "STREET_ADDRESS")]
