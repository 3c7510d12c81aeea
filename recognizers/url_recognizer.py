"""URLs, without Presidio's matches inside identifiers.

Presidio's ``UrlRecognizer`` reports a domain-shaped piece of any dotted name: ``svc.bi`` inside
``svc.billing``, ``config.py`` or ``order.total``. This subclass keeps a match without a scheme
only when it stands alone (no letter, digit or ``_`` glued to either end) and its last label is a
common top-level domain; URLs with ``http(s)://`` or ``www.`` are kept as they are.
"""

from __future__ import annotations

import regex
from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.predefined_recognizers import UrlRecognizer

from recognizers.prefilter import PRESIDIO_FLAGS

COMMON_TLDS = frozenset(  # a word list reads better than 52 quoted strings
    (  # noqa: SIM905
        "com org net edu gov mil int io co ai app dev biz info me us uk de fr nl es it ch at be "
        "se no dk fi ie pl pt cz ca au nz jp cn in br mx ru eu tv ly gg xyz online site shop "
        "store tech"
    ).split()
)


# Every pattern of Presidio's has a host character, a dot and a letter opening the top-level
# domain; a text without that is skipped (the 6 KB TLD alternation is the costly part).
_URL_GATE = regex.compile(r"[a-z0-9.\-][.][a-z]", PRESIDIO_FLAGS)


class BoundedUrlRecognizer(UrlRecognizer):
    """Presidio's URL recognizer, minus domain-shaped pieces of identifiers and file names."""

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        """Presidio's URLs that pass the checks of the module docstring."""
        kept: list[RecognizerResult] = []
        if not _URL_GATE.search(text):
            return kept
        for result in super().analyze(text, entities, nlp_artifacts, regex_flags):
            value = text[result.start : result.end]
            lowered = value.lower()
            if "://" in lowered or lowered.startswith("www."):
                kept.append(result)
                continue
            before = text[result.start - 1] if result.start > 0 else " "
            after = text[result.end] if result.end < len(text) else " "
            if before.isalnum() or before in "_.=@-" or after.isalnum() or after in "_(":
                continue
            host = lowered.split("/", 1)[0].split(":", 1)[0]
            if host.rsplit(".", 1)[-1] not in COMMON_TLDS:
                continue
            kept.append(result)
        return kept
