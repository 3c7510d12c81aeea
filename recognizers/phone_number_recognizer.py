"""International phone numbers, found and checked by ``phonenumbers`` for configured regions.

Presidio's recognizer reports every *possible* number at 0.4 and loses numbers to the UK NHS and
date recognizers. Ours also runs ``phonenumbers`` in each configured region, then:

- drops digit runs glued to letters or other digits (``ORD-2024031512345``, ``v1.2.3``) and
  date-shaped strings (``2024-03-15``, ``15.03.2024``);
- keeps a bare run of digits (``2125550198``) only when a phone word is near, or when it is a
  *valid* number of a region and no identifier word (``order``, ``tracking``, ``ref``...) stands
  right before it, because order and tracking numbers look the same;
- leaves dotted quads to the IP recognizer and ``123-45-6789`` shapes after an SSN word to the
  SSN recognizer;
- scores numbers that are *valid* for their region higher than merely possible ones.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import phonenumbers
from phonenumbers import Leniency
from presidio_analyzer import AnalysisExplanation, LocalRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

DEFAULT_REGIONS: tuple[str, ...] = ("US", "GB", "DE", "FR", "CA")

_DATE_SHAPE = re.compile(r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}")
_PHONE_WORDS = re.compile(
    r"\b(?:phone|tel|telephone|mobile|cell|fax|call|ring|text|sms|whats ?app|contact|reach|"
    r"number|no\.|dial|landline|hotline)\b",
    re.IGNORECASE,
)
_FORMATTED = re.compile(r"[+()\-. ]")
_IPV4_SHAPE = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")
_SSN_SHAPE = re.compile(r"\d{3}[ .-]?\d{2}[ .-]?\d{4}")
_SSN_WORDS = re.compile(r"(?i)\b(?:ssn|social security|social|soc\.? ?sec)\b")
_IDENTIFIER_WORDS = re.compile(
    r"(?i)\b(?:order|invoice|ticket|tracking|parcel|package|ref|reference|id|sku|serial|batch|"
    r"account|acct|iban|card|ssn|bsn|nir|dni|tax|steuer|#)\W*$"
)


class PhoneNumberRecognizer(LocalRecognizer):
    """Phone numbers of the configured regions (and any number written with a ``+`` prefix)."""

    name: str  # set by Presidio's unannotated __init__; typed here for mypy
    ENTITY = "PHONE_NUMBER"
    VALID_SCORE = 0.75
    POSSIBLE_SCORE = 0.5
    CONTEXT = ("phone", "telephone", "tel", "mobile", "cell", "call", "fax", "number", "contact")
    CONTEXT_WINDOW = 40

    def __init__(
        self, regions: Sequence[str] = DEFAULT_REGIONS, supported_language: str = "en"
    ) -> None:
        self.regions = _one_region_per_calling_code(regions)
        super().__init__(
            supported_entities=[self.ENTITY],
            supported_language=supported_language,
            context=list(self.CONTEXT),
        )

    def load(self) -> None:
        """Nothing to load."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """Return the accepted phone numbers of ``text``."""
        found: dict[tuple[int, int], float] = {}
        if sum(ch.isdigit() for ch in text) < 7:
            return []  # the matcher is the costliest recognizer; most texts hold no number
        for region in self.regions:
            for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=Leniency.POSSIBLE):
                start, end = match.start, match.end
                if (start, end) in found or not self._plausible(text, start, end):
                    continue
                valid = phonenumbers.is_valid_number(match.number)
                if not self._formatted(text, start, end) and not (
                    valid and self._free_of_identifier_words(text, start)
                ):
                    continue
                found[(start, end)] = self.VALID_SCORE if valid else self.POSSIBLE_SCORE
        results = [self._result(start, end, score) for (start, end), score in found.items()]
        return _longest_first(results)

    def _plausible(self, text: str, start: int, end: int) -> bool:
        raw = text[start:end]
        before = text[start - 1] if start > 0 else " "
        after = text[end] if end < len(text) else " "
        if before.isalnum() or before in "_/#" or after.isalnum() or after in "_":
            return False
        if before == "-" and start > 1 and text[start - 2].isalnum():
            return False  # the tail of an identifier such as ORD-2024031512345
        stripped = raw.strip()
        if _DATE_SHAPE.fullmatch(stripped) or _IPV4_SHAPE.fullmatch(stripped):
            return False
        window = text[max(0, start - self.CONTEXT_WINDOW) : start]
        if _SSN_SHAPE.fullmatch(stripped) and _SSN_WORDS.search(window):
            return False
        return sum(ch.isdigit() for ch in raw) >= 7

    def _formatted(self, text: str, start: int, end: int) -> bool:
        """Written like a phone number (separators, +, brackets) or with a phone word before."""
        if _FORMATTED.search(text[start:end].strip()):
            return True
        return bool(_PHONE_WORDS.search(text[max(0, start - self.CONTEXT_WINDOW) : start]))

    @staticmethod
    def _free_of_identifier_words(text: str, start: int) -> bool:
        """No ``order``, ``invoice``, ``tracking``... right before a bare digit run."""
        return not _IDENTIFIER_WORDS.search(text[max(0, start - 25) : start])

    def _result(self, start: int, end: int, score: float) -> RecognizerResult:
        return RecognizerResult(
            entity_type=self.ENTITY,
            start=start,
            end=end,
            score=score,
            analysis_explanation=AnalysisExplanation(
                recognizer=str(self.name),
                original_score=score,
                textual_explanation="phone number (phonenumbers)",
            ),
            recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: str(self.name),
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
            },
        )


def _one_region_per_calling_code(regions: Sequence[str]) -> tuple[str, ...]:
    """Regions that share a calling code (US and CA: +1) parse national numbers alike, and the
    matcher is the costliest recognizer: scan once per calling code, not once per region."""
    seen: set[int] = set()
    kept: list[str] = []
    for region in regions:
        code = phonenumbers.country_code_for_region(region)
        if code not in seen:
            seen.add(code)
            kept.append(region)
    return tuple(kept)


def _longest_first(results: list[RecognizerResult]) -> list[RecognizerResult]:
    ordered = sorted(results, key=lambda r: (r.start, -r.end))
    kept: list[RecognizerResult] = []
    for result in ordered:
        if kept and result.start < kept[-1].end:
            continue
        kept.append(result)
    return kept
