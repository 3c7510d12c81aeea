"""PersonCueRecognizer: names after greetings, introductions, titles, roles; not after others."""

from __future__ import annotations

import pytest
from presidio_analyzer import RecognizerResult

from recognizers.patterns.person_cue_recognizer import PersonCueRecognizer, trim_to_cues

RECOGNIZER = PersonCueRecognizer()


def found(text: str) -> list[str]:
    return [text[r.start : r.end] for r in RECOGNIZER.analyze(text, ["PERSON"])]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hi Sarah, thanks", ["Sarah"]),
        ("Thanks, Tom Lee", ["Tom Lee"]),
        ("my name is Ana Ruiz and", ["Ana Ruiz"]),
        ("Mrs. Okafor called", ["Okafor"]),
        ("Termin in der Praxis Dr. med. Annette Ruhl am Montag", ["Annette Ruhl"]),
        ("Sprechstunde bei Prof. Dr. Klaus Weber.", ["Klaus Weber"]),
        ("Customer Philippine Boyer (x@example.com) reports", ["Philippine Boyer"]),
        ("Bradley Clark here, my order", ["Bradley Clark"]),
        ('signup name="Édouard-Paul Morvan" email=x', ["Édouard-Paul Morvan"]),
        ("Hi team", []),
        ("Thanks again", []),
        ("Shipped with UPS Ground", []),
        ("Customer service is closed", []),
    ],
)
def test_cues(text: str, expected: list[str]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Greetings, sign-offs and introductions in other languages.
        ("Merhaba Zeynep, siparişiniz", ["Zeynep"]),
        ("Vänliga hälsningar,\nOskar Lindqvist", ["Oskar Lindqvist"]),
        ("Hola! Soy Flor de la inmobiliaria", ["Flor"]),
        ("Kedves Szabó Réka!", ["Szabó Réka"]),
        # Titles and role nouns of other languages, names of any cased script.
        ("Sehr geehrter Herr Cem Yıldız, wir", ["Cem Yıldız"]),
        ("Kontoinhaberin Magdalena Steiner. Betrifft", ["Magdalena Steiner"]),
        ("przypominamy o wizycie u dr Katarzyny Lewandowskiej w środę", ["Katarzyny Lewandowskiej"]),
        ("Validé par S. Marchand, le 14/06", ["S. Marchand"]),
        ("Уважаемый Иван Петров, ваш заказ", ["Иван Петров"]),
        # Layouts: speaker labels, record keys, lists, signature dashes, honorifics.
        ("Medewerker (Fleur): Goedemiddag", ["Fleur"]),
        ("CS Dewi: Baik kak", ["Dewi"]),
        ('"surname":"MacLeod",', ["MacLeod"]),
        ("'holder': 'J. de Vries',", ["J. de Vries"]),
        ("Attendees: Priscila Gómez, Kaito Mori\n- notes", ["Priscila Gómez, Kaito Mori"]),
        ("went perfectly.\n- Mele Tuilagi & Losa Fa'amausili", ["Mele Tuilagi & Losa Fa'amausili"]),
        ("Kobayashi-san,\nThe hotel", ["Kobayashi"]),
        # Scripts without case: the cue words of the script.
        ("联系人：刘洋，电话", ["刘洋"]),
        ("[알림] 이서연님, 6월", ["이서연"]),
        ("عزيزي أحمد، تم", ["أحمد"]),
        ("שלום אבי, המשלוח", ["אבי"]),
        # Not names: capitalized nouns and formulas after cues.
        ("Sehr geehrte Damen und Herren", []),
        ("Dear Valued Customer,", []),
        ("Estimado Cliente, su pedido", []),
        ("Attendees: see the invite.", []),
        ("- Fix login bug\n- Update docs", []),
        # A role set off by a colon; what a transcript's speaker says first is no name.
        ("• Therapist: Amanda\n• Date: 28/11", ["Amanda"]),
        ("Customer: Gareth Llewellyn-Jones, born 17/09/1979", ["Gareth Llewellyn-Jones"]),
        ("Agent: Thanks for calling\nCaller: Uh, it's me", []),
        ("mediation between Irma Pettersson and Lo Hammarström, Jan", ["Irma Pettersson", "Lo Hammarström"]),
        ("open between Monday and Friday", []),
        # A name does not run across a line break.
        ("Cliente: Martín Ezequiel Sosa\nDirección: Av. 9", ["Martín Ezequiel Sosa"]),
    ],
)
def test_cues_beyond_english(text: str, expected: list[str]) -> None:
    assert found(text) == expected


