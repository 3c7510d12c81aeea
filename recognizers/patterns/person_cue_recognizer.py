"""Person names announced by a cue: ``Hi Sarah``, ``Thanks, Tom Lee``, ``my name is ...``,
``Mrs. Okafor``, ``customer Philippe Boyer``, ``name="Ana Ruiz"``, ``Bradley Clark here``.

A small NER model misses single first names and often labels a full name ORGANIZATION or
LOCATION. People introduce names with a small set of cues (greetings and sign-offs,
introductions, titles, role nouns, ``<name> called/asked/wrote``); a run of one to four
capitalized words right after such a cue is reported as PERSON with a score above NER's, so
overlap resolution relabels NER's guess. Words that follow cues but are not names (``Hi team``,
``Thanks again``) are rejected by a stop list.

The cues are those of the languages our customers write in, not only English (``Hola``,
``Vänliga hälsningar``, ``Herrn``, ``Pani``, ``Kontoinhaberin``, ``je suis``), and so are the
names: any cased script (Latin with every diacritic, Greek, Cyrillic), inner capitals
(``MacLeod``), initials (``S. Marchand``), particles (``van der``, ``binti``) and hyphens. A few
more layouts announce a name: a chat speaker label (``Agent Rahul:``, ``Medewerker (Fleur):``),
a key of a record (``"holder": "J. de Vries"``), a signature dash at the end of a text
(``- Beatriz Lopes``), a list after ``Attendees:``, a Japanese honorific suffix
(``Kobayashi-san``), and in scripts without case the cue words of that script (``联系人：``,
``님``, ``عزيزي``, ``שלום``, ``नाम``).
"""

from __future__ import annotations

import re
from typing import ClassVar

import regex
from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from recognizers.base import RegexRecognizer
from recognizers.prefilter import Gate, WordGate
from recognizers.word_alternation import alternation, words

# A name word: capitalized in any cased script, with an inner capital (MacLeod, DeShawn), an
# apostrophe (O'Brien, Fa'amausili) or hyphenated parts (Llewellyn-Jones, Al-Otaibi).
_LOWER = r"[\p{Ll}\p{M}]"
_WORD = (
    rf"(?:\p{{Lu}}['’]\p{{Lu}}{_LOWER}+|\p{{Lu}}{_LOWER}+(?:\p{{Lu}}{_LOWER}+)?)"
    rf"(?:[-'’]\p{{Lu}}?{_LOWER}+)*"
)
_INITIAL = r"\p{Lu}{1,2}\."
_PARTICLE = (
    r"(?:de|del|de la|de los|van|van der|van den|von|von der|der|den|da|das|di|du|le|la|dos|"
    r"bin|binti|bint|ibn|ben|al|el|ter|ten|zu|af|av|y|e)"
)
_PLAIN_NAME = (
    rf"(?:{_INITIAL}[ \t]?(?:{_PARTICLE}[ \t]+)?)?{_WORD}"
    rf"(?:[ \t]+(?:{_PARTICLE}[ \t]+)?(?:{_INITIAL}[ \t]?)?{_WORD}){{0,3}}"
    # a surname's initial last: "Petra S."
    rf"(?:[ \t]+{_INITIAL}(?![ \t]*\p{{Lu}}))?"
)
_NAME = rf"(?P<value>{_PLAIN_NAME})"
# Two people signing together: "Mele Tuilagi & Losa Fa'amausili".
_NAMES = rf"(?P<value>{_PLAIN_NAME}(?:\s*(?:,|&|\+|and|und|et|y|e|og|och|en)\s+{_PLAIN_NAME}){{0,5}})"
# A name ends before a space or punctuation; a dot only at a sentence's end ("domnul Popescu."),
# not inside a dotted name or an address (tom.lee@, Lee.Corp).
_END = r"(?![\w@-]|\.\w|\s+[a-z]+@)"

