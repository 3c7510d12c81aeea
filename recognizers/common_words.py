"""Words that are never a person's name on their own: the stop words of the languages our
customers write in (spaCy's lists, plain Python sets that need no model), name particles, and
the words the cue recognizer treats as cues or stop words (titles, roles, greetings, "Team",
"Customer").

Used to keep a model's misreadings from becoming names: a lower-case phrase the model tagged
PERSON (``je sais``, ``o porteiro``) and the parts of a name followed through a text
(``recognizers.name_mentions``).
"""

from __future__ import annotations

import importlib
from functools import cache

from recognizers.patterns import person_cue_recognizer as cues

STOP_WORD_LANGUAGES = ("en", "es", "fr", "de", "it", "pt", "nl", "pl", "id", "tr", "el", "he",
                       "ru", "sv", "da", "nb", "fi", "cs", "ro", "hu", "tl")
PARTICLES = frozenset(["de", "del", "della", "di", "da", "das", "dos", "du", "la", "le", "van",
                       "der", "den", "von", "zu", "ter", "ten", "bin", "binti", "bint", "ibn", "ben",
                       "al", "el", "af", "av", "y", "e"])


@cache
def stop_words() -> frozenset[str]:
    """The casefolded stop words of ``STOP_WORD_LANGUAGES`` (loaded once, on first use)."""
    words: set[str] = set()
    for language in STOP_WORD_LANGUAGES:
        module = importlib.import_module(f"spacy.lang.{language}.stop_words")
        words.update(word.casefold() for word in module.STOP_WORDS)
    return frozenset(words)


@cache
def common_words() -> frozenset[str]:
    """Stop words, particles and the cue recognizer's cue and stop words, casefolded."""
    words: set[str] = set(stop_words()) | PARTICLES | set(cues.STOP_WORDS)
    for phrase in (*cues._TITLE_WORDS, *cues._ROLE_WORDS, *cues._GREETING_WORDS,
                   *cues._SPEAKER_ROLE_WORDS):
        words.update(phrase.casefold().split())
    return frozenset(words)