def _result(start: int, end: int, recognizer: str) -> RecognizerResult:
    return RecognizerResult("PERSON", start, end, 0.85,
                            recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: recognizer})


@pytest.mark.parametrize(
    ("text", "cue_word", "kept"),
    [
        ("Mvh Mette Kjærgaard", "Mvh ", "Mette Kjærgaard"),
        ("Atendente Júlio: Olá", "Atendente ", "Júlio"),
        # Not a cue word before the cue's name: the model's longer span stands.
        ("Kaito Mori, Élodie Marchand", "Kaito Mori, ", "Kaito Mori, Élodie Marchand"),
    ],
)
def test_a_model_span_starts_where_the_cue_name_starts(text: str, cue_word: str, kept: str) -> None:
    name_start = len(cue_word)
    model = _result(0, len(kept) if kept == text else len(text.split(":")[0]), "NerRecognizer")
    cue = _result(name_start, model.end, PersonCueRecognizer.__name__)
    trim_to_cues([model, cue], text)
    assert text[model.start : model.end] == kept


def test_the_title_gate_lets_every_title_through() -> None:
    """The gate's word list is written apart from the pattern's alternation: each title of the
    pattern must pass it, or a name after that title would be skipped unseen."""
    from recognizers.patterns import person_cue_recognizer as module

    inner = module._TITLE[len("(?:(?:"):module._TITLE.index(r")\.?")]
    titles = [title.replace("\\.", ".") for title in inner.split("|")] + ["M.", "Fam."]
    gate = module.PersonCueRecognizer.PATTERN_GATES["title"]
    recognizer = module.PersonCueRecognizer()
    for title in titles:
        text = f"Letter to {title} Anna Kowalska today"
        assert gate.search(text), title
        found = [text[r.start:r.end] for r in recognizer.analyze(text, ["PERSON"])]
        assert "Anna Kowalska" in found, title


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ticket assigned to Qasım Əliyev.", ["Qasım Əliyev"]),
        ("Caller identified as Maria Lopez, DOB 02/08/1990", ["Maria Lopez"]),
        ("the client (Illés Tamás) wants the report", ["Illés Tamás"]),
        ("Welfare check-in with Andrea on 24 April.", ["Andrea"]),
        ("grievance filed by Elise Johansson against", ["Elise Johansson"]),
        ("Dear 婷,\n\nThank you for your order.", ["婷"]),
        ("I have your file here, Ms 蕭. You're at", ["蕭"]),
        ("mediation between 이영일 and 문시우, 2025-03-05", ["이영일", "문시우"]),
        ("tutoring with 宇 Tuesday", ["宇"]),
        ("北京 is big and 上海 too", ["上海"]),  # after "and": a place here, removed all the same
        ("Laura -\n\nthe report is late.", ["Laura"]),
        # not a note's opening: the dash line is not at the start, or has no space before it
        ("Report\nLaura -\nok", []),
        ("Sales-\nfigures attached", []),
    ],
)
def test_support_desk_cues(text: str, expected: list[str]) -> None:
    found = PersonCueRecognizer().analyze(text, ["PERSON"])
    assert [text[r.start : r.end] for r in found] == expected