_GREETING_WORDS = words("""
    hi | hiya | hello | hey | dear | dearest | thanks | thank you | thx | ty | regards |
    best regards | kind regards | warm regards | best | cheers | sincerely | yours | love |
    xoxo | hallo | moin | servus | liebe | lieber | sehr geehrte | sehr geehrter | grüße |
    grüßen | gruß | danke | beste grüße | liebe grüße | lg | vg | mfg | groet | groeten | hoi |
    beste | geachte | bedankt | dank je | hej | hei | hallå | kära | käre | kære | tack |
    takk | tak | hilsen | hälsningar | vänliga hälsningar | med vänlig hälsning | mvh |
    venlig hilsen | med venlig hilsen | vennlig hilsen | bonjour | bonsoir | salut | coucou |
    cher | chère | merci | cordialement | bises | bisous | amitiés | hola | buenos días |
    buenas | estimado | estimada | querido | querida | gracias | saludos | un saludo |
    atentamente | abrazos | besos | olá | oi | prezado | prezada | obrigado | obrigada |
    abraços | beijos | beijinhos | atenciosamente | ciao | salve | caro | cara | gentile |
    grazie | saluti | cordiali saluti | buna | bună | dragă | salutări | mulțumesc | cześć |
    witaj | dzień dobry | szanowny | szanowna | pozdrawiam | dziękuję | ahoj | dobrý den |
    vážený | vážená | děkuji | s pozdravem | zdravo | bok | pozdrav | poštovani | poštovana |
    hvala | moi | terve | hyvä | kiitos | terveisin | szia | sziasztok | kedves | tisztelt |
    köszönöm | üdvözlettel | merhaba | selam | sayın | sevgili | teşekkürler | saygılarımla |
    halo | hai | terima kasih | salam | salamat | kumusta | xin chào | chào | diolch |
    sawubona | habari | jambo | привет | здравствуйте | уважаемый | уважаемая | дорогой |
    дорогая | спасибо | с уважением | γεια σου | γεια σας | αγαπητέ | αγαπητή | ευχαριστώ |
    szanowni | labdien | sveiki | čau | labas | laba diena | tere | lugupeetud | kallis |
    dobrý deň | vážení | здравей | здравейте | вітаю | привіт | шановний | шановна |
    добрий день | добрый день | дякую | stimate | stimată | spoštovani | pozdravljeni |
    καλημέρα | καλησπέρα | namaste | namaskar | kính gửi | hujambo | halló | góðan dag |
    hæ | kæri | kæra | cumprimentos | melhores cumprimentos | um abraço
""")
_GREETING = "(?i:" + alternation(_GREETING_WORDS) + ")"
# Words for a name after a colon: "Name: ...", "Nombre: ..." (the first also after "full",
# "customer", "card holder" ...).
_INTRO_KEYS = ("name", "nombre", "nome", "nom", "navn", "namn", "naam", "nimi", "imię", "jméno",
               "név", "isim", "nama", "имя", "фио", "tên", "họ tên")
