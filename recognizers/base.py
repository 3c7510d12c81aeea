"""The base of our pattern recognizers: regexes with a value group, checksums and required context.

Presidio's ``PatternRecognizer`` validates only the matched text and ignores case by default. Our
recognizers need a little more, declared at class level:

- ``PATTERNS``: ``(name, regex, score)``; a named group ``value`` narrows the reported span
  (``password=(?P<value>\\S+)`` reports the password, not the key).
- ``FLAGS``: regex flags (case-sensitive unless a recognizer says otherwise).
- ``validate(value)``: a checksum or structural check; ``False`` drops the match, ``True`` raises
  its score to ``VALIDATED_SCORE``, ``None`` keeps the pattern score.
- ``REQUIRED_CONTEXT``: a regex that must occur within ``CONTEXT_WINDOW`` characters before
  (or ``CONTEXT_AFTER`` after) the match for patterns listed in ``CONTEXT_PATTERNS``; formats that
  look like many other numbers (a bare five-digit postcode) are only reported next to their words.
- ``CONTEXT``: words for Presidio's context enhancer, as usual.
- ``MIN_DIGITS`` and ``GATE``: necessary conditions (``recognizers.prefilter``): a text with
  fewer digits than every match needs, or without the piece every match contains, is skipped
  before the patterns run.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

import regex
from presidio_analyzer import AnalysisExplanation, LocalRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from recognizers.prefilter import Gate, digits_gate, loosened_context_gate, passes

# Same bound as Presidio's pattern recognizers: a pathological text cannot hang a worker.
REGEX_TIMEOUT_S = 2.0


class RegexRecognizer(LocalRecognizer):
    """A pattern recognizer with value groups, checksums and required context (see module doc)."""

    name: str  # set by Presidio's unannotated __init__; typed here for mypy
    ENTITY: ClassVar[str] = ""
    PATTERNS: ClassVar[tuple[tuple[str, str, float], ...]] = ()
    FLAGS: ClassVar[int] = 0
    CONTEXT: ClassVar[tuple[str, ...]] = ()
    REQUIRED_CONTEXT: ClassVar[str | None] = None
    CONTEXT_PATTERNS: ClassVar[frozenset[str]] = frozenset()
    CONTEXT_WINDOW: ClassVar[int] = 40
    CONTEXT_AFTER: ClassVar[int] = 0
    VALIDATED_SCORE: ClassVar[float] = 1.0
    MIN_DIGITS: ClassVar[int] = 0
    GATE: ClassVar[str | None] = None
    # Per pattern: words one of which every match of that pattern holds (see prefilter).
    PATTERN_GATES: ClassVar[dict[str, Gate]] = {}
    # The whole recognizer's gate as words (cheaper than a ``GATE`` regex of the same words).
    GATE_WORDS: ClassVar[Gate | None] = None

    def __init__(self, supported_language: str = "en", name: str | None = None) -> None:
        self._compiled = [
            (pattern_name, regex.compile(pattern, self.FLAGS), score)
            for pattern_name, pattern, score in self.PATTERNS
        ]
        self._digits_gate = digits_gate(self.MIN_DIGITS)
        self._gate: Gate | None = (
            self.GATE_WORDS if self.GATE_WORDS is not None
            else regex.compile(self.GATE, self.FLAGS) if self.GATE else None)
        # When every pattern needs the required context (and the class checks it the usual
        # way), a text without it anywhere gives nothing.
        every_pattern_needs_context = bool(self.PATTERNS) and {
            name for name, _, _ in self.PATTERNS
        } <= self.CONTEXT_PATTERNS
        self._context_gate = (
            loosened_context_gate(self.REQUIRED_CONTEXT)
            if self.REQUIRED_CONTEXT
            and every_pattern_needs_context
            and type(self).has_context is RegexRecognizer.has_context
            and not self.CONTEXT_AFTER
            else None
        )
        self._context_regex = (
            regex.compile(self.REQUIRED_CONTEXT, regex.IGNORECASE)
            if self.REQUIRED_CONTEXT
            else None
        )
        super().__init__(
            supported_entities=[self.ENTITY],
            supported_language=supported_language,
            context=list(self.CONTEXT),
            name=name or type(self).__name__,
        )

    def load(self) -> None:
        """Nothing to load: patterns are compiled in ``__init__``."""

    def validate(self, value: str) -> bool | None:
        """Checksum or structure check of a matched value; ``None``: no opinion."""
        return None

    def may_match(self, text: str) -> bool:
        """Whether ``text`` meets the gates every match implies (if not, there is no result)."""
        return (
            passes(self._digits_gate, text)
            and passes(self._gate, text)
            and passes(self._context_gate, text)
        )

    def has_context(self, text: str, start: int, end: int) -> bool:
        """Whether the required context occurs near ``text[start:end]``."""
        if self._context_regex is None:
            return True
        before = text[max(0, start - self.CONTEXT_WINDOW) : start]
        after = text[end : end + self.CONTEXT_AFTER] if self.CONTEXT_AFTER else ""
        return bool(self._context_regex.search(before) or (after and self._context_regex.search(after)))

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """Return one result per accepted match (the longest one when matches overlap)."""
        results: list[RecognizerResult] = []
        if not self.may_match(text):
            return results
        for pattern_name, match, score in self.pattern_matches(text):
            start, end = match.span("value") if "value" in match.re.groupindex else match.span()
            if start < 0 or start == end:
                continue
            if pattern_name in self.CONTEXT_PATTERNS and not self.has_context(text, start, end):
                continue
            verdict = self.validate(text[start:end])
            if verdict is False:
                continue
            final = self.VALIDATED_SCORE if verdict else score
            results.append(self._result(start, end, final, pattern_name))
        return drop_contained(results)

    def pattern_matches(self, text: str) -> Iterator[tuple[str, regex.Match[str], float]]:
        """``(pattern name, match, score)`` for every match of every pattern, in pattern order;
        a pattern that runs past ``REGEX_TIMEOUT_S`` on ``text`` yields nothing."""
        gates = self.PATTERN_GATES
        for pattern_name, compiled, score in self._compiled:
            gate = gates.get(pattern_name)
            if gate is not None and gate.search(text) is None:
                continue
            for match in finditer_bounded(compiled, text):
                yield pattern_name, match, score

    def _result(self, start: int, end: int, score: float, pattern_name: str) -> RecognizerResult:
        return RecognizerResult(
            entity_type=self.ENTITY,
            start=start,
            end=end,
            score=score,
            analysis_explanation=AnalysisExplanation(
                recognizer=str(self.name),
                original_score=score,
                pattern_name=pattern_name,
                textual_explanation=f"Detected by {self.name!s} using pattern {pattern_name}",
            ),
            recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: str(self.name),
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
            },
        )


def finditer_bounded(pattern: regex.Pattern[str], text: str) -> list[regex.Match[str]]:
    """Every match of ``pattern`` in ``text``, or none if matching runs past the time limit
    (a hostile text must not hold a worker)."""
    try:
        return list(pattern.finditer(text, timeout=REGEX_TIMEOUT_S))
    except TimeoutError:
        return []


def drop_contained(results: list[RecognizerResult]) -> list[RecognizerResult]:
    """Keep the best result per span and drop results inside a longer one."""
    ordered = sorted(results, key=lambda r: (r.start, -r.end, -r.score))
    kept: list[RecognizerResult] = []
    for result in ordered:
        if kept and result.start >= kept[-1].start and result.end <= kept[-1].end:
            if result.score > kept[-1].score and (result.start, result.end) == (
                kept[-1].start,
                kept[-1].end,
            ):
                kept[-1] = result
            continue
        kept.append(result)
    return kept


def digits_of(value: str) -> str:
    """The ASCII digits of ``value``, in order."""
    return "".join(ch for ch in value if "0" <= ch <= "9")


def luhn_valid(number: str) -> bool:
    """The Luhn (mod 10) check used by payment cards and many national IDs."""
    total = 0
    for index, char in enumerate(reversed(number)):
        digit = ord(char) - 48
        if index % 2:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def mod97_valid(value: str) -> bool:
    """ISO 7064 MOD 97-10 over an IBAN-style string (country and check digits moved last)."""
    rearranged = value[4:] + value[:4]
    try:
        number = int("".join(str(int(ch, 36)) for ch in rearranged))
    except ValueError:
        return False
    return number % 97 == 1
