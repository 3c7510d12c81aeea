"""The town after an address: ``Calle Sierpes 48, 3º B, 41004 Sevilla``, ``14B Ogunlana Drive,
Surulere, Lagos.``

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
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import regex

from recognizers.types import Span

ADDRESS = "STREET_ADDRESS"
_TOWN_WORD = r"\p{Lu}[\p{L}\p{M}'’-]*"
# Only the last word may end in a dot (``Jal.``): a dot inside ends the sentence.
_TAIL = regex.compile(
    rf"(?:,[ \t]*|[ \t]+)(?P<town>{_TOWN_WORD}(?:[ \t-]{_TOWN_WORD}){{0,2}}\.?)"
    r"(?=[ \t]*(?:[.,;:!?)\n]|$|[ \t]\p{Ll}))"
)
# A postcode in brackets right after the address: "OsmaniChar Square (7953)".
_BRACKETED_POSTCODE = regex.compile(r"[ \t]*\((?=[A-Z0-9 -]*\d)[A-Z0-9]{2,5}(?:[ -][A-Z0-9]{2,4})?\)")
# Words that begin the next sentence or the next field rather than end an address.
_NOT_TOWNS = frozenset(
    ["phone", "tel", "tél", "tlf", "telefon", "telefone", "teléfono", "telefono", "celular", "mobile", "mobil", "cell", "fax", "email", "e-mail", "mail", "please", "thanks", "thank", "merci", "gracias", "grazie", "obrigado", "obrigada", "danke", "bitte", "the", "if", "and", "or", "but", "ref", "order", "invoice", "att", "attn", "by", "from", "to", "cc", "via", "for", "tracking", "contact", "name"]
)


# A postcode after a comma, ending the clause or followed by the town: ", 057551, Ituango".
_POSTCODE_TAIL = regex.compile(r",[ \t]*(?P<code>\d{4,6}|\d{3}[ -]\d{2,3})(?=[ \t]*(?:[.,;)\n]|$))")


def _next_part(text: str, start: int, limit: int) -> int | None:
    """The end of the postcode or town right after ``start``, or None."""
    code = _POSTCODE_TAIL.match(text, start, limit)
    if code:
        return code.end("code")
    match = _TAIL.match(text, start, limit)
    if match is None or match.group("town").split()[0].strip(".").casefold() in _NOT_TOWNS:
        return None
    end = match.end("town")
    # "Jal." is an abbreviation; the dot after "Sevilla." ends the sentence.
    if text[end - 1] == "." and len(match.group("town").split()[-1]) > 5:
        end -= 1
    return end


def extend_addresses(text: str, spans: Sequence[Span]) -> list[Span]:
    """``spans`` with each street address extended over the town right after it (see module
    docstring); other spans unchanged. An extension never runs into another span."""
    ordered = sorted(spans, key=lambda s: (s.start, -s.end))
    out: list[Span] = []
    for index, span in enumerate(ordered):
        if span.entity_type == ADDRESS:
            limit = ordered[index + 1].start if index + 1 < len(ordered) else len(text)
            # Postcode, town, region, in any order after the street: "..., 057551, Ituango,
            # Antioquia" (three steps at most).
            for _ in range(3):
                end = _next_part(text, span.end, limit)
                if end is None:
                    break
                span = replace(span, end=end)
            bracketed = _BRACKETED_POSTCODE.match(text, span.end, limit)
            if bracketed:
                span = replace(span, end=bracketed.end())
        out.append(span)
    return out