_INTRO_WORDS = words("""
    my name is | name is | i am | i'm | im | this is | it's | its | ich bin | ich heiße |
    speaking to | you're speaking to | you are speaking to | talking to | you're talking to |
    mein name ist | ik ben | mijn naam is | jag heter | jeg heter | jeg er | je suis |
    je m'appelle | c'est | moi c'est | soy | me llamo | mi nombre es | sou | meu nome é |
    mi chiamo | sono | nazywam się | jestem | jmenuji se | jsem | a nevem | adım | benim adım |
    nama saya | меня зовут | это | bin die | bin der | ich bin die | ich bin der |
    naitwa | ninaitwa | anaitwa | jina langu ni
""")
# Weaker cues, below the model's score so that its reading of a place or a firm wins: "we are"
# before the first of a list of names ("Somos Santiago y Valentina"), and the Tagalog person
# markers, written in lower case ("si Marites Dela Cruz", "tuition ni Bea", "kay Jun").
_WEAK_INTRO_WORDS = ("somos", "we are", "wir sind", "nous sommes", "siamo", "si", "ni", "kay")
_WEAK_INTRO = r"(?:(?i:somos|we are|wir sind|nous sommes|siamo)|si|ni|kay)"
_INTRO = (
    "(?i:" + alternation(_INTRO_WORDS)
    + r"|(?:full |customer |contact |card ?holder |account ?holder )?name\s*[:=]\s*[\"']?"
    + r"|(?:" + "|".join(_INTRO_KEYS[1:]) + r")\s*[:=]?"
    + ")"
)
_TITLE = (
    r"(?:(?:Mr|Mrs|Ms|Miss|Mx|Dr|dr|Prof|Herr|Herrn|Frau|Hr|Fr|Familie|Family|Famille|"
    r"Familia|Família|Mme|Mlle|Madame|Monsieur|Sr|Sra|Srta|Señor|Señora|Doña|Dña|"
    r"Sig|Sig\.ra|Signor|Signora|Dott|Dott\.ssa|Pan|Pani|Panie|Pana|Panu|Paní|dna|dnul|"
    r"Dl|Dna|Dhr|Mevr|Mevrouw|Meneer|Fru|Herra|Rouva|Pak|Bapak|Bu|Ibu|Kak|kak|"
    r"Mbak|Kuya|Sir|Madam|Sheikh|Shri|Smt|Dra|Dres|Profa|Ma'am|Ma’am|Doña|Don|"
    r"sig\.ra|sig|dott\.ssa|prof\.ssa|"
    # written in lower case inside a sentence ("klacht mevrouw X", "domnul Popescu")
    r"mevrouw|meneer|domnul|doamna|doamnei|señora|señor|senhora|senhor|signora|signor)\.?"
    # German degrees after the title: "Dr. med.", "Dr. rer. nat.", "Prof. Dr.", "Dipl.-Ing."
    r"(?:\s?(?:med|dent|vet|phil|jur|habil|rer\.\s?nat|Dr|Dipl\.-Ing|Ing)\.)*"
    r"|(?:M|Fam)\.)"
)
# The titles of _TITLE in lowercase, for its gate (a test checks they cover every one).
_TITLE_WORDS = words("""
    mr | mrs | ms | miss | mx | dr | prof | herr | herrn | frau | hr | fr | familie | family |
    famille | familia | família | mme | mlle | madame | monsieur | sr | sra | srta | señor |
    señora | doña | dña | sig | sig.ra | signor | signora | dott | dott.ssa | pan | pani |
    panie | pana | panu | paní | dna | dnul | dl | dhr | mevr | mevrouw | meneer | fru | herra |
    rouva | pak | bapak | bu | ibu | kak | mbak | kuya | sir | madam | sheikh | shri | smt | m. |
    fam. | dra | dres | domnul | doamna | doamnei | senhora | senhor | profa | ma'am | ma’am |
    doña | don | sig.ra | dott.ssa | prof.ssa
""")
_ROLE_WORDS = words("""
    therapist | stylist | trainer | tutor | teacher | instructor | coach | guide | host |
    witness | mediator | landlady | carer | caregiver | dr. | physio | installer |
    customer | client | recipient | consignee | contact | caller | user | owner | holder |
    card holder | cardholder | account holder | accountholder | policy holder | policyholder |
    subscriber | member | insured | beneficiary | payee | sender | guest | passenger |
    traveller | traveler | lead | applicant | candidate | new hire | hire | employee |
    colleague | manager | assistant | pa | secretary | driver | courier | trucker |
    technician | tech | nurse | doctor | physician | dentist | therapist | agent | rep |
    representative | advisor | adviser | consultant | patient | tenant | landlord | requester |
    buyer | seller | student | pupil | child | son | daughter | wife | husband | partner |
    spouse | mother | father | mom | dad | sister | brother | neighbour | neighbor |
    spoke with | spoke to | met with | met | called | approved by | validated by |
    on behalf of | signed by | attn. | attn | c/o | voicemail for | cc | assigned to |
    reassigned to | escalated to | escalated by | escalation from | identified as | handled by |
    reported by | submitted by | closed by | filed by | check-in with | follow-up with |
    meeting with | call with | appointment with | session with | kunde | kundin |
    klient | klientin | klientka | klant | cliente | kontoinhaber | kontoinhaberin |
    karteninhaber | karteninhaberin | inhaber | inhaberin | empfänger | empfängerin |
    ansprechpartner | ansprechpartnerin | mitarbeiter | mitarbeiterin | fahrer | nachbar |
    nachbarin | rekeninghouder | medewerker | kontohavare | kontohaver | titular | titulaire |
    intestatario | intestataria | destinatario | destinataria | destinataire | bénéficiaire |
    beneficiario | beneficiária | paciente | patiente | patientin | locataire | inquilino |
    empleado | empleada | employé | employée | funcionário | funcionária | dipendente |
    pracownik | pracownica | zákazník | zákaznice | asiakas | müşteri | pelanggan | nasabah |
    vecina | vecino | voisin | voisine | validé par | firmado por | genehmigt von |
    vizinha | vizinho | vecinul | vecina | chef | puoliso | ehemann | ehefrau | esposa | esposo |
    marido | moglie | marito | echtgenoot | echtgenote | tannlege | tandläkare | tandlæge |
    tandarts | zahnarzt | zahnärztin | dentista | dentiste | hausarzt | hausärztin | huisarts |
    aprobado por | baja voluntaria de | alta de | dossier | expediente | zlecenie od |
    wizyta u | hijo | hija | compañero | compañera | hermano | hermana | madre | padre |
    fils | fille | frère | sœur | conjoint | ex-conjoint | époux | épouse | collègue | filho |
    filha | irmão | irmã | colega | figlio | figlia | fratello | sorella | collega |
    verzekerde | verzekeringnemer | polishouder | aanvrager | huurder | zoon | dochter |
    sohn | tochter | kollege | kollegin | bruder | schwester | for verification
""")
_ROLE = "(?i:" + alternation(_ROLE_WORDS) + ")"
# "Tom here", "Ana speaking", "Deepak bol raha hoon" (Hindi: "is speaking")
_VERB_AFTER = ("here", "speaking", "hier", "aquí", "ici", "bol raha", "bol rahi")
_VERB_WORDS = words("""
    called | asked | says | said | wrote | emailed | mentioned | complained | reported |
    threatened | requested | confirmed | phoned | rang | texted | ringte | ringde | rief |
    schrieb | hat angerufen | a appelé | a écrit | llamó | escribió | ligou | chiamato |
    zadzwonił | zadzwoniła
""")
_VERBS = (
    "(?:" + alternation(_VERB_WORDS)
    + r"|(?:" + "|".join(_VERB_AFTER) + r")\b)"
)
# Speaker labels of a chat or call transcript, at the start of a line: "Agent Rahul:",
# "[GM Rosa]:", "CS Dewi:", "Medewerker (Fleur):".
_SPEAKER_ROLE_WORDS = words("""
    agent | cs | gm | rep | operator | support | staff | mod | moderator | admin | host |
    tech | advisor | medewerker | mitarbeiter | mitarbeiterin | agente | atendente | asesor |
    asesora | operador | operadora | conseiller | conseillère | berater | beraterin |
    kundendienst | dr | nurse | doctor | temsilci | ejecutiva | ejecutivo | consultor |
    consultora | petugas | operatör
""")
_SPEAKER_ROLE = "(?i:" + alternation(_SPEAKER_ROLE_WORDS) + ")"
_LIST_CUE_WORDS = words("""
    attendees | participants | present | guests | passengers | members | invitees |
    teilnehmer | teilnehmende | participantes | deelnemers | deltagare | osallistujat |
    obecni | uczestnicy | anwesend | aanwezig | närvarande | til stede | tilstede | deltagere |
    läsnä | présents | presentes | presenti | přítomni | katılımcılar | hadir | attending
""")
_LIST_CUE = "(?i:" + alternation(_LIST_CUE_WORDS) + ")"
_KEY = (
    r"(?i:\w*name|holder|\w+_holder|subscriber|forename|surname|recipient|customer|contact|"
    r"patient|insured|beneficiary|payee|passenger|guest|employee|applicant|to|from|attn|"
    # first and last names as record keys in the languages of our texts
    r"\w*nome|\w*nombre|apellidos?|cognome|nom|pr[ée]nom|vorname|nachname|familienname|"
    r"voornaam|achternaam|imi[ęe]|nazwisko|f[öo]rnamn|efternamn|fornavn|etternavn|efternavn|"
    r"etunimi|sukunimi|jm[ée]no|p[řr][íi]jmen[íi]|soyad[ıi]?)"
)
# A name in capitals: two or three words ("ANDRZEJ WINCENCIAK", "SZABÓ ILDIKÓ").
_CAPS_NAME = r"\p{Lu}[\p{Lu}'’-]+(?:[ ]\p{Lu}[\p{Lu}'’-]+){1,2}"
# What a role after a name in a list starts with.
_ROLE_AFTER = (r"(?i:[^\n]{0,12}?(?<![\w])(?:ceo|cfo|cto|coo|cio|cmo|vp|svp|evp|head|director|"
               r"manager|lead|engineer|procurement|purchasing|founder|owner|president|chair|"
               r"partner|consultant|analyst|officer|counsel|assistant|secretary|coordinator|"
               r"admin|accountant|buyer|controller|architect|developer|designer)(?![\w]))")
