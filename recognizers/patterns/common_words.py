"""Words that are never a person's name on their own: the stop words of the languages our
customers write in (spaCy's lists, plain Python sets that need no model, and a few chat words of
romanized Hindi and Urdu), name particles, and
the words the cue recognizer treats as cues or stop words (titles, roles, greetings, "Team",
"Customer").

Used to keep a model's misreadings from becoming names: a lower-case phrase the model tagged
PERSON (``je sais``, ``o porteiro``) and the parts of a name followed through a text
(``recognizers.name_mentions``).
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

import spacy

from recognizers.patterns import person_cue_recognizer as cues

STOP_WORD_LANGUAGES = ("en", "es", "fr", "de", "it", "pt", "nl", "pl", "id", "tr", "el", "he",
                       "ru", "sv", "da", "nb", "fi", "cs", "ro", "hu", "tl")
PARTICLES = frozenset(["de", "del", "della", "di", "da", "das", "dos", "du", "la", "le", "van",
                       "der", "den", "von", "zu", "ter", "ten", "bin", "binti", "bint", "ibn", "ben",
                       "al", "el", "af", "av", "y", "e"])

# Chat words of romanized Hindi and Urdu (spaCy has no stop-word list for them): "Haan, bol rahi
# hoon", "Accha. Aur mera address", "Ji ma'am".
ROMANIZED_HINDI = frozenset(["haan", "haanji", "han", "ji", "accha", "achha", "acha", "theek",
                             "thik", "nahi", "nahin", "bas", "pura", "poora", "arre", "yaar",
                             "aur", "mera", "meri", "aap", "aapka", "kya", "hai", "hain", "bhi"])


@cache
def stop_words() -> frozenset[str]:
    """The casefolded stop words of ``STOP_WORD_LANGUAGES`` (loaded once, on first use)."""
    # Each list is a module of its own that imports nothing; loading the file alone skips its
    # language package (tokenizer exceptions, lemmatizer tables): 2 ms instead of 1.7 s and 45 MB.
    folder = Path(spacy.__file__).parent / "lang"
    words: set[str] = set()
    for language in STOP_WORD_LANGUAGES:
        spec = importlib.util.spec_from_file_location(
            f"_stop_words_{language}", folder / language / "stop_words.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        words.update(word.casefold() for word in module.STOP_WORDS)
    return frozenset(words)


@cache
def common_words() -> frozenset[str]:
    """Stop words, particles and the cue recognizer's cue and stop words, casefolded."""
    return stop_words() | PARTICLES | ROMANIZED_HINDI | cues.STOP_WORDS | cues.CUE_WORDS
