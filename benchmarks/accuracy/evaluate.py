"""Span-level scoring of detections against gold spans.

Matching (overlap-based, with type equivalence classes):

- Every entity type belongs to a class (``CLASSES``): e.g. STREET_ADDRESS, LOCATION and POSTCODE
  are one class, so default Presidio's LOCATION on the city of an address counts; DATE_OF_BIRTH,
  AGE and DATE_TIME are one class; SECRET and API_KEY are one class; the national IDs are one class.
- A gold span is **found** when a prediction of its class overlaps it by at least one character.
  Recall = found gold spans / gold spans.
- A prediction is a **true positive** when at least half of its characters lie inside gold spans
  of its class, otherwise a false positive. Precision = true positives / scored predictions.
- Predictions of ORGANIZATION and NRP are not scored (the corpus does not label company names or
  nationalities; both engines take them from the same NER). DATE_TIME is scored only when it
  lands on a date of birth or an age; elsewhere (order dates, timestamps) it is not scored in the
  labeled corpus. Every other type is scored, including types no gold span has (URL, UUID,
  UK_NHS, US_BANK_NUMBER, ...): those are false positives.
- F2 = 5PR / (4P + R): recall weighs four times as much as precision, because a miss leaks data
  and a false positive only over-redacts.
- Coverage = share of the gold characters (letters and digits) covered by predictions of the right
  class: overlap matching counts "Washington" found inside a full street address, coverage shows
  how much of the address would still leak.
- In the no-PII corpus every prediction is a false positive; they are counted per 1,000
  whitespace tokens, once for the scored types above and once for all types.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from benchmarks.accuracy.corpus import GoldSpan, Sample
from recognizers.types import Span

CLASSES: dict[str, frozenset[str]] = {
    "PERSON": frozenset({"PERSON"}),
    "EMAIL": frozenset({"EMAIL_ADDRESS"}),
    "PHONE": frozenset({"PHONE_NUMBER"}),
    "CARD": frozenset({"CREDIT_CARD"}),
    "SSN": frozenset({"US_SSN"}),
    "NATIONAL_ID": frozenset({"UK_NINO", "DE_TAX_ID", "FR_NIR", "NL_BSN", "ES_NIF", "ES_NIE",
                              "IT_FISCAL_CODE", "DE_ID_CARD"}),
    "IBAN": frozenset({"IBAN_CODE"}),
    "IP": frozenset({"IP_ADDRESS"}),
    "MAC": frozenset({"MAC_ADDRESS"}),
    "LOCATION": frozenset({"STREET_ADDRESS", "LOCATION", "POSTCODE"}),
    "DATE": frozenset({"DATE_OF_BIRTH", "AGE", "DATE_TIME"}),
    "SECRET": frozenset({"SECRET", "API_KEY"}),
}
CLASS_OF: dict[str, str] = {t: name for name, types in CLASSES.items() for t in types}
NEVER_SCORED = frozenset({"ORGANIZATION", "NRP"})
SCORED_ONLY_ON_GOLD = frozenset({"DATE_TIME"})


def class_of(entity_type: str) -> str:
    """The class of a type; types outside every class are their own class (always FP)."""
    return CLASS_OF.get(entity_type, entity_type)


@dataclass
class TypeScore:
    """Counts for one gold entity type (or a predicted type without gold, as a FP-only row)."""

    gold: int = 0
    found: int = 0
    predicted: int = 0
    true_positives: int = 0
    gold_chars: int = 0
    covered_chars: int = 0

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 1.0

    @property
    def f2(self) -> float:
        p, r = self.precision, self.recall
        return 5 * p * r / (4 * p + r) if (4 * p + r) else 0.0

    @property
    def coverage(self) -> float:
        return self.covered_chars / self.gold_chars if self.gold_chars else 1.0

    def add(self, other: TypeScore) -> None:
        self.gold += other.gold
        self.found += other.found
        self.predicted += other.predicted
        self.true_positives += other.true_positives
        self.gold_chars += other.gold_chars
        self.covered_chars += other.covered_chars


@dataclass
class Evaluation:
    """Scores of one engine on the labeled corpus."""

    by_type: dict[str, TypeScore] = field(default_factory=lambda: defaultdict(TypeScore))
    misses: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    false_positives: Counter[str] = field(default_factory=Counter)

    @property
    def overall(self) -> TypeScore:
        total = TypeScore()
        for score in self.by_type.values():
            total.add(score)
        return total


def _overlap(a_start: int, a_end: int, b: GoldSpan) -> int:
    return max(0, min(a_end, b.end) - max(a_start, b.start))


def _scored(span: Span, gold: Sequence[GoldSpan]) -> bool:
    if span.entity_type in NEVER_SCORED:
        return False
    if span.entity_type in SCORED_ONLY_ON_GOLD:
        return any(
            class_of(g.entity_type) == class_of(span.entity_type)
            and _overlap(span.start, span.end, g) > 0
            for g in gold
        )
    return True


def evaluate(samples: Sequence[Sample], predictions: Sequence[Sequence[Span]]) -> Evaluation:
    """Score ``predictions`` (one list per sample) against the samples' gold spans."""
    result = Evaluation()
    for sample, spans in zip(samples, predictions, strict=True):
        scored = [span for span in spans if _scored(span, sample.spans)]
        for gold in sample.spans:
            row = result.by_type[gold.entity_type]
            row.gold += 1
            cls = class_of(gold.entity_type)
            same_class = [s for s in scored if class_of(s.entity_type) == cls]
            if any(_overlap(s.start, s.end, gold) for s in same_class):
                row.found += 1
            elif len(result.misses[gold.entity_type]) < 5:
                result.misses[gold.entity_type].append(sample.text[gold.start : gold.end])
            covered = set()
            for s in same_class:
                covered.update(range(max(s.start, gold.start), min(s.end, gold.end)))
            alnum = [i for i in range(gold.start, gold.end) if sample.text[i].isalnum()]
            row.gold_chars += len(alnum)
            row.covered_chars += sum(1 for i in alnum if i in covered)
        for span in scored:
            cls = class_of(span.entity_type)
            inside = 0
            best: GoldSpan | None = None
            for gold in sample.spans:
                if class_of(gold.entity_type) != cls:
                    continue
                amount = _overlap(span.start, span.end, gold)
                inside += amount
                if amount and (best is None or amount > _overlap(span.start, span.end, best)):
                    best = gold
            length = max(1, span.end - span.start)
            if best is not None and inside * 2 >= length:
                row = result.by_type[best.entity_type]
                row.predicted += 1
                row.true_positives += 1
            else:
                result.by_type[span.entity_type].predicted += 1
                result.false_positives[span.entity_type] += 1
    return result


@dataclass
class FalsePositiveCount:
    """Predictions on the no-PII corpus."""

    tokens: int
    scored: Counter[str]
    all_types: Counter[str]

    def per_1k(self, counter: Counter[str]) -> float:
        return 1000 * sum(counter.values()) / self.tokens if self.tokens else 0.0


def count_false_positives(
    samples: Sequence[Sample], predictions: Sequence[Sequence[Span]]
) -> FalsePositiveCount:
    """Every prediction on the no-PII corpus, per type."""
    scored: Counter[str] = Counter()
    all_types: Counter[str] = Counter()
    for spans in predictions:
        for span in spans:
            all_types[span.entity_type] += 1
            if span.entity_type not in NEVER_SCORED | SCORED_ONLY_ON_GOLD:
                scored[span.entity_type] += 1
    tokens = sum(len(sample.text.split()) for sample in samples)
    return FalsePositiveCount(tokens=tokens, scored=scored, all_types=all_types)
