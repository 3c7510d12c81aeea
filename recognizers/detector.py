"""Batched detection: one spaCy pass over many texts, then the recognizers per text.

Each text is normalized first (``recognizers.normalize``: invisible characters, Unicode digits,
odd separators); spaCy and the recognizers see the normalized copy and every span is mapped back
to the original text. Overlapping detections are resolved to one label per span
(``recognizers.overlaps``), the request's allow list removes spans and its deny list adds them,
and the names listed beside a detected name (``recognizers.name_lists``) and the other mentions
of a detected name (``recognizers.name_mentions``) are added.

Runs inside a worker process (see ``recognizers.pool``); it is plain synchronous code.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from presidio_analyzer import EntityRecognizer

from recognizers.address_extent import extend_addresses
from recognizers.engine import InstalledSpacyNlpEngine
from recognizers.name_lists import add_listed_names
from recognizers.name_mentions import add_name_mentions
from recognizers.normalize import NormalizedText, normalize
from recognizers.overlaps import DENY_LIST_ENTITY, LEVEL_VALIDATED, resolve_overlaps
from recognizers.patterns.person_cue_recognizer import trim_to_cues
from recognizers.patterns.phone_number_recognizer import PhoneNumberRecognizer
from recognizers.settings import AnalyzerSettings
from recognizers.types import DetectionRequest, Span

if TYPE_CHECKING:
    from presidio_analyzer import AnalyzerEngine, RecognizerResult
    from presidio_analyzer.nlp_engine import NlpArtifacts

# Used by `warm()`: touches the NER model, the email (tldextract), phone and name paths so
# every lazy initialization happens before the first real request.
WARM_UP_TEXT = "Please call John Smith at 212-555-0198 or write to john.smith@example.com."

# The model's labels for people; its other labels mark words that are no list item of names.
_PERSON_LABELS = frozenset({"PERSON", "PER"})

# Texts with the same value and the same options give the same answer: analyzed once a batch.
_AnalysisKey = tuple[
    str,
    tuple[str, ...] | None,
    float,
    tuple[str, ...],
    tuple[str, ...],
    tuple[str, ...],
    tuple[str, ...] | None,
]


class Detector:
    """Finds PII spans in batches of texts with a Presidio analyzer.

    ``analyze_batch`` runs a single ``nlp.pipe`` over all distinct non-blank (normalized) texts of
    the batch and then the recognizers per distinct (text, options). Spans are offsets into the
    original texts, do not overlap, and come back sorted by ``(start, -end)``.
    """

    def __init__(
        self,
        settings: AnalyzerSettings,
        analyzer: AnalyzerEngine | None = None,
        custom_recognizers: Mapping[str, EntityRecognizer] | None = None,
    ) -> None:
        if analyzer is None:
            from recognizers.engine import build_analyzer

            analyzer = build_analyzer(settings)
        if custom_recognizers is None and settings.custom_recognizers:
            from recognizers.registry import build_custom_recognizers

            custom_recognizers = build_custom_recognizers(settings)
        self.settings = settings
        self.analyzer = analyzer
        self.custom_recognizers: dict[str, EntityRecognizer] = dict(custom_recognizers or {})
        self._selection: dict[
            tuple[tuple[str, ...] | None, tuple[str, ...], tuple[str, ...] | None],
            tuple[list[EntityRecognizer], list[str]],
        ] = {}
        self._custom_levels = {
            recognizer.supported_entities[0]: LEVEL_VALIDATED
            for recognizer in self.custom_recognizers.values()
        }

    def _key(self, request: DetectionRequest) -> _AnalysisKey:
        threshold = (
            request.score_threshold
            if request.score_threshold is not None
            else self.settings.score_threshold
        )
        entities = tuple(request.entities) if request.entities else None
        return (
            request.text,
            entities,
            threshold,
            tuple(request.allow_list),
            tuple(request.deny_list),
            tuple(request.recognizers),
            tuple(request.phone_regions) if request.phone_regions is not None else None,
        )

    def analyze_batch(self, requests: Sequence[DetectionRequest]) -> list[list[Span]]:
        """Return the spans found in each request's text, in request order.

        Raises ``KeyError`` if a request names a custom recognizer the settings do not declare
        (the caller fails closed).
        """
        keys = [self._key(request) for request in requests]
        # Blank texts cannot hold PII; skipping them also keeps them out of spaCy.
        distinct_keys = list(dict.fromkeys(key for key in keys if key[0].strip()))
        normalized = {key[0]: normalize(key[0]) for key in distinct_keys}
        distinct_texts = list(dict.fromkeys(n.text for n in normalized.values()))

        language = self.settings.language
        artifacts: dict[str, NlpArtifacts] = {}
        if distinct_texts:
            engine = self.analyzer.nlp_engine
            if isinstance(engine, InstalledSpacyNlpEngine):
                batch = engine.ner_batch(distinct_texts, language)
            else:  # an engine given by a test or a caller: Presidio's own batch path
                batch = [
                    nlp_artifacts
                    for _, nlp_artifacts in engine.process_batch(
                        distinct_texts, language, batch_size=len(distinct_texts)
                    )
                ]
            artifacts = dict(zip(distinct_texts, batch, strict=True))

        spans_by_key: dict[_AnalysisKey, list[Span]] = {}
        for key in distinct_keys:
            norm = normalized[key[0]]
            spans_by_key[key] = self._analyze_one(key, norm, artifacts[norm.text])

        # Each request gets its own list so callers may mutate it safely.
        return [list(spans_by_key.get(key, ())) for key in keys]

    def _recognizers_for(
        self,
        entities: tuple[str, ...] | None,
        custom_names: tuple[str, ...],
        phone_regions: tuple[str, ...] | None = None,
    ) -> tuple[list[EntityRecognizer], list[str]]:
        """The recognizers that can report one of ``entities`` (all when None) and the entity
        list they are asked for; chosen once per combination, not once per text. With
        ``phone_regions`` the phone recognizer is one for those regions (a contract's own)."""
        cache_key = (entities, custom_names, phone_regions)
        cached = self._selection.get(cache_key)
        if cached is None:
            ad_hoc = [self.custom_recognizers[name] for name in custom_names]
            language = self.settings.language
            selected = self.analyzer.registry.get_recognizers(
                language=language,
                entities=list(entities) if entities else None,
                all_fields=not entities,
                ad_hoc_recognizers=ad_hoc or None,
            )
            asked = list(entities) if entities else self.analyzer.get_supported_entities(language)
            if phone_regions is not None:
                selected = [
                    PhoneNumberRecognizer(phone_regions, language)
                    if isinstance(recognizer, PhoneNumberRecognizer)
                    else recognizer
                    for recognizer in selected
                ]
            for recognizer in selected:
                if not recognizer.is_loaded:
                    recognizer.load()
                    recognizer.is_loaded = True
            cached = (list(selected), asked)
            self._selection[cache_key] = cached
        return cached

    def _analyze_one(
        self, key: _AnalysisKey, norm: NormalizedText, nlp_artifacts: NlpArtifacts
    ) -> list[Span]:
        _, entities, threshold, allow_list, deny_list, custom_names, phone_regions = key
        # What `AnalyzerEngine.analyze` does, minus the parts that cost time and change nothing
        # here: its lemma context enhancer deep-copies every result and then finds no lemmas
        # (the lemmatizer is excluded, see recognizers.engine), and the decision-process
        # bookkeeping is dropped by the caller anyway. Same recognizers, threshold and
        # de-duplication, so the same spans (checked over the accuracy and benchmark corpora).
        recognizers, asked = self._recognizers_for(entities, custom_names, phone_regions)
        text = norm.text
        results: list[RecognizerResult] = []
        for recognizer in recognizers:
            found = recognizer.analyze(text=text, entities=asked, nlp_artifacts=nlp_artifacts)
            if found:
                results.extend(found)
        trim_to_cues(results, text)
        results = EntityRecognizer.remove_duplicates(
            [result for result in results if result.score >= threshold]
        )
        original = norm.original
        spans = []
        for result in results:
            start, end = norm.to_original(result.start, result.end)
            spans.append(Span(start, end, result.entity_type, float(result.score)))
        allowed = _term_regions(original, allow_list) if allow_list else []
        if allowed:
            spans = [span for span in spans if not _inside_any(span, allowed)]
        if deny_list:
            spans.extend(_denied_spans(original, deny_list))
        spans = extend_addresses(original, resolve_overlaps(spans, original, self._custom_levels))
        if entities is None or "PERSON" in entities:
            if any(span.entity_type == "PERSON" for span in spans):
                others = [norm.to_original(entity.start_char, entity.end_char)
                          for entity in nlp_artifacts.entities
                          if entity.label_ not in _PERSON_LABELS]
                spans = add_listed_names(original, spans, others, allowed)
            spans = add_name_mentions(original, spans, allowed)
        return spans

    def warm(self) -> None:
        """Analyze a small sample so lazy model and recognizer initialization happens now."""
        self.analyze_batch([DetectionRequest(text=WARM_UP_TEXT)])


def _term_regions(text: str, terms: Sequence[str]) -> list[tuple[int, int]]:
    """Every whole-word, case-insensitive occurrence of one of ``terms`` in ``text``."""
    cleaned = sorted({term.strip() for term in terms if term.strip()}, key=len, reverse=True)
    if not cleaned:
        return []
    pattern = re.compile(
        r"(?<!\w)(?:" + "|".join(re.escape(term) for term in cleaned) + r")(?!\w)", re.IGNORECASE
    )
    return [match.span() for match in pattern.finditer(text)]


def _inside_any(span: Span, regions: Sequence[tuple[int, int]]) -> bool:
    """Whether ``span`` lies within one of ``regions`` (an allowed term covers what it holds)."""
    return any(start <= span.start and span.end <= end for start, end in regions)


def _denied_spans(text: str, deny_list: Sequence[str]) -> list[Span]:
    """A DENIED_TERM span for every occurrence of a deny-list term."""
    return [Span(start, end, DENY_LIST_ENTITY, 1.0) for start, end in _term_regions(text, deny_list)]