def test_chat_speakers_who_take_turns_are_names() -> None:
    text = ("Eva ➜ group: who's bringing what saturday\nVěra: salad\nViktorie: drinks\n"
            "Eva ➜ group: address is Černá 32\nWitold (Legal) 02:47: ok")
    found = {text[r.start:r.end] for r in PersonCueRecognizer().analyze(text, ["PERSON"])}
    assert {"Eva", "Věra", "Viktorie", "Witold"} <= found


@pytest.mark.parametrize("text", [
    # a form: each label opens one line
    "CARRIER: Japan Post EMS\nITEM: EN 441 820 935 JP\nCONTENTS: tea cups\nVALUE: JPY 18,000",
    "Nombre: Valentina Rojas\nRUT: 18.442.731-1\nMotivo: solicitud de reembolso",
    # labels and roles repeat, but are not names
    "Subject: refund\nCustomer: hi\nAgent: hello\nCustomer: thanks\nNote: done",
])
def test_form_labels_are_no_speakers(text: str) -> None:
    found = [r for r in PersonCueRecognizer().analyze(text, ["PERSON"])
             if r.analysis_explanation.pattern_name == "chat_speaker"]
    assert found == []


@pytest.mark.parametrize(("text", "names"), [
    ("[14:20] Oliver (Support): Hi there, you're chatting with Oliver.", ["Oliver"]),
    ("Baccio Rinaldi (Sales) 08:49 PM: closing the deal today", ["Baccio Rinaldi"]),
    ("Note (internal): call back tomorrow", []),
    ("Agent (Support): how can I help?", []),
    ("Total (EUR): 42", []),
])
def test_a_speaker_with_their_team(text: str, names: list[str]) -> None:
    results = PersonCueRecognizer().analyze(text, ["PERSON"])

    assert [text[r.start:r.end] for r in results] == names


@pytest.mark.parametrize(("text", "names"), [
    # attendee lists in more languages, an initial last, a role after the last name
    ("Möte 22/5\nNärvarande: Linnéa, Ahmed, Petra S.\n1. Klagomål", ["Linnéa, Ahmed, Petra S."]),
    ("Notulen\nAanwezig: Bram, Yasmina, Joost (notulist)\n- klacht", ["Bram, Yasmina, Joost"]),
    # record keys in other languages
    ('{"nome": "João Pedro", "sobrenome": "Albuquerque Neto", "cpf": "x"}',
     ["João Pedro", "Albuquerque Neto"]),
    # titles and roles written inside a sentence, a name at a sentence's end
    ("la vecinul de la etajul 2, domnul Popescu. Eu locuiesc", ["Popescu"]),
    ("con la Dra. Itzel Cruz en Av. Vallarta", ["Itzel Cruz"]),
    ("Klacht mevrouw Verbeek-Janssen: dubbele incasso", ["Verbeek-Janssen"]),
    ("Närmaste chef Erik Åberg har godkänt.", ["Erik Åberg"]),
    ("Omainen: puoliso Juha, p. 040 718 2294", ["Juha"]),
    # a dot inside a dotted name or before a domain still ends no name
    ("write to Mr. Lee.Corp today", []),
])
def test_cues_of_more_languages(text: str, names: list[str]) -> None:
    results = PersonCueRecognizer().analyze(text, ["PERSON"])

    assert [text[r.start:r.end] for r in results] == names


