"""Token- and span-level scores of detected spans against labeled texts, per type and per locale.

The measure is the one a vendor sees: a labeled token (``\\w+``) counts as removed when more than
half of its characters lie inside detected spans of any type (a PERSON read as ORGANIZATION is
still gone from the vendor's copy). ``../shared/tools/dev_accuracy.py`` scores what a vendor
received through the proxy the same way.

- token recall of a type: removed tokens of that type / its tokens;
- span recall: gold spans whose tokens are all removed / gold spans;
- precision: removed labeled tokens / all removed tokens.

Tokens labeled ``LOCATION`` (a city or country named outside an address) are left out of the
default score: removing them is neither a hit nor a false positive there. The ``strict`` score
counts them as PII.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from recognizers.types import Span

TOKEN = re.compile(r"\w+")
# The core PII types of the targets; the others are reported beside them.
CORE_TYPES: frozenset[str] = frozenset(
    {"PERSON", "STREET_ADDRESS", "ZIP_CODE", "PHONE_NUMBER", "EMAIL_ADDRESS", "CREDIT_CARD",
     "IBAN_CODE", "US_SSN", "NATIONAL_ID", "IP_ADDRESS"}
)
NOT_SCORED_BY_DEFAULT = frozenset({"LOCATION"})


@dataclass
class Tally:
    """Counts for one group (a type, a locale, or everything)."""

    tokens: int = 0
    removed: int = 0
    spans: int = 0
    spans_found: int = 0

    @property
    def recall(self) -> float:
        return self.removed / self.tokens if self.tokens else float("nan")

    @property
    def span_recall(self) -> float:
        return self.spans_found / self.spans if self.spans else float("nan")


@dataclass
class Scores:
    """Scores of one engine on one corpus."""

    strict: bool = False
    by_type: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_locale_type: dict[tuple[str, str], Tally] = field(default_factory=lambda: defaultdict(Tally))
    other_tokens: int = 0
    other_removed: int = 0
    missed: Counter[str] = field(default_factory=Counter)

    def add(self, record: dict[str, Any], spans: Sequence[Span]) -> None:
        """Score the spans detected in one labeled record."""
        text = record["full_text"]
        covered = bytearray(len(text))
        for span in spans:
            covered[span.start:span.end] = b"\x01" * (span.end - span.start)
        label: list[str | None] = [None] * len(text)
        for gold in record["spans"]:
            a, b = gold["start_position"], gold["end_position"]
            label[a:b] = [gold["entity_type"]] * (b - a)
        locale = record.get("locale") or record.get("country") or "-"
        removed_at: dict[int, bool] = {}
        for m in TOKEN.finditer(text):
            kind = next((label[i] for i in range(m.start(), m.end()) if label[i]), None)
            gone = sum(covered[m.start():m.end()]) * 2 > m.end() - m.start()
            removed_at[m.start()] = gone
            if kind is not None and (self.strict or kind not in NOT_SCORED_BY_DEFAULT):
                for tally in (self.by_type[kind], self.by_locale_type[(locale, kind)]):
                    tally.tokens += 1
                    tally.removed += gone
            elif kind is None:
                self.other_tokens += 1
                self.other_removed += gone
        for gold in record["spans"]:
            kind = gold["entity_type"]
            if not self.strict and kind in NOT_SCORED_BY_DEFAULT:
                continue
            toks = [removed_at[m.start() + gold["start_position"]]
                    for m in TOKEN.finditer(gold["entity_value"])
                    if m.start() + gold["start_position"] in removed_at]
            found = bool(toks) and all(toks)
            for tally in (self.by_type[kind], self.by_locale_type[(locale, kind)]):
                tally.spans += 1
                tally.spans_found += found
            if not found:
                self.missed[kind] += 1

    def add_all(self, records: Iterable[dict[str, Any]], spans: Iterable[Sequence[Span]]) -> None:
        for record, found in zip(records, spans, strict=True):
            self.add(record, found)

    def total(self, types: Iterable[str] | None = None) -> Tally:
        """Counts summed over ``types`` (all scored types when None)."""
        out = Tally()
        for kind, tally in self.by_type.items():
            if types is None or kind in types:
                out.tokens += tally.tokens
                out.removed += tally.removed
                out.spans += tally.spans
                out.spans_found += tally.spans_found
        return out

    def precision(self) -> float:
        hit = sum(t.removed for t in self.by_type.values())
        return hit / (hit + self.other_removed) if hit + self.other_removed else float("nan")

    def f_beta(self, beta: float = 2.0, types: Iterable[str] | None = None) -> float:
        p, r = self.precision(), self.total(types).recall
        if not p or not r:
            return 0.0
        return (1 + beta**2) * p * r / (beta**2 * p + r)

    def locales(self) -> list[str]:
        return sorted({loc for loc, _ in self.by_locale_type})

    def locale_tally(self, locale: str, types: Iterable[str] | None = None) -> Tally:
        out = Tally()
        for (loc, kind), tally in self.by_locale_type.items():
            if loc == locale and (types is None or kind in types):
                out.tokens += tally.tokens
                out.removed += tally.removed
                out.spans += tally.spans
                out.spans_found += tally.spans_found
        return out
