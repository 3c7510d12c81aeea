"""Payment card numbers: 13-19 digits, optional space or dash separators, Luhn and brand checked.

A number must pass the Luhn check *and* start with the prefix of a known brand at a length that
brand issues (Visa, Mastercard, American Express, Discover, JCB, Diners Club, UnionPay, Maestro);
separators must be used consistently (one kind). That keeps order numbers that happen to pass
Luhn (one in ten) out.

A card written right after another number (``order 42 4111 1111 1111 1111``) makes the pattern
take the longer run, which fails; the runs inside it that start and end at its separators are
then tried, longest first.

UATP (airline travel) cards are the one brand starting with 1: exactly 15 digits. A bare
15-digit number starting with 1 that passes Luhn is taken as a card, as Presidio does; shorter or
longer numbers starting with 1 (13-digit millisecond timestamps, 16-digit references) are not.
"""

from __future__ import annotations

from collections.abc import Iterator

from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from recognizers.base import RegexRecognizer, digits_of, drop_contained, luhn_valid

# (prefix ranges, allowed lengths) per brand; a range is (low, high) over the first N digits.
_BRANDS: tuple[tuple[tuple[tuple[int, int], ...], frozenset[int]], ...] = (
    (((4, 4),), frozenset({13, 16, 19})),  # Visa
    (((51, 55), (2221, 2720)), frozenset({16})),  # Mastercard
    (((34, 34), (37, 37)), frozenset({15})),  # American Express
    (((6011, 6011), (644, 649), (65, 65)), frozenset({16, 17, 18, 19})),  # Discover
    # JCB issues 3528-3589; generators and test cards use all of 35xx.
    (((35, 35),), frozenset({16, 17, 18, 19})),  # JCB
    (((2131, 2131), (1800, 1800)), frozenset({15})),  # JCB (old 15-digit)
    (((300, 305), (36, 36), (38, 39)), frozenset({14, 15, 16, 17, 18, 19})),  # Diners Club
    (((62, 62),), frozenset({16, 17, 18, 19})),  # UnionPay
    (((50, 50), (56, 58), (63, 63), (67, 67)), frozenset({12, 13, 14, 15, 16, 17, 18, 19})),
    (((1, 1),), frozenset({15})),  # UATP
)


def known_brand(number: str) -> bool:
    """Whether ``number`` (digits only) has the prefix and length of a known card brand."""
    for ranges, lengths in _BRANDS:
        if len(number) not in lengths:
            continue
        for low, high in ranges:
            width = len(str(low))
            if low <= int(number[:width]) <= high:
                return True
    return False


class PaymentCardRecognizer(RegexRecognizer):
    """Card numbers of known brands that pass the Luhn check."""

    ENTITY = "CREDIT_CARD"
    PATTERNS = (("card", r"(?<![\w.-])\d(?:[ -]?\d){11,18}(?![\w]|[.-]\d)", 0.3),)
    CONTEXT = ("credit", "card", "visa", "mastercard", "amex", "discover", "cc", "payment")
    MIN_DIGITS = 12  # the shortest card number the pattern takes

    def validate(self, value: str) -> bool | None:
        """Luhn, brand prefix and length, one kind of separator."""
        separators = {ch for ch in value if not ch.isdigit()}
        if len(separators) > 1:
            return False
        number = digits_of(value)
        return luhn_valid(number) and known_brand(number) and len(set(number)) > 1

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """The pattern's cards, plus a card inside a longer run of groups that failed."""
        results = super().analyze(text, entities, nlp_artifacts)
        if not self.may_match(text):
            return results
        found = [(r.start, r.end) for r in results]
        extra: list[RecognizerResult] = []
        for pattern_name, match, _ in self.pattern_matches(text):
            start, end = match.span()
            if any(s <= start and end <= e for s, e in found):
                continue
            for sub_start, sub_end in _inner_runs(text, start, end):
                if self.validate(text[sub_start:sub_end]):
                    extra.append(self._result(sub_start, sub_end, self.VALIDATED_SCORE,
                                              pattern_name))
                    break
        return drop_contained(results + extra) if extra else results


def _inner_runs(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Spans inside ``text[start:end]`` that begin and end at its spaces (not the whole),
    holding 12 to 19 digits, longest first. Not at dashes: ``4111...1111-2`` is one
    identifier, not a card and a number."""
    cuts = [i for i in range(start, end) if text[i] == " "]
    if not cuts:
        return
    starts = [start, *(i + 1 for i in cuts)]
    ends = [*cuts, end]
    spans = [(s, e) for s in starts for e in ends
             if s < e and (s, e) != (start, end) and 12 <= e - s - text.count(" ", s, e)
             - text.count("-", s, e) <= 19]
    yield from sorted(spans, key=lambda span: span[0] - span[1])
