"""A name that opens or closes a message without any cue word: the person it is written to
(``Rita, o estafeta passou às 15h``, ``Ama, your transfer of ...``) or signed by
(``... your system says the 9th. Terry``, ``Call me back.\\nSabrina``).

Short messages (SMS, chat, notes) address and sign with a bare first name, and a small NER model
reads a lone capitalized word at the edge of a text as nothing. The position is the cue:

- ``opening``: the first one or two words of the text, capitalized, then a comma and a
  lower-case word;
- ``sign_off``: the last line of the text is one or two capitalized words (an initial may lead;
  a closing quote or bracket of an enclosing JSON string may follow), or its last sentence is
  one capitalized word (``sign_off_sentence``).

Sentences open with other words too (``Unfortunately, the parcel ...``, ``Yesterday, ...``)
and texts end with them (``... Resolved``), so a word is taken only when it is none of: a
common word of our languages (``recognizers.patterns.common_words``), an adverb by its
ending (``-ly``, ``-ment``, ``-mente``, ``-lich``, ``-weise``), a word of ``NOT_NAMES``
(days, openers and statuses), a word the same text also writes in lower case, or a word the
NER model read as something other than a person (``Paris, le 3 juin``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import regex
from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from recognizers.base import REGEX_TIMEOUT_S, RegexRecognizer
from recognizers.patterns.common_words import common_words

_WORD = r"\p{Lu}[\p{Ll}\p{M}'’]{1,20}(?:-\p{Lu}[\p{Ll}\p{M}]{1,20})?"
# A sign-off may end with a dot or "!" and the closing quote or bracket of a JSON string.
_TAIL = r"[ \t]*[.!]?[ \t]*[\"'”»)\]}]*\s*\Z"
_NAME = rf"(?P<value>(?:\p{{Lu}}\.[ \t]?)?{_WORD}(?:[ \t]+{_WORD})?)"

# Openers, closers and statuses that stand where a name would and that no stop-word list holds.
NOT_NAMES: frozenset[str] = frozenset(re.findall(
    r"\S+", """today tomorrow yesterday tonight meanwhile instead overall besides first second third
    next last finally update updated reminder note notes fyi btw ps urgent attention important
    warning info error notice thanks thank cheers regards best bye goodbye welcome congrats
    congratulations sorry apologies please sure yes yeah yep nope okay ok fine great perfect
    awesome cool noted done resolved closed pending approved confirmed cancelled canceled sent
    received delivered attached signed unsigned unknown anonymous management admin administrator
    support team staff everyone all somebody someone nobody anyone customer client guest user
    hoy ayer mañana gracias saludos heute gestern morgen leider danke grüße gruß aujourd'hui
    hier demain merci cordialement oggi ieri domani grazie saluti hoje ontem amanhã obrigado
    obrigada vandaag gisteren bedankt groeten idag igår imorgen tack takk hilsen mvh kiitos
    dzisiaj wczoraj jutro dziękuję pozdrawiam bugün dün yarın teşekkürler merhaba
    καλησπέρα καλημέρα ευχαριστώ ευχαριστούμε γεια χαίρετε дякую вітаю привіт спасибо привет
    здравствуйте благодарю"""))
# Words of a firm's or a programme's name ("Amaral Rewards", "Bettin s.r.l. Motors").
_FIRM_WORDS = frozenset(re.findall(
    r"\S+", """rewards motors club group bank hotel hotels shop store airlines airways travel insurance
    services solutions studio clinic pharmacy foods logistics partners holdings labs"""))
# A sign-off line with its closing quote is shorter than this.
_SIGN_OFF_TAIL = 200
_ADVERB_ENDINGS = ("ly", "ment", "mente", "lich", "weise")


class AddressedNameRecognizer(RegexRecognizer):
    """A bare name opening a message (followed by a comma) or closing it (a last line or last
    sentence of one or two capitalized words); see the module docstring."""

    ENTITY = "PERSON"
    PATTERNS = (
        ("opening", rf"\A[\s\"'«“(\[]*{_NAME}[ \t]*,[ \t]+(?=\p{{Ll}})", 0.8),
        # The signed name may have a role after a dash: "Jéssica – Secretaria Escolar".
        ("sign_off", rf"\n[ \t]*{_NAME}(?:[ \t]+[–—-][ \t]+[^\n]{{1,40}}?)?{_TAIL}", 0.8),
        # After a sentence only one word: "... the 9th. Terry", not "... Avoid Acme Tools."
        ("sign_off_sentence", rf"(?<=[.!?…])[ \t]+(?P<value>{_WORD}){_TAIL}", 0.8),
    )

    def pattern_matches(self, text: str) -> Iterator[tuple[str, regex.Match[str], float]]:
        """The patterns' matches; a sign-off is searched for in the text's last characters
        only (it ends the text), not from every position of a long one."""
        for pattern_name, compiled, score in self._compiled:
            start = 0 if pattern_name == "opening" else max(0, len(text) - _SIGN_OFF_TAIL)
            try:
                matches = list(compiled.finditer(text, start, timeout=REGEX_TIMEOUT_S))
            except TimeoutError:
                continue
            for match in matches:
                yield pattern_name, match, score

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """The accepted names, minus those the NER model read as another kind of entity."""
        results = super().analyze(text, entities, nlp_artifacts)
        if not results:
            return results
        others = [
            (entity.start_char, entity.end_char)
            for entity in (nlp_artifacts.entities if nlp_artifacts is not None else [])
            if entity.label_ not in ("PERSON", "PER")
        ]
        results = [result for result in results
                   if not _after_title_line(text, result)]
        lowered = text.lower()
        if len(lowered) != len(text):  # a letter that lowers to two (İ): offsets would shift
            lowered = ""
        return [
            result for result in results
            if not any(a < result.end and result.start < b for a, b in others)
            and not any(_used_as_word(text, lowered, word.lower())
                        for word in text[result.start:result.end].split())
        ]

    def validate(self, value: str) -> bool | None:
        """Reject words that are not names (see the module docstring)."""
        common = common_words()
        for word in value.split():
            folded = word.casefold().strip("'’")
            if folded.startswith(("l'", "l’")):  # a French article: "L'équipe Produit"
                return False
            if (folded in common or folded in NOT_NAMES or folded in _FIRM_WORDS
                    or any(folded.endswith(ending) and len(folded) > len(ending) + 3
                           for ending in _ADVERB_ENDINGS)):
                return False
        return None


def _used_as_word(text: str, lowered: str, folded: str) -> bool:
    """Whether ``folded`` also occurs in ``text`` in lower case as a whole word: the text uses
    it as an ordinary word, not a name (``lowered`` is ``text`` casefolded, same offsets)."""
    start = lowered.find(folded)
    while start >= 0:
        end = start + len(folded)
        if ((start == 0 or not lowered[start - 1].isalnum())
                and (end == len(lowered) or not lowered[end].isalnum())
                and text[start].islower()):
            return True
        start = lowered.find(folded, end)
    return False


def _after_title_line(text: str, result: RecognizerResult) -> bool:
    """Whether a last-line sign-off follows a line of capitalized words without closing
    punctuation: the name of a signature block is that line, and the last one a job title or
    a firm (``Daniel Kiprotich\nRegistrar``, ``Customer Happiness\nAlves``)."""
    explanation = result.analysis_explanation
    if explanation is None or explanation.pattern_name != "sign_off":
        return False
    line_start = text.rfind("\n", 0, result.start)
    if line_start < 0 or text[line_start:result.start].strip():
        return False  # the last sentence of a line, not a line of its own
    previous = text[:line_start].rstrip()
    line = previous[previous.rfind("\n") + 1:]
    if not line or line[-1] in ",.!?:;…":
        return False
    common = common_words()
    return any(word[:1].isupper() and word.casefold().strip(".,") not in common
               for word in line.split())
