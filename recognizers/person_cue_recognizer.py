"""Person names announced by a cue: ``Hi Sarah``, ``Thanks, Tom Lee``, ``my name is ...``,
``Mrs. Okafor``, ``customer Philippe Boyer``, ``name="Ana Ruiz"``, ``Bradley Clark here``.

A small NER model misses single first names and often labels a full name ORGANIZATION or
LOCATION. People introduce names with a small set of cues (greetings and sign-offs,
introductions, titles, role nouns, ``<name> called/asked/wrote``); a run of one to four
capitalized words right after such a cue is reported as PERSON with a score above NER's, so
overlap resolution relabels NER's guess. Words that follow cues but are not names (``Hi team``,
``Thanks again``) are rejected by a stop list.
"""

from __future__ import annotations

from recognizers.base import RegexRecognizer

_WORD = r"[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿß]+(?:[-'’][A-ZÀ-ÖØ-Þ]?[a-zà-öø-ÿß]+)*"
_PARTICLE = r"(?:de|del|de la|van|van der|von|der|da|di|du|le|la|dos|bin|al)"
_NAME = rf"(?P<value>{_WORD}(?:\s+(?:{_PARTICLE}\s+)?{_WORD}){{0,3}})"
_END = r"(?![\w@.-]|\s+[a-z]+@)"

_GREETING = (
    r"(?i:hi|hello|hey|dear|thanks|thank you|thx|ty|regards|best regards|kind regards|best|"
    r"cheers|sincerely|groet|grüßen|gruß|cordialement|merci|saludos|atentamente|bonjour|hallo)"
)
_INTRO = r"(?i:my name is|name is|name\s*[:=]\s*[\"']?|i am|i'm|im|this is|it's|its)"
_TITLE = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Herr|Frau|Mme|Mlle|Sr|Sra)\.?"
_ROLE = (
    r"(?i:customer|client|recipient|consignee|contact|caller|user|owner|holder|lead|applicant|"
    r"patient|tenant|requester|buyer|employee|spoke with|spoke to|met with|met|called|"
    r"on behalf of|signed by|attn\.?|c/o|voicemail for|cc)"
)
_VERBS = (
    r"(?:called|asked|says|said|wrote|emailed|mentioned|complained|reported|threatened|"
    r"requested|confirmed|here\b)"
)

STOP_WORDS = frozenset(
    ["team", "support", "all", "everyone", "there", "sir", "madam", "customer", "customers", "service", "sales", "again", "so", "much", "you", "very", "the", "a", "an", "in", "on", "at", "for", "from", "to", "please", "ok", "okay", "yes", "no", "morning", "afternoon", "evening", "again", "guys", "folks", "friends", "world", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december", "order", "refund", "account", "card", "payment", "delivery", "package", "address", "email", "phone", "mobile", "tel", "admin", "billing", "shipping", "unknown", "none", "null", "test", "help", "agent", "api", "ip", "ssn", "dob", "iban"]
)


class PersonCueRecognizer(RegexRecognizer):
    """Capitalized names after a person cue (see the module docstring)."""

    ENTITY = "PERSON"
    PATTERNS = (
        ("greeting", rf"(?<![\w]){_GREETING}[,!]?\s+{_NAME}{_END}", 0.9),
        ("intro", rf"(?<![\w]){_INTRO}\s*{_NAME}{_END}", 0.9),
        ("title", rf"(?<![\w]){_TITLE}\s+{_NAME}{_END}", 0.95),
        ("role", rf"(?<![\w]){_ROLE}\s+{_NAME}(?=\s*(?:[,.;:!?()]|\(|\s[a-z]|$))", 0.9),
        ("verb", rf"(?:^|(?<=[\n.!?]\s*)|(?<=\s))(?<![\w]){_NAME}\s+{_VERBS}", 0.9),
    )
    CONTEXT = ()

    def analyze(self, text, entities, nlp_artifacts=None):  # type: ignore[no-untyped-def]
        """Cue matches whose first word is not a stop word."""
        kept = []
        for result in super().analyze(text, entities, nlp_artifacts):
            words = text[result.start : result.end].split()
            if words[0].casefold() in STOP_WORDS or words[-1].casefold() in STOP_WORDS:
                continue
            kept.append(result)
        return kept


