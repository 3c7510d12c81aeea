"""The Presidio ``AnalyzerEngine`` factory.

The spaCy model is the PII NER pipeline shipped in ``recognizers/models`` (loaded by path), a
saved pipeline directory or an installed package, never a download (Presidio would otherwise call
``spacy.cli.download``, a network call); pipes that NER and Presidio do not need are excluded,
and tldextract is made offline before anything can analyze. The recognizers are ours
(``recognizers.registry``), limited to the entity types ``settings.entities`` names.

``build_default_analyzer`` builds stock Presidio on a model and trimmed pipeline, as the
baseline of the accuracy benchmark (the small English model there).
"""

from __future__ import annotations

from typing import Any

import spacy
from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
from presidio_analyzer.nlp_engine import NlpArtifacts, NlpEngineProvider, SpacyNlpEngine
from spacy.language import Language
from thinc.api import NumpyOps

from recognizers.models import resolve_model
from recognizers.offline import make_offline
from recognizers.settings import AnalyzerSettings

# Pipes never run: only NER is needed. Without the tagger, attribute_ruler and lemmatizer,
# Presidio's lemma context enhancer sees no lemmas and boosts no score; measured on the benchmark
# texts (`python -m benchmarks.pipes_check`) recall is unchanged and detection costs ~30 % less.
# Our recognizers match their context words on the text themselves.
UNNEEDED_PIPES: tuple[str, ...] = ("parser", "senter", "tagger", "attribute_ruler", "lemmatizer")

# spaCy (OntoNotes) labels mapped to Presidio entity names, and the labels that are not PII.
# ORG is kept (Presidio's default.yaml ignores it for false positives): for a data-minimization
# proxy an over-redacted organization name is the safe error.
NER_LABEL_TO_ENTITY: dict[str, str] = {
    "PERSON": "PERSON",
    "PER": "PERSON",
    "NORP": "NRP",
    "FAC": "LOCATION",
    "LOC": "LOCATION",
    "GPE": "LOCATION",
    "LOCATION": "LOCATION",
    "ORG": "ORGANIZATION",
    "ORGANIZATION": "ORGANIZATION",
    "DATE": "DATE_TIME",
    "TIME": "DATE_TIME",
    # Labels of the shipped PII model (recognizers/models/pii_ner).
    "STREET_ADDRESS": "STREET_ADDRESS",
    "POSTCODE": "POSTCODE",
}
NER_LABELS_TO_IGNORE: tuple[str, ...] = (
    "CARDINAL",
    "EVENT",
    "LANGUAGE",
    "LAW",
    "MONEY",
    "ORDINAL",
    "PERCENT",
    "PRODUCT",
    "QUANTITY",
    "WORK_OF_ART",
)


def require_installed_model(model: str) -> None:
    """Raise ``RuntimeError`` unless ``model`` names a shipped pipeline, a pipeline directory or
    an installed spaCy package (never download)."""
    resolve_model(model)


class InstalledSpacyNlpEngine(SpacyNlpEngine):
    """Presidio's spaCy engine, loading shipped or installed models only, without unneeded pipes."""

    nlp: dict[str, Language]  # type: ignore[assignment]  # Presidio declares None until load()

    def load(self) -> None:
        """Load every configured model from its shipped directory or installed package."""
        self.nlp = {}
        for model in self.models:
            self._validate_model_params(model)
            nlp = spacy.load(resolve_model(model["model_name"]), exclude=list(UNNEEDED_PIPES))
            # A shared tok2vec that no remaining pipe listens to (NER has its own) is dead time.
            if "tok2vec" in nlp.pipe_names and not getattr(
                nlp.get_pipe("tok2vec"), "listening_components", True
            ):
                nlp.remove_pipe("tok2vec")
            self.nlp[model["lang_code"]] = nlp

    def ner_batch(self, texts: list[str], language: str) -> list[NlpArtifacts]:
        """NER over ``texts`` in one ``pipe`` call, as artifacts holding only what our
        recognizers read: the mapped entities and their scores, and the doc.

        Presidio's ``process_batch`` also lists every token's lemma and offset and looks each
        lemma up as a stop word to build context keywords: a quarter of the spaCy time on short
        texts, for a context enhancer that has no lemmas to read here (the lemmatizer is
        excluded) and that the detector does not run.
        """
        artifacts = []
        for doc in self.nlp[language].pipe(texts, batch_size=max(1, len(texts))):
            entities, scores = self._get_updated_entities(
                self._get_entities(doc), self._get_scores_for_entities(doc)
            )
            artifacts.append(
                NlpArtifacts(
                    entities=entities,
                    tokens=doc,
                    tokens_indices=[],
                    lemmas=[],
                    nlp_engine=self,
                    language=language,
                    scores=scores,
                )
            )
        return artifacts