_BIRTH_WORDS = ("dob", "d.o.b.", "born", "né", "née", "nacido", "nacida", "geb.", "geboren",
                "nato", "nata", "nascido", "nascida", "urodzony", "urodzona", "född", "født",
                "syntynyt")
_BIRTH = "|".join(re.escape(word) for word in _BIRTH_WORDS)
_HAN_CUE = (r"(?:联系人|聯絡人|客户|客戶|收件人|收货人|收貨人|寄件人|姓名|患者|顾客|顧客|用户|用戶|"
            r"担当者?|氏名|お客様|ご依頼主|受取人|名前|我叫|我姓|(?i:name))")

# Capitalized words that follow cues without being names (German capitalizes every noun;
# "Dear Valued Customer", "Estimado Cliente", "Szanowni Państwo", "Thanks Again").
STOP_WORDS = frozenset(["team", "support", "all", "everyone", "there", "sir", "madam", "customer", "customers", "service", "sales", "again", "so", "much", "you", "very", "the", "a", "an", "in", "on", "at", "for", "from", "to", "please", "ok", "okay", "yes", "no", "morning", "afternoon", "evening", "guys", "folks", "friends", "world", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december", "order", "refund", "account", "card", "payment", "delivery", "package", "address", "email", "phone", "mobile", "tel", "admin", "billing", "shipping", "unknown", "none", "null", "test", "help", "agent", "api", "ip", "ssn", "dob", "iban", "valued", "hiring", "manager", "wishes", "sorry", "fine", "good", "great", "done", "here", "back", "new", "still", "just", "not", "really", "happy", "glad", "writing", "looking", "urgent", "important", "hr", "it", "care", "name", "number", "details", "visa", "mastercard", "amex", "paypal", "damen", "herren", "grüße", "gruß", "kollegen", "kolleginnen", "kunde", "kundin", "sie", "ihr", "ihnen", "euch", "zusammen", "alle", "klant", "heer", "mevrouw", "allemaal", "iedereen", "kunden", "equipo", "cliente", "clientes", "señor", "señora", "tardes", "noches", "días", "todos", "todas", "amigos", "usted", "ustedes", "madame", "monsieur", "beaucoup", "client", "équipe", "tous", "toutes", "vous", "equipe", "senhor", "senhora", "pela", "pelo", "você", "vocês", "mille", "signore", "signora", "tutti", "cliente", "państwo", "pan", "pani", "wszystkim", "müşterimiz", "müşteri", "kasih", "bapak", "ibu", "клиент", "клиенты", "коллеги", "soy", "sou", "sono", "je", "ich", "ik", "jag", "jeg", "this", "it's", "i'm", "my", "mr", "mrs", "ms", "miss", "dr", "herr", "herrn", "frau", "mme", "mlle", "sr", "sra", "srta", "dhr", "mevr", "pani", "pan",
    # what a speaker opens with after "Agent:" or "Caller:"
    "hi", "hello", "hey", "thank", "thanks", "sure", "oh", "uh", "um", "welcome", "your", "only", "of", "and", "yes", "sí", "si", "oui", "ja", "yeah", "well", "alright", "right", "perfect", "good", "great", "sorry", "hmm", "ah", "okay", "how", "what", "who"])


