"""StreetAddressRecognizer: US, UK and German addresses; product text is not an address."""

from __future__ import annotations

import pytest

from recognizers.patterns.street_address_recognizer import StreetAddressRecognizer

RECOGNIZER = StreetAddressRecognizer()


def found(text: str) -> list[str]:
    return [text[r.start : r.end] for r in RECOGNIZER.analyze(text, ["STREET_ADDRESS"])]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1600 Pennsylvania Avenue NW, Washington, DC 20500",
         ["1600 Pennsylvania Avenue NW, Washington, DC 20500"]),
        ("I live at 221B Baker Street, London NW1 6XE.", ["221B Baker Street, London NW1 6XE"]),
        ("ship to 12 Elm Rd. Apt 4 please", ["12 Elm Rd. Apt 4"]),
        ("9838 Washington Knolls Suite 508", ["9838 Washington Knolls Suite 508"]),
        ("deliver to 675 Reed Plain", ["675 Reed Plain"]),  # rare suffix, address word near
        ("Musterstraße 12a", ["Musterstraße 12a"]),
        ("Hauptstr. 5", ["Hauptstr. 5"]),
        # near misses
        ("Buy the 10 Day Pass now", []),
        ("675 Reed Plain", []),  # rare suffix without context
        ("we sold 3 Green Apples", []),
        ("Q3 revenue grew 12 percent", []),
    ],
)
def test_addresses(text: str, expected: list[str]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("C.C. 1.020.745.318, Carrera 7 # 71-21, Torre B, Apto 902, Bogotá.",
         ["Carrera 7 # 71-21, Torre B, Apto 902"]),
        ("Calle 26 Sur No. 68C-61, Bogotá", ["Calle 26 Sur No. 68C-61"]),
        ("Av. Calle 80 # 69Q-50 Int. 3", ["Av. Calle 80 # 69Q-50 Int. 3"]),
        ("Cra. 43A #1 Sur-100", ["Cra. 43A #1 Sur-100"]),
        ("la calle 5 tiene 3 casas", []),
        ("pagué 7 # 71-21", []),
    ],
)
def test_colombian_grid_addresses(text: str, expected: list[str]) -> None:
    found = StreetAddressRecognizer().analyze(text, ["STREET_ADDRESS"])
    assert [text[r.start : r.end] for r in found] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ünvan: Ağdam rayonu, Kolayir k., HEYDƏR ƏLİYEV küç. Sabah gəlin.",
         ["Ağdam rayonu, Kolayir k., HEYDƏR ƏLİYEV küç."]),
        ("send it to Gəncə şəhəri, 22-Cİ DAĞLIQ prospekti, b. 2, m. 55 please",
         ["Gəncə şəhəri, 22-Cİ DAĞLIQ prospekti, b. 2, m. 55"]),
        ("Nizami küçəsi 12-də görüşək", ["Nizami küçəsi"]),
        ("Qusar ray., Q.PİRİMOV pr., b. 6, m. 145", ["Qusar ray., Q.PİRİMOV pr., b. 6, m. 145"]),
        # "pr." alone is an abbreviation of many things.
        ("see the Marketing pr. notes", []),
        ("no address here at all", []),
    ],
)
def test_azerbaijani_addresses(text: str, expected: list[str]) -> None:
    found = StreetAddressRecognizer().analyze(text, ["STREET_ADDRESS"])
    assert [text[r.start : r.end] for r in found] == expected