@pytest.mark.parametrize(("text", "names"), [
    ("USPS PRIORITY MAIL\nFROM: R. VILLANUEVA\nPO BOX 4418\nTO: MRS F. AKINWANDE-SMITH\nFLAT 2",
     ["R. VILLANUEVA", "F. AKINWANDE-SMITH"]),
    ("TO: ACME WIDGETS LTD\n12 MAIN ST", []),      # a firm on the label
    ("NOTE: CALL FIRST", []),
    ("Good afternoon, Vuka Mobile, you're speaking to Thandiwe.", ["Thandiwe"]),
    ("お客様：小林 由紀子様（会員ID KB-20418273）", ["小林 由紀子"]),
    ("担当：中村", ["中村"]),
    ("السلام عليكم، أنا عبدالله بن سعيد القحطاني، رقم الهوية", ["عبدالله بن سعيد القحطاني"]),
    ("נציג: תודה נועה. הכתובת", ["נועה"]),
])
def test_labels_in_capitals_and_cues_of_other_scripts(text: str, names: list[str]) -> None:
    results = PersonCueRecognizer().analyze(text, ["PERSON"])

    assert [text[r.start:r.end] for r in results] == names


@pytest.mark.parametrize(("text", "expected"), [
    ("Customer: Hi, si Marites Dela Cruz 'to. Account number", ["Marites Dela Cruz"]),
    ("Somos Santiago y Valentina, trabajamos los dos", ["Santiago y Valentina"]),
    ("Bin die Steffi, meine Nummer ist 0664", ["Steffi"]),
    ("Driver note: Mteja anaitwa Wanjiru, anasema", ["Wanjiru"]),
    ("Sunrise Bank se Deepak bol raha hoon. Kya", ["Deepak"]),
    ("Nota HR: la sig.ra Rosa Esposito rientra", ["Rosa Esposito"]),
    ("su hijo Kevin Andrés tiene control", ["Kevin Andrés"]),
    ("Verzekerde: Sanne de Vries-Bakker\nBSN", ["Sanne de Vries-Bakker"]),
    ("Prezada Profa. Cláudia,\nSegue", ["Cláudia"]),
    ("שלום יעל כהן-לוי, תזכורת", ["יעל כהן-לוי"]),
    ("คุณวรรณาคะ พัสดุของคุณถึงแล้ว ขอบคุณครับ", ["วรรณา"]),
    ("For verification: Loretta Gaines-Whitfield, DOB July 4, 1969", ["Loretta Gaines-Whitfield"]),
    ("la procédure : Grégory Da Costa, né le 17/08/1983", ["Grégory Da Costa"]),
    ("1. OYELARAN/ADESUWA MS\n2. OYELARAN/KOREDE MSTR", ["OYELARAN/ADESUWA", "OYELARAN/KOREDE"]),
    ("Parfait, à dimanche. Chloé (621 384 907)", ["Chloé"]),
    ("Call Acme (0800 123 4567) today", []),        # a call to action, not a name
    ("Flight IAH/LOS MS", []),                      # two airport codes
    ("Thanks Anna, Best Regards", ["Anna"]),        # a greeting is no name
    ("forms are missing for Aiden R., Skye and Rowan", ["Aiden R."]),
    ("We follow Plan B. and Vitamin D. Then Section A.", []),
    ("“我叫王建华，身份证号110105", ["王建华"]),
    ("phone=138 1742 6093 name=王磊\n", ["王磊"]),
    ("Chuyển về STK 0451000418273 tên Nguyễn Thu Hà nhé.", ["Nguyễn Thu Hà"]),
    ("Unit:\n• Noa Assunção — CEO, final sign-off\n• 류은지 — Procurement, 054-073-2977",
     ["Noa Assunção", "류은지"]),
    ("• Budget Review — approved\n• Berlin Office — closed", []),   # no role after the dash
    ("grievance filed by BIANCA CANO against", ["BIANCA CANO"]),
    ("mediation between ANDRZEJ WINCENCIAK and Marcelina Samul, July", ["ANDRZEJ WINCENCIAK",
                                                                         "Marcelina Samul"]),
    ('{"first_name": "冬梅", "last_name": "王", "postal_code": "923229"}', ["冬梅", "王"]),
])
def test_cues_of_more_languages_and_layouts(text: str, expected: list[str]) -> None:
    found = [text[r.start:r.end] for r in PersonCueRecognizer().analyze(text, ["PERSON"])]

    assert found == expected