# A chat line: "Petra: salad", "Eva ➜ group: ...", "Witold (Legal) 02:47: ...".
_CHAT_LINE = regex.compile(
    r"(?m)^[ \t]*(?:\[[^\]\n]{1,20}\][ \t]*)?(?P<name>\p{Lu}[\p{L}\p{M}'’-]{1,24})"
    r"(?:[ \t]+\([^)\n]{1,20}\))?(?:[ \t]+\d{1,2}(?::\d{2})?(?:[ \t]?[AaPp][Mm])?)?"
    r"(?:[ \t]*➜[^:\n]{1,20})?[ \t]*:[ \t]+\S"
)
# Line labels that are not speakers (besides the stop words and the role and speaker words).
_NOT_SPEAKERS = frozenset(
    ["subject", "note", "notes", "date", "time", "from", "to", "re", "fw", "fwd", "status",
     "priority", "system", "bot", "speaker", "q", "a", "step", "total", "summary", "reason",
     "action", "update", "result", "error", "warning", "info", "debug", "question", "answer",
     "issue", "problem", "request", "response", "tags", "type", "category", "location", "where",
     "when", "what", "who", "why", "how", "ps", "pps", "nb", "tip", "edit", "tldr", "tl", "eta",
     "dear", "hi", "hello", "re", "ticket", "case", "order", "amount", "price", "cost", "title"]
)


def _speakers(text: str) -> list[tuple[int, int]]:
    """The speaker names of a transcript: a capitalized word opening three or more chat lines
    between at least two different speakers, one of them speaking twice, none a label
    (Subject:, Note:, Customer: ...)."""
    lines = [m for m in _CHAT_LINE.finditer(text)
             if not _is_label(m.group("name"))]
    names = [m.group("name").casefold() for m in lines]
    # A form's labels ("CARRIER:", "Motivo:") each open one line; speakers take turns.
    if len(lines) < 3 or len(set(names)) < 2 or len(set(names)) == len(names):
        return []
    return [m.span("name") for m in lines]


# Words before a bracketed number that ask to call it rather than name its owner.
_CALL_WORDS = frozenset(["call", "text", "ring", "contact", "phone", "reach", "dial", "tel",
                         "fax", "mobile", "whatsapp", "ligue", "llame", "llama", "appelez",
                         "anrufen", "bel", "hotline", "helpline", "support", "office"])
_IATA_PAIR = regex.compile(r"[A-Z]{3}/[A-Z]{3}")
# Words before a letter that are no first name: "Plan B.", "Vitamin D.", "Section A.".
_LETTERED = frozenset(["plan", "vitamin", "section", "type", "class", "grade", "group", "block",
                       "building", "tower", "wing", "zone", "hall", "room", "gate", "terminal",
                       "level", "phase", "part", "annex", "appendix", "exhibit", "schedule",
                       "form", "figure", "table", "chapter", "article", "item", "step", "stage",
                       "option", "model", "series", "unit", "version", "category", "row",
                       "seat", "lot", "platform", "bay", "dock", "door", "box", "column",
                       "hepatitis", "team", "division", "league", "size", "ward", "floor"])


def _misread(result: RecognizerResult, text: str) -> bool:
    """A call to action before a number ("Call Acme (0800 ...)"), or a route of two airport
    codes before "MS" ("IAH/LOS MS")."""
    explanation = result.analysis_explanation
    pattern = explanation.pattern_name if explanation is not None else None
    value = text[result.start:result.end]
    if pattern == "before_phone":
        return any(word.casefold() in _CALL_WORDS for word in value.split())
    if pattern == "airline":
        return bool(_IATA_PAIR.fullmatch(value))
    if pattern == "initial":
        return value.split()[0].casefold() in _LETTERED
    return False


def _is_label(word: str) -> bool:
    folded = word.casefold()
    return (folded in STOP_WORDS or folded in _NOT_SPEAKERS or folded in _ROLE_SET
            or folded in _SPEAKER_SET)


_CJK = regex.compile(r"[\p{Han}\p{Hangul}]")  # the cue_cjk pattern's gate


_ROLE_SET = frozenset(word.casefold() for word in _ROLE_WORDS)
# Words of a firm's or a carrier's name on a label in capitals.
_FIRM_WORDS = frozenset(["ltd", "inc", "llc", "gmbh", "corp", "co", "plc", "sa", "ag", "bv", "oy",
                         "ab", "srl", "spa", "sas", "company", "limited", "group", "store", "shop",
                         "warehouse", "logistics", "mail", "priority", "express", "post", "usps",
                         "ups", "fedex", "dhl", "returns", "department", "dept"])
# Every word of a cue (titles, roles, greetings, speaker roles): such a word announces a name and
# is none ("Kak Rizky", "the consignee Ana Lima"); ``recognizers.patterns.common_words`` reads it.
CUE_WORDS: frozenset[str] = frozenset(
    word for phrase in (*_TITLE_WORDS, *_ROLE_WORDS, *_GREETING_WORDS, *_SPEAKER_ROLE_WORDS)
    for word in phrase.casefold().split()
)
_TITLE_SET = frozenset(word.casefold().rstrip(".") for word in _TITLE_WORDS)
_GREETING_SET = frozenset(word.casefold() for word in _GREETING_WORDS)
_SPEAKER_SET = frozenset(word.casefold() for word in _SPEAKER_ROLE_WORDS)


