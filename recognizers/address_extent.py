"""The rest of an address around a street address span: ``Calle Sierpes 48, 3º B, 41004 Sevilla``,
``14B Ogunlana Drive, Surulere, Lagos.``

A model trained on addresses often stops a span at the postcode or at a comma and leaves the
town or state after it (``Sevilla``, ``Porto``, ``Θεσσαλονίκη``, ``CABA``, ``Jal.``). A town
name right after a street address, up to the end of the sentence or of the clause, belongs to
it: a vendor that gets the street without the town has most of the address anyway, and one
that gets the town alone has learned where the person lives. A span is extended over one to
three capitalized words (any cased script; an all-capital abbreviation such as ``CABA`` or
``N.L.``), after a space or a comma, when what follows them ends the clause: punctuation, a
line end, the end of the text or a lower-case word (``CABA se puede visitar``). Words that open
a new sentence or label the next datum (``Phone``, ``Tel``, ``Celular``) are never taken. A
postcode in brackets right after the address (``Square (7953)``) is taken too.

Beyond that, the parts of an address written around the one the model found join it:

- a postcode with the town after it (``, 14014 Schmölln``, ``\\n4050-262 Porto``), also when the
  phone recognizer read the postcode as a number (``01310-100 São Paulo / SP``); a state after
  the town (``/ PR``, ``(PI)``, ``- SP``);
- a town or ``Town, Region`` on the next line after a postcode, or a neighbourhood line before a
  postcode line (multi-line addresses: ``...\\n156317\\nSamacá, Boyacá``);
- flat, floor, block and door parts (``bât. C``, ``2e étage``, ``3. tv.``, ``3. OG links``,
  ``Daire: 7``, ``Etapa 3``), also between two pieces the model found apart;
- administrative divisions written with a lower-case word (``, phường Nghĩa Đô, quận Cầu
  Giấy``, ``, Kec. Coblong``, ``, col. Roma Norte``);
- the street before a span the model started at the house number or at a unit (``Travessa Vitor
  Freitas, 44``, ``Str. Mihai Eminescu nr. 22, bl. C4, ap. 15``): a street-type word
  (``Rua``, ``Avda.``, ``ул.``, ``Cad.``) and the name words after it, when nothing but
  capitalized words, particles, numbers and unit words lies between it and the span.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import regex

from recognizers.types import Span

ADDRESS = "STREET_ADDRESS"
_TOWN_WORD = r"\p{Lu}[\p{L}\p{M}'’-]*"
# Lower-case words inside a town or street name: "Cassiano do Amparo", "Valle del Cauca".
_PARTICLE = r"(?:de|del|do|da|dos|das|la|las|los|le|les|di|y|e|am|an|der|im|nad|pod|sur|en|el)"
_TOWN = rf"{_TOWN_WORD}(?:(?:[ \t]+{_PARTICLE}(?:[ \t]+{_PARTICLE})?)?[ \t-]{_TOWN_WORD}){{0,4}}"
# A state after a town: "Albuquerque / PR", "São Paulo - SP", "Arborio (VC)", "Kadıköy/İstanbul".
_STATE = rf"(?:[ \t]*[/–-][ \t]*(?:[A-Z]{{2,3}}(?![\w])|{_TOWN_WORD})|[ \t]+\([A-Z]{{2}}\))"
_CLAUSE_END = r"(?=[ \t]*(?:[.,;:!?)\n]|$|[ \t]\p{Ll}))"
# Only the last word may end in a dot (``Jal.``): a dot inside ends the sentence.
_TAIL = regex.compile(
    rf"(?P<sep>,[ \t]*|[ \t]+)(?P<town>{_TOWN_WORD}(?:[ \t-]{_TOWN_WORD}){{0,2}}\.?)"
    rf"{_CLAUSE_END}"
)
# An administrative division written with its word in lower case after the address (Vietnam,
# Indonesia, the Philippines, Mexico, Brazil): ", phường Nghĩa Đô, quận Cầu Giấy, Hà Nội",
# ", Kec. Coblong", ", Brgy. San Isidro", ", col. Roma Norte".
_ADMIN_WORDS = (
    "phường|p|quận|q|huyện|xã|thị xã|thị trấn|thành phố|tp|tỉnh|kelurahan|kel|kecamatan|kec|"
    "kabupaten|kab|kota|desa|barangay|brgy|colonia|col|bairro|alcaldía|delegación|municipio|"
    "comuna|distrito|ward|district"
)
_ADMIN_STEP = regex.compile(
    rf",[ \t]*(?i:{_ADMIN_WORDS})\.?[ \t]+(?:{_TOWN_WORD}|\d{{1,3}})(?:[ \t-]{_TOWN_WORD}){{0,3}}"
    rf"{_CLAUSE_END}"
)
# A postcode in brackets right after the address: "OsmaniChar Square (7953)".
_BRACKETED_POSTCODE = regex.compile(r"[ \t]*\((?=[A-Z0-9 -]*\d)[A-Z0-9]{2,5}(?:[ -][A-Z0-9]{2,4})?\)")
# Words that begin the next sentence or the next field rather than end an address.
_NOT_TOWNS = frozenset(
    ["phone", "tel", "tél", "tlf", "telefon", "telefone", "teléfono", "telefono", "celular", "mobile", "mobil", "cell", "fax", "email", "e-mail", "mail", "please", "thanks", "thank", "merci", "gracias", "grazie", "obrigado", "obrigada", "danke", "bitte", "the", "if", "and", "or", "but", "ref", "order", "invoice", "att", "attn", "by", "from", "to", "cc", "via", "for", "tracking", "contact", "name",
     "horario", "hours", "cel", "cpf", "dni", "rut", "nit", "cc", "referencia", "ref", "nota", "note", "entre", "between", "dob", "ssn", "i", "we", "my", "mi", "nome", "nombre", "saludos", "regards", "atentamente", "cordialmente", "abraço", "abrazo", "un", "una", "el", "la", "los", "las", "o", "a", "um", "uma"]
)

# A postcode after a comma, ending the clause or followed by the town: ", 057551, Ituango".
_POSTCODE_TAIL = regex.compile(r",[ \t]*(?P<code>\d{4,6}|\d{3}[ -]\d{2,3})(?=[ \t]*(?:[.,;)\n]|$))")
# Postcode shapes: 4 to 8 digits, "546 30", "01310-100", "4050-262", "00-950", "H-7317",
# "1012 AB", "K1A 0B1".
_CODE = (
    r"(?:\d{4,8}|\d{3}[ ]\d{2}|\d{5}-\d{3,4}|\d{4}-\d{3}|\d{2}-\d{3}|[A-Z]{1,2}-\d{4,5}|"
    r"\d{4}[ ]?[A-Z]{2}|[A-Z]\d[A-Z][ ]?\d[A-Z]\d)"
)
# A postcode and the town after it, after a comma, a space or a line break: ", 14014 Schmölln",
# "\n4050-262 Porto", ", AGS 43915-0008", "\n156317\n" (a postcode alone on its line).
_POSTCODE_TOWN = regex.compile(
    rf"(?:[ \t]*,[ \t]*|[ \t]+|[ \t]*\n[ \t]*)(?:[A-Z][A-Z.]{{1,4}}[ \t]+)?(?P<code>{_CODE})(?![\w-])"
    rf"(?:(?P<town>(?:,?[ \t]+|[ \t]*\n[ \t]*)(?P<name>{_TOWN})(?:,[ \t]*{_TOWN}(?=[ \t]*(?:\n|$)))?{_STATE}?\.?)"
    rf"{_CLAUSE_END}|(?=[ \t]*(?:[.,;)\n]|$)))"
)
# A town, or "Town, Region", alone on the next line: "\nTrinidad, Casanare".
_LINE_TOWN = regex.compile(
    rf"[ \t]*,?[ \t]*\n[ \t]*(?P<name>{_TOWN})(?P<region>,[ \t]*{_TOWN})?{_STATE}?\.?[ \t]*(?=\n|$)"
)
# A line after the street that the next line's postcode shows to be part of the address (a
# neighbourhood): "\nVila Nossa Senhora\n56321-223 ...".
_LINE_BEFORE_CODE = regex.compile(rf"[ \t]*,?[ \t]*\n[ \t]*(?P<name>{_TOWN})[ \t]*(?=\n[ \t]*{_CODE}(?![\w-]))")

# Flat, floor, block, door: words that take a number or a letter after them.
_UNIT_WORDS = (
    "apt|apto|apartamento|apartment|appartement|appt|app|ap|suite|ste|unit|flat|floor|fl|room|rm|"
    "bldg|building|depto|dpto|departamento|oficina|office|piso|planta|puerta|pta|escalera|esc|"
    "interior|int|interno|torre|tower|bloque|bloco|block|blk|bl|casa|local|loja|sala|andar|lote|"
    "manzana|mz|etapa|edificio|edif|conjunto|bât|bat|bâtiment|étage|etage|escalier|porte|sc|scala|"
    "scara|etaj|et|piano|stan|sprat|whg|wohnung|stock|stiege|tür|top|lok|lokal|kv|кв|ап|ет|вх|бл|"
    "корп|стр|daire|kat|no|nr|n[°º]|nº|número|numero|byt|emelet|ajtó|lph|όροφος|όρ|διαμ|of|"
    "house|h\\.no|og|eg|dg|ug"
)
# Sides and letters of a floor written after it: "2. th.", "3.º Esq.", "1º Dcha.".
_SIDE_WORDS = ("th|tv|mf|st|izq|izda|izqda|dcha|dcho|dch|der|esq|dto|dta|drt|dt|fte|ctr|bis|"
               "links|rechts|mitte")
_UNIT_CODE = r"(?:[A-Za-z]{0,2}\d[\w/-]{0,5}|\p{Lu}(?![\w]))"
_ORDINAL = r"\d{1,3}(?:\.?[ºª°]|e|er|re|ème|eme|ος|η|st|nd|rd|th|\.)?"
_UNIT_STEP = regex.compile(
    rf"(?:[ \t]*[,.]?[ \t]*|[ \t]*\n[ \t]*)(?:"
    rf"(?i:{_UNIT_WORDS})(?:\.[ \t]*|:[ \t]*|[ \t]+)(?:(?i:n[°º]|no|nr)\.?[ \t]*)?{_UNIT_CODE}"
    rf"|{_ORDINAL}[ \t]*(?i:{_UNIT_WORDS}|{_SIDE_WORDS})\.?"
    rf")(?![\w])"
)
_SIDE_STEP = regex.compile(
    rf"[ \t]*[,.]?[ \t]*(?:(?i:{_SIDE_WORDS})\.?(?![\w])|(?!I\b)\p{{Lu}}(?=[ \t]*(?:[.,;:!?)\n\"']|$)))"
)
# The number or letter after a unit word that ends the span: "... bât" + ". B".
_CODE_AFTER_UNIT = regex.compile(rf"[.:]?[ \t]*{_UNIT_CODE}(?![\w])")
_LAST_WORD = regex.compile(r"[\p{L}\p{M}]+\Z")
_UNIT_WORD = regex.compile(rf"(?i:{_UNIT_WORDS}|{_SIDE_WORDS})")
# Between two pieces of one address: only unit words, their numbers and letters, separators
# ("bât. B, 3e étage, ").
_GAP = regex.compile(
    rf"(?:[ \t,.:;\n-]+|(?i:{_UNIT_WORDS}|{_SIDE_WORDS})(?![\w])|{_ORDINAL}(?![\w])|{_UNIT_CODE})*"
)
_CODE_ONLY = regex.compile(rf"[ \t,\n]*{_CODE}")

# Street-type words written before the street name, across the languages of the model's
# locales: "Rua", "Avda.", "Travessa", "Str.", "ул.", "Cad.", "Jl.".
_STREET_TYPES = (
    "calle|c/|cl|cll|carrera|cra|cr|kr|kra|avenida|av|avda|ave|diagonal|dg|transversal|tv|tr|"
    "circular|pasaje|psje|pje|paseo|camino|callejón|ronda|plaza|pza|bulevar|boulevard|blvd|bv|"
    "calzada|cerrada|privada|prolongación|prol|retorno|andador|circuito|carretera|autopista|ruta|"
    "vía|via|glorieta|travesía|urbanización|urb|rua|r|travessa|estrada|rodovia|rod|praça|alameda|"
    "al|largo|ladeira|beco|viela|vila|quadra|conjunto|condomínio|chácara|sítio|fazenda|estação|"
    "lagoa|lago|praia|trecho|distrito|vale|jardim|pátio|parque|setor|residencial|núcleo|"
    "loteamento|vereda|morro|recanto|passarela|esplanada|colônia|feira|favela|aeroporto|área|"
    "str|strada|stradă|bd|bulevardul|calea|aleea|intrarea|șoseaua|soseaua|splaiul|piața|drumul|"
    "ул|улица|бул|булевард|пр|просп|проспект|пл|пер|переулок|ш|шоссе|наб|ulica|ul|aleja|plac|"
    "os|osiedle|cad|caddesi|cd|sok|sokak|sokağı|sk|bulvarı|blv|mah|mahallesi|viale|piazza|corso|"
    "vicolo|contrada|borgo|lungomare|piazzale|rue|avenue|chemin|allée|impasse|place|quai|route|"
    "cours|jalan|jl|jln|gang|gg|lorong|đường|trg|ulitsa"
)
_STREET_START = regex.compile(rf"(?<![\w/.])(?i:{_STREET_TYPES})(?:\.[ \t]*|[ \t]+)(?=[\p{{L}}\d„“\"«])")
# A flat, room, block or floor written before the building and street: "Room 736 Elliott Towers,
# 8134 Virgo Street", "Block 18 Lot 36 ...", "3rd Floor Williams Suites, ...".
_UNIT_START = regex.compile(
    r"(?<![\w/.])(?:\d{1,2}(?:st|nd|rd|th)[ \t]+Floor|(?:Room|Unit|Flat|Suite|Apt|Apartment|Block|"
    r"Blk|Lot|Building|Bldg|House[ \t]No)\.?[ \t]*#?[A-Z]?\d[\w/-]{0,5})(?![\w])[ \t,]*"
)
# Street types written after the name: "Atatürk Caddesi", "Bağdat Cad.", "Andrássy út".
_POST_TYPES = "caddesi|cad|cd|sokak|sokağı|sok|sk|bulvarı|blv|mahallesi|mah|utca|út|körút|tér"
_NAMED_STREET_START = regex.compile(
    rf"(?<![\w/.])(?:{_TOWN_WORD}[ \t]+){{1,3}}(?i:{_POST_TYPES})(?:\.[ \t]*|[ \t]+)"
    rf"(?=[\p{{L}}\d])"
)
# What may lie between the street type and the span: name words, particles, numbers, unit words.
_LEAD_TOKEN = regex.compile(r"[\p{L}\p{M}][\p{L}\p{M}'’-]*|\d[\w/-]*|[ \t,.#°º„“\"«»:-]+|\n")
_LOWER_OK = frozenset(_PARTICLE[3:-1].split("|")) | frozenset(
    w for w in _UNIT_WORDS.split("|") if w.isalpha() and w not in ("of", "et")
) | frozenset(["bis", "sur", "norte", "este", "oeste", "no", "nr"])
_LEAD_WINDOW = 90


# Lower-case words the model puts before a street name ("na Bulevar ...", "adresse Nørrebrogade
# 44", "depto de Guatemala 4870"): prepositions and labels, not part of the address.
_LEAD_LABELS = (
    "na|em|no|en|a|al|au|à|aux|in|at|to|op|auf|nach|bei|do|da|w|we|v|ve|u|pe|la|el|mi|my|our|"
    "adresse|adres|adresa|adresas|address|addr|dirección|direccion|domicilio|endereço|endereco|"
    "morada|indirizzo|anschrift|lieferadresse|osoite|cím|címe|nom|name|depto|dpto|departamento|"
    "apartamento|casa|oficina|local"
)
_LEADING_WORDS = regex.compile(
    rf"(?:(?:{_LEAD_LABELS})[ \t]+){{1,2}}(?:{_PARTICLE}[ \t]+)?(?=\p{{Lu}}[\p{{L}}\p{{M}}'’-]+)"
)


def opens_with_street_word(value: str) -> bool:
    """Whether ``value`` starts with a street-type or unit word (``via``, ``rue``, ``ul.``,
    ``apt``): an address may start in lower case with one of these."""
    return bool(_STREET_START.match(value) or _UNIT_START_WORD.match(value))


_UNIT_START_WORD = regex.compile(rf"(?i:{_UNIT_WORDS}|{_ADMIN_WORDS}|số|c/o|sector|sektor|barrio)(?![\w])")


def _trim_leading_words(text: str, span: Span) -> Span:
    found = _LEADING_WORDS.match(text, span.start, span.end)
    if found is None or not any(ch.isdigit() for ch in text[found.end() : span.end]):
        return span
    return replace(span, start=found.end())


def _town_ok(name: str) -> bool:
    return name.split()[0].strip(".").casefold() not in _NOT_TOWNS


def _next_part(text: str, start: int, limit: int, after_code: bool) -> int | None:
    """The end of the postcode, town or unit right after ``start``, or None."""
    code = _POSTCODE_TAIL.match(text, start, limit)
    if code:
        return code.end("code")
    code = _POSTCODE_TOWN.match(text, start, limit)
    if code and code.group("town") is not None and not _town_ok(code.group("name")):
        return code.end("code")
    if code:
        end = code.end()
        return end - 1 if text[end - 1] == "." and len(text[code.start("name"):end].split()[-1]) > 5 else end
    unit = _UNIT_STEP.match(text, start, limit)
    if unit:
        return unit.end()
    last = _LAST_WORD.search(text, max(0, start - 20), start)
    if last and _UNIT_WORD.fullmatch(last.group()):
        code = _CODE_AFTER_UNIT.match(text, start, limit)
        if code:
            return code.end()
    # The dot of an abbreviation that ends the span: "2.º Esq" + ".", before ", 4050-032 Porto".
    if (text[start : start + 1] == "." and last and len(last.group()) <= 4
            and text[start + 1 : start + 2] in (",", " ", "\n")):
        return start + 1
    # A side after a number or a floor word: "2. th.", "3. OG links".
    if (text[start - 1 : start].isdigit() or text[start - 2 : start].rstrip(".").isdigit()
            or (last and _UNIT_WORD.fullmatch(last.group()))):
        side = _SIDE_STEP.match(text, start, limit)
        if side:
            return side.end()
    line = _LINE_TOWN.match(text, start, limit)
    if line and _town_ok(line.group("name")) and (after_code or line.group("region")
                                                  or "/" in line.group() or "(" in line.group()):
        return line.end()
    line = _LINE_BEFORE_CODE.match(text, start, limit)
    if line and _town_ok(line.group("name")):
        return line.end()
    admin = _ADMIN_STEP.match(text, start, limit)
    if admin:
        return admin.end()
    match = _TAIL.match(text, start, limit)
    if match is None or not _town_ok(match.group("town")):
        return None
    # After "København V." a capitalized word opens the next sentence.
    if text[start - 1] == "." and "," not in match.group("sep"):
        return None
    end = match.end("town")
    # "Jal." is an abbreviation; the dot after "Sevilla." ends the sentence.
    if text[end - 1] == "." and len(match.group("town").split()[-1]) > 5:
        end -= 1
    return end


# The house number before the street type: "38, boulevard Masse", "12 bis rue de la Paix".
_NUMBER_BEFORE = regex.compile(r"(?<![\w.,/-])\d{1,5}(?:[ \t]?(?:bis|ter|[A-Za-z]))?,?[ \t]+\Z")


def _lead_start(text: str, start: int, floor: int) -> int | None:
    """Where the street begins before an address span that starts after it, or None."""
    lo = max(floor, start - _LEAD_WINDOW)
    if _STREET_START.match(text, start):
        number = _NUMBER_BEFORE.search(text, max(floor, start - 12), start)
        return number.start() if number else None
    if _NAMED_STREET_START.match(text, start) or _UNIT_START.match(text, start):
        return None  # the span begins with its street already
    candidates = sorted(
        [*_STREET_START.finditer(text, lo, start + 1), *_NAMED_STREET_START.finditer(text, lo, start + 1),
         *_UNIT_START.finditer(text, lo, start + 1)],
        key=lambda found: found.start(),
    )
    for found in candidates:
        if found.start() < start < found.end():
            return found.start()  # the span began inside it: "Room [303 Walsh Building]"
        if found.end() <= start and _lead_ok(text[found.end() : start]):
            return found.start()
    return None


def _lead_ok(stretch: str) -> bool:
    """Whether ``stretch`` holds only a street name, numbers and unit parts (no sentence)."""
    if stretch.count("\n") > 1:
        return False
    pos = 0
    previous = ""
    for token in _LEAD_TOKEN.finditer(stretch):
        if token.start() != pos:
            return False
        pos = token.end()
        word = token.group()
        if word[0].isalpha():
            if word[0].islower() and word.casefold() not in _LOWER_OK:
                return False
            previous = word
        elif ":" in word and previous.casefold() not in _LOWER_OK and len(previous) > 2:
            return False  # "Mi casa: " labels; "No: 214", "Daire: 7" do not
        elif "." in word and " " in word and len(previous) > 4 and previous.casefold() not in _LOWER_OK:
            return False  # "Mayor. " ends a sentence; "Str. ", "nr. " are abbreviations
    return pos == len(stretch)


_NAMES = frozenset({"PERSON", "LOCATION", "ORGANIZATION"})
_ABSORBED = frozenset({"POSTCODE", "ZIP_CODE", "PHONE_NUMBER", ADDRESS, "LOCATION"})


def extend_addresses(text: str, spans: Sequence[Span]) -> list[Span]:
    """``spans`` with each street address extended over the rest of its address (see module
    docstring); other spans unchanged. An extension never runs into another span, but takes
    in a postcode, phone-read postcode or address span that lies wholly inside it."""
    ordered = sorted(spans, key=lambda s: (s.start, -s.end))
    out: list[Span] = []
    taken = -1  # spans up to this index were taken into an address
    for index, span in enumerate(ordered):
        if index <= taken:
            continue
        if span.entity_type == ADDRESS:
            span = _trim_leading_words(text, span)
            # A name the model read in the street ("Travessa [Vitor Freitas], 44") is passed.
            floor = max((s.end for s in out if s.entity_type not in _NAMES), default=0)
            lead = _lead_start(text, span.start, floor)
            if lead is not None and not any(s.start < lead < s.end for s in out):
                out = [s for s in out if s.end <= lead]
                span = replace(span, start=lead)
            span, taken = _extend_forward(text, span, ordered, index)
        out.append(span)
    return out


def _extend_forward(text: str, span: Span, ordered: Sequence[Span], index: int) -> tuple[Span, int]:
    """``span`` over the postcode, town, region and unit parts after it; also the index of the
    last following span it took in."""
    taken = index
    after_code = False
    for _ in range(8):
        nxt = ordered[taken + 1] if taken + 1 < len(ordered) else None
        # The next span is looked through when it may be a part of the address itself.
        limit = len(text) if nxt is None or nxt.entity_type in _ABSORBED else nxt.start
        if nxt is not None and nxt.entity_type in _ABSORBED:
            later = taken + 2
            limit = ordered[later].start if later < len(ordered) else len(text)
        end = _next_part(text, span.end, limit, after_code)
        if end is not None and nxt is not None and nxt.start < end < nxt.end:
            end = None  # a part may not cut into the next span
        if end is None and nxt is not None and nxt.entity_type == ADDRESS:
            gap = _GAP.match(text, span.end, nxt.start)
            if gap and gap.end() == nxt.start and nxt.start - span.end <= 30 and (
                    text.count("\n", span.end, nxt.start) <= 1):
                end = nxt.end
        if end is None:
            break
        after_code = bool(_CODE_ONLY.fullmatch(text, span.end, end))
        span = replace(span, end=max(end, span.end))
        while taken + 1 < len(ordered) and ordered[taken + 1].start < span.end:
            following = ordered[taken + 1]
            if following.entity_type not in _ABSORBED:
                break
            span = replace(span, end=max(span.end, following.end))
            taken += 1
    nxt_start = ordered[taken + 1].start if taken + 1 < len(ordered) else len(text)
    bracketed = _BRACKETED_POSTCODE.match(text, span.end, nxt_start)
    if bracketed:
        span = replace(span, end=bracketed.end())
    return span, taken