def use_matrix_library(nlp: Language, library: str) -> None:
    """Run the matrix products of every pipe of ``nlp`` with ``library`` ("numpy" or "blis").

    thinc multiplies with blis by default. The blis wheel picks its kernels by CPU model and
    falls back to portable C on models it does not know: on this project's AMD Zen 5 machines
    its products take about 3 x as long as numpy's OpenBLAS, which picks AVX2/AVX-512 kernels
    at run time, and NER about 1.5 x as long. The entities are the same (checked over the
    benchmark and accuracy corpora, ``tests/recognizers/test_engine.py``). The worker pool
    keeps OpenBLAS to one thread per process.
    """
    if library == "blis":
        return
    ops = NumpyOps(use_blis=False)
    for _name, pipe in nlp.pipeline:
        model = getattr(pipe, "model", None)
        if model is not None:
            for node in model.walk():
                node.ops = ops


def _nlp_configuration(settings: AnalyzerSettings) -> dict[str, Any]:
    return {
        "nlp_engine_name": InstalledSpacyNlpEngine.engine_name,
        "models": [{"lang_code": settings.language, "model_name": settings.model}],
        "ner_model_configuration": {
            "model_to_presidio_entity_mapping": dict(NER_LABEL_TO_ENTITY),
            "labels_to_ignore": list(NER_LABELS_TO_IGNORE),
            "low_score_entity_names": [],
        },
    }


def build_analyzer(settings: AnalyzerSettings) -> AnalyzerEngine:
    """Build a Presidio analyzer with the spaCy model ``settings.model`` for ``settings.language``
    and our recognizer set.

    Raises ``RuntimeError`` if the model package is not installed.
    """
    from recognizers.registry import build_recognizers

    make_offline()
    require_installed_model(settings.model)
    provider = NlpEngineProvider(
        nlp_engines=(InstalledSpacyNlpEngine,),
        nlp_configuration=_nlp_configuration(settings),
    )
    nlp_engine = provider.create_engine()
    if isinstance(nlp_engine, InstalledSpacyNlpEngine):  # always: the provider knows no other
        for nlp in nlp_engine.nlp.values():
            use_matrix_library(nlp, settings.matrix_library)
    registry = RecognizerRegistry(
        recognizers=build_recognizers(settings), supported_languages=[settings.language]
    )
    return AnalyzerEngine(
        registry=registry,
        nlp_engine=nlp_engine,
        supported_languages=[settings.language],
        default_score_threshold=settings.score_threshold,
    )


def build_default_analyzer(settings: AnalyzerSettings) -> AnalyzerEngine:
    """Stock Presidio: default recognizers and NER configuration on the installed model.

    Only the pipeline trimming is shared with ``build_analyzer`` (no parser), so a speed
    comparison measures the recognizers, not the spaCy pipes. Used as the benchmark baseline.
    """
    make_offline()
    require_installed_model(settings.model)
    provider = NlpEngineProvider(
        nlp_engines=(InstalledSpacyNlpEngine,),
        nlp_configuration={
            "nlp_engine_name": InstalledSpacyNlpEngine.engine_name,
            "models": [{"lang_code": settings.language, "model_name": settings.model}],
        },
    )
    return AnalyzerEngine(
        nlp_engine=provider.create_engine(),
        supported_languages=[settings.language],
        default_score_threshold=settings.score_threshold,
    )