class PersonCueRecognizer(RegexRecognizer):
    """Capitalized names after a person cue (see the module docstring)."""

    ENTITY = "PERSON"
    _AFTER_ROLE = r"(?=\s*(?:[,.;:!?()\[\]\n]|\s\p{Ll}|$))"
    PATTERNS = (
        ("greeting", rf"(?<![\w]){_GREETING}[,!]?\s+{_NAME}{_END}", 0.9),
        ("intro", rf"(?<![\w]){_INTRO}\s*{_NAME}{_END}", 0.9),
        ("weak_intro", rf"(?<![\w]){_WEAK_INTRO}\s+{_NAME}{_END}", 0.7),
        ("title", rf"(?<![\w]){_TITLE}\s+{_NAME}{_END}", 0.95),
        # "customer: Ana Ruiz", "the client (Illés Tamás)", "assigned to Qasım."
        ("role", rf"(?<![\w]){_ROLE}(?::[ \t]*|\s+\(?){_NAME}{_AFTER_ROLE}", 0.9),
        ("between", rf"(?<![\w])(?i:between)\s+(?P<value>{_PLAIN_NAME}|{_CAPS_NAME})\s+(?:and|&)\s",
         0.85),
        ("between_second",
         rf"(?=\p{{Lu}})(?<=(?<![\w])(?i:between)\s+(?:{_PLAIN_NAME}|{_CAPS_NAME})\s+(?:and|&)\s+)"
         rf"{_NAME}{_END}", 0.85),
        ("verb", rf"(?:^|(?<=[\n.!?]\s*)|(?<=\s))(?<![\w]){_NAME}\s+{_VERBS}", 0.9),
        ("speaker", rf"(?:^|(?<=\n))[ \t]*\[?(?:[\d:]+\]?\s*)?{_SPEAKER_ROLE}\s+\(?{_NAME}\)?\]?\s*:",
         0.9),
        # The key is a lookbehind behind a capital: ``\w*name`` tried at every word is 8x dearer.
        ("key", (rf"(?=\p{{Lu}})(?<=(?<![\w]){_KEY}[\"']?\s*[:=]\s*[\"']?){_NAME}"
                 rf"(?=\s*[\"',}}\]\n;|]|\s*$)"), 0.85),
        # The last name may have a role after it: "Aanwezig: Bram, Yasmina, Joost (notulist)".
        ("list", rf"(?<![\w]){_LIST_CUE}\s*:\s*{_NAMES}(?=[ \t]*(?:\([^)\n]{{1,30}}\))?\s*(?:[.;\n]|$))",
         0.85),
        # A note that opens with its addressee and a dash: "Laura —\n\nthe client ...".
        # (Normalization has made the dash a hyphen by the time recognizers run.)
        ("opening_dash", rf"\A[ \t]*{_NAMES}[ \t]+[-—–][ \t]*\n", 0.85),
        ("signature", rf"(?:^|(?<=\s))[-–—~]\s?{_NAMES}\s*\Z", 0.85),
        ("honorific", rf"(?<![\w]){_NAME}-(?:san|sama|kun|chan|sensei|senpai|ssi|nim)(?!\w)", 0.9),
        # A chat line of someone and their team: "[14:20] Oliver (Support): Hi", "Baccio (Sales)
        # 08:49 PM: ...". (Several such lines are speakers anyway, see ``_speakers``.)
        ("speaker_team", (rf"(?m)^[ \t]*(?:\[[^\]\n]{{1,20}}\][ \t]*)?{_NAME}[ \t]+"
                          r"\([\p{L}&/ .-]{2,24}\)(?:[ \t]+\d{1,2}(?::\d{2})?(?:[ \t]?[AaPp][Mm])?)?"
                          r"[ \t]*:[ \t]+\S"), 0.85),
        # A name in Han or Hangul script after a cue: "Dear 婷,", "Ms 蕭.", "the client 최",
        # "between 이영일 and 문시우", "tutoring with 宇".
        ("cue_cjk", rf"(?<![\w])(?:{_GREETING}[,!]?|{_ROLE}:?|{_TITLE}|(?i:between|and|with|for))"
                    rf"\s*\(?(?P<value>[\p{{Han}}\p{{Hangul}}]{{1,4}})(?=[\s,，.。;:!?()]|$)", 0.85),
        ("han", rf"{_HAN_CUE}\s*[：:=]?\s*(?P<value>\p{{Han}}{{2,4}})(?=[，,。、；;：:（(\s]|$)", 0.85),
        ("han_title", r"(?P<value>\p{Han}{2,3}(?:[ 　]\p{Han}{1,3})?)(?=先生|女士|小姐|老师|老師|同学|同學|様|さま|さん|殿)",
         0.8),
        ("hangul", r"(?P<value>\p{Hangul}{2,4})(?=님|씨)", 0.85),
        # "أنا" (I am) and "اسمي" (my name is) take the whole name ("عبدالله بن سعيد القحطاني").
        ("arabic", r"(?:عزيزي|عزيزتي|السيد|السيدة|الأستاذ|الأستاذة|مرحبا|أهلا|أنا|اسمي|العميل|العميلة|"
                   r"المريض|المريضة|الموظف|الموظفة)\s+"
                   r"(?P<value>\p{Arabic}{2,}(?:\s+(?:بن|بنت|ابن|آل|أبو)?\s*\p{Arabic}{2,}){0,3})"
                   r"(?=\s*[،,.]|\s*$)", 0.85),
        ("hebrew", r"(?:שלום|לכבוד|היי|מר|גברת|תודה|ד\"ר|דר'|גב')\s+"
                   r"(?P<value>\p{Hebrew}{2,}(?:-\p{Hebrew}{2,})?(?:[ ]\p{Hebrew}{2,}(?:-\p{Hebrew}{2,})?)?)"
                   r"(?=[\s,.!?:]|$)", 0.85),
        # Shipping labels and forms in capitals: "FROM: R. VILLANUEVA", "TO: MRS F. AKINWANDE-SMITH".
        ("label_caps", (r"(?m)^[ \t]*(?:FROM|TO|SHIP TO|DELIVER TO|ATTN|NAME|RECIPIENT|SENDER|"
                        r"CONSIGNEE|SHIPPER|BILL TO|CUSTOMER)\s*:\s*(?:(?:MRS|MR|MS|MISS|DR)\.?\s+)?"
                        r"(?P<value>(?:\p{Lu}{1,2}\.\s?)?\p{Lu}[\p{Lu}'’-]+(?:\s+(?:\p{Lu}{1,2}\.|"
                        r"\p{Lu}[\p{Lu}'’-]+)){0,3})[ \t]*$"), 0.8),
        # Not "ของคุณ" (your) or "ขอบคุณ" (thank you).
        ("thai", r"(?<!ของ)(?<!ขอบ)(?:คุณ|นาย|นางสาว|นาง)(?P<value>\p{Thai}{2,12}?(?:[ ]\p{Thai}{2,12}?)?)"
                 r"(?=คะ|ค่ะ|ครับ|นะ|[\s,.(]|$)", 0.8),
        # A name right before its birth date: "Loretta Gaines-Whitfield, DOB July 4, 1969",
        # "Grégory Da Costa, né le 17/08/1983".
        ("birth", rf"(?<![\w]){_NAME}(?:[ \t]*,[ \t]*|[ \t]+)(?=(?i:{_BIRTH})(?![\w]))", 0.85),
        # An airline's SURNAME/GIVEN before the passenger's title: "OYELARAN/ADESUWA MS".
        ("airline", r"(?<![\w/])(?P<value>\p{Lu}[\p{Lu}'-]{1,24}/\p{Lu}[\p{Lu}'-]{1,24}"
                    r"(?:[ ]\p{Lu}[\p{Lu}'-]{1,24})?)(?=[ ]?(?:MR|MRS|MS|MSTR|MISS|DR|CHD|INF)(?![\w]))",
         0.8),
        # A name right before its phone number in brackets: "Chloé (621 384 907)".
        ("before_phone", rf"(?<![\w]){_NAMES}[ \t]*(?=\((?:\+|\d)[\d \-./]{{6,}}\))", 0.8),
        # A first name and a surname's initial in a list or at a clause's end: "Aiden R., Skye,
        # Mackenzie P. and Rowan" (section, plan and vitamin letters are left out).
        ("initial", r"(?<![\w.])(?P<value>\p{Lu}\p{Ll}{2,}[ \t]\p{Lu}\.)"
                    r"(?=[ \t]*(?:,|;|&|\)|\n|$|and\s|y\s|e\s|et\s|und\s))", 0.8),
        # A list of people with their roles: "• Evelia Tormo — CEO, final sign-off", "• ЗОРЯН
        # ЗАЇКА — Head of IT", "• 류은지 — Procurement" (a role word must follow the dash).
        ("name_role", (rf"(?m)^[ \t]*(?:[•*·-]|\d{{1,2}}[.)])?[ \t]*(?P<value>{_PLAIN_NAME}|{_CAPS_NAME}|"
                       r"[\p{Han}\p{Hangul}]{2,4}|\p{Devanagari}+(?:[ ]\p{Devanagari}+){0,2})"
                       rf"[ \t]+[—–-][ \t]+(?={_ROLE_AFTER})"), 0.85),
        # A name in capitals after a role or a title cue: "filed by BIANCA CANO", "Mr JOHN DOE".
        ("caps_after_cue", rf"(?<![\w])(?:{_ROLE}|{_TITLE})[ \t]+(?P<value>{_CAPS_NAME})(?![\w])",
         0.8),
        # A record's name key with a Chinese or Korean value, one character too:
        # '"last_name": "王"', 'name=王磊'.
        ("key_cjk", r"(?i:name)[\"']?[ \t]*[:=][ \t]*[\"']?(?P<value>[\p{Han}\p{Hangul}]{1,4})"
                    r"(?=[\"',;}\]\s]|$)", 0.85),
        ("devanagari", r"(?i:naam|name|नाम)\s*[:=]?\s*(?P<value>\p{Devanagari}+(?:\s+\p{Devanagari}+){0,2})",
         0.85),
    )
    CONTEXT = ()
    # Each pattern is tried only on a text holding one of its cue words (most texts hold none).
    PATTERN_GATES: ClassVar[dict[str, Gate]] = {
        "greeting": WordGate(_GREETING_WORDS, whole_word=True),
        "cue_cjk": _CJK,
        "intro": WordGate([*_INTRO_WORDS, *_INTRO_KEYS], at_word_start=True),
        "title": WordGate(_TITLE_WORDS, whole_word=True),
        "role": WordGate(_ROLE_WORDS, whole_word=True),
        "between": WordGate(["between"], at_word_start=True),
        "between_second": WordGate(["between"], at_word_start=True),
        "verb": WordGate([*_VERB_WORDS, *_VERB_AFTER], at_word_start=True),
        "speaker": WordGate(_SPEAKER_ROLE_WORDS),
        "list": WordGate(_LIST_CUE_WORDS, whole_word=True),
        # The pattern is case-sensitive: the suffix is written as here.
        "honorific": re.compile("-(?:san|sama|kun|chan|sensei|senpai|ssi|nim)"),
        "speaker_team": re.compile(r"\)[ \t0-9:APMapm]{0,12}:"),
        "key": re.compile("[:=]"),
        "signature": re.compile("[-–—~]"),
        "han": regex.compile(r"\p{Han}"),
        "han_title": regex.compile(r"\p{Han}"),
        "hangul": regex.compile(r"\p{Hangul}"),
        "arabic": regex.compile(r"\p{Arabic}"),
        "hebrew": regex.compile(r"\p{Hebrew}"),
        "thai": regex.compile(r"คุณ|นาย|นาง"),
        "initial": regex.compile(r"\p{Ll}[ \t]\p{Lu}\."),
        "name_role": regex.compile(r"[ \t][—–-][ \t]"),
        "key_cjk": regex.compile(r"(?i:name)[\"']?[ \t]*[:=][ \t]*[\"']?[\p{Han}\p{Hangul}]"),
        "caps_after_cue": regex.compile(r"\p{Lu}{2}[\p{Lu}'’-]*[ ]\p{Lu}{2}"),
        "weak_intro": WordGate(_WEAK_INTRO_WORDS, whole_word=True),
        "birth": WordGate(_BIRTH_WORDS, at_word_start=True),
        "airline": regex.compile(r"\p{Lu}/\p{Lu}"),
        # The name's last word (or initial) right before the bracket.
        "before_phone": regex.compile(r"\p{Lu}[\p{L}\p{M}'’.-]*[ \t]*\((?:\+|\d)"),
        "devanagari": regex.compile(r"\p{Devanagari}"),
        "label_caps": re.compile(r"(?m)^[ \t]*[A-Z][A-Z ]{1,10}\s*:"),
    }

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """The patterns' names, and the speakers of a chat transcript (see ``_speakers``)."""
        results = [
            r for r in super().analyze(text, entities, nlp_artifacts)
            # "Note (internal): ...": a line label, not a speaker; "TO: ACME WIDGETS LTD": a firm.
            if not (r.analysis_explanation is not None
                    and (r.analysis_explanation.pattern_name == "speaker_team"
                         and any(_is_label(word) for word in text[r.start:r.end].split())
                         or r.analysis_explanation.pattern_name == "label_caps"
                         and any(word.strip(".,").casefold() in _FIRM_WORDS
                                 for word in text[r.start:r.end].split())))
        ]
        results = [r for r in results if not _misread(r, text)]
        if text.count(":") >= 3 and text.count("\n") >= 2:
            taken = {(r.start, r.end) for r in results}
            results += [self._result(start, end, 0.8, "chat_speaker")
                        for start, end in _speakers(text) if (start, end) not in taken]
        return results

    def validate(self, value: str) -> bool | None:
        """Drop a match whose first or last word is a stop word (before overlapping matches
        are merged, so "Hola! Soy Flor" keeps the introduction's "Flor")."""
        words = value.split()
        first, last = words[0].strip(".,").casefold(), words[-1].casefold()
        if (first in STOP_WORDS or last in STOP_WORDS or first in _GREETING_SET
                or first in _TITLE_SET or first in _ROLE_SET):
            # "Best Regards", "Prezada Profa.", "Patient DOB": a greeting, title or role
            return False
        return None


# What a model may take into a name from before it: a cue word and its punctuation.
_CUE_PREFIX = regex.compile(
    rf"(?:{_GREETING}|{_INTRO}|{_TITLE}|{_ROLE}|{_SPEAKER_ROLE})[\s,!:.\[\]()]*"
)


def trim_to_cues(results: list[RecognizerResult], text: str) -> None:
    """Start a PERSON result of another recognizer (NER) where a cue's name starts, when the
    cue's name starts inside it after nothing but a cue word: the model ran into the cue
    (``Mvh Mette Kjærgaard``, ``Atendente Júlio``, ``Herr Cem Yıldız``)."""
    cue_starts = [
        r.start for r in results
        if r.entity_type == "PERSON"
        and r.recognition_metadata.get(RecognizerResult.RECOGNIZER_NAME_KEY)
        == PersonCueRecognizer.__name__
    ]
    if not cue_starts:
        return
    for result in results:
        if result.entity_type != "PERSON":
            continue
        for start in cue_starts:
            if result.start < start < result.end and _CUE_PREFIX.fullmatch(
                text, result.start, start
            ):
                result.start = start
                break