def test_grid_street_numbers_with_an_ordinal_indicator() -> None:
    text = "Cl. 3ª # 1-2, Apartamento 866, Aguazul"
    found = StreetAddressRecognizer().analyze(text, ["STREET_ADDRESS"])
    assert [text[r.start : r.end] for r in found] == ["Cl. 3ª # 1-2, Apartamento 866"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Հասցե՝ գ. Հարթագյուղ, Սյունիքի մարզ, 3912, Ծատուրյան 2, շնորհակալություն",
         ["գ. Հարթագյուղ, Սյունիքի մարզ, 3912, Ծատուրյան 2"]),
        ("ք. Շամլուղ, Սիմեոն Երևանցու 57, բն. 91", ["ք. Շամլուղ, Սիմեոն Երևանցու 57, բն. 91"]),
        # a word and a number, with no town, village or region before it
        ("Ժամը 5 է", []),
    ],
)
def test_armenian_addresses(text: str, expected: list[str]) -> None:
    found = StreetAddressRecognizer().analyze(text, ["STREET_ADDRESS"])
    assert [text[r.start : r.end] for r in found] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Lieferung an H.-Heine-Straße 18, bitte", ["H.-Heine-Straße 18"]),
        ("Anna-Seghers-Ring 94", ["Anna-Seghers-Ring 94"]),
        ("Lindenstraße 6-8", ["Lindenstraße 6-8"]),
        ("Bahnhofgasse 86/51", ["Bahnhofgasse 86/51"]),
        ("Kerkstraat 12", ["Kerkstraat 12"]),
        ("Drottninggatan 14 B, Stockholm", ["Drottninggatan 14 B"]),
        ("Strandvejen 40", ["Strandvejen 40"]),
        ("Nordre Allé 3", ["Nordre Allé 3"]),
        ("Vesterbrogade 14\n1620 København", ["Vesterbrogade 14"]),
        # "-gade" without a Danish postcode after it is an English word
        ("the Brigade 3 won", []),
        ("Platz 3 im Rennen", []),
    ],
)
def test_german_dutch_and_nordic_street_names(text: str, expected: list[str]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(("text", "addresses"), [
    (("FROM: R. VILLANUEVA\nPO BOX 4418\nSANTA FE NM 87502-4418\nTO: MARGARET O'CONNELL\n"
      "1207 W 4TH ST UNIT 3\nDULUTH MN 55806\nTRACKING 9405"),
     ["PO BOX 4418\nSANTA FE NM 87502-4418", "1207 W 4TH ST UNIT 3\nDULUTH MN 55806"]),
    ("Send to P.O. Box 123, Springfield, IL 62704 please", ["P.O. Box 123, Springfield, IL 62704"]),
    ("Postfach 10 02 44", ["Postfach 10"]),
    ("THE BEST WAY TO GO", []),          # capitals without a house number
    ("BOX 12 OF 40", []),                # a box that is no post-office box
])
def test_addresses_in_capitals_and_post_office_boxes(text: str, addresses: list[str]) -> None:
    results = StreetAddressRecognizer().analyze(text, ["STREET_ADDRESS"])

    assert [text[r.start:r.end] for r in results] == addresses


@pytest.mark.parametrize(("text", "expected"), [
    ("Adressen er Thorvald Meyers gate 51B, 0555 Oslo.", ["Thorvald Meyers gate 51B"]),
    ("elukoht Tartu mnt 63-18, 10115 Tallinn", ["Tartu mnt 63-18"]),
    ("Gedimino pr. 9, Vilnius", ["Gedimino pr. 9"]),
    ("cím: Pozsonyi út 38. II. em. 5.", ["Pozsonyi út 38"]),
    ("Atatürk cad. 12 Kadıköy", ["Atatürk cad. 12"]),
    ("The gate 4 is closed", []),                      # a common word is no street's name
    ("Wohnadresse Mariahilfer Straße 117/3/22, 1060 Wien", ["Mariahilfer Straße 117/3/22"]),
    ("SHIP TO:\nRR 2 BOX 148\nHARLAN IA 51537-9802", ["RR 2 BOX 148\nHARLAN IA 51537-9802"]),
])
def test_a_street_type_written_after_the_name(text: str, expected: list[str]) -> None:
    results = StreetAddressRecognizer().analyze(text, ["STREET_ADDRESS"])

    assert [text[r.start:r.end] for r in results] == expected
