"""The analyzer factory: installed model only, trimmed pipeline, known entity list."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from recognizers import KNOWN_ENTITIES
from recognizers.detector import Detector
from recognizers.engine import build_analyzer
from recognizers.entities import DETECTOR_ENTITIES
from recognizers.settings import AnalyzerSettings


def test_only_ner_is_in_the_pipeline(detector: Detector) -> None:
    nlp = detector.analyzer.nlp_engine.get_nlp("en")

    # The small model's NER has its own embedding layer: nothing else needs to run
    # (benchmarks/pipes_check.py measured that recall does not drop without lemmas).
    assert nlp.pipe_names == ["ner"]


def test_unknown_model_is_a_clear_error_not_a_download() -> None:
    settings = AnalyzerSettings(model="en_core_web_does_not_exist")

    with pytest.raises(RuntimeError, match="en_core_web_does_not_exist") as info:
        build_analyzer(settings)
    assert "pip install en_core_web_does_not_exist" in str(info.value)


def test_known_entities_match_the_engine(detector: Detector) -> None:
    supported = set(detector.analyzer.get_supported_entities(language="en"))

    # DENIED_TERM comes from the detector (a request's deny list), not from a recognizer.
    assert supported | DETECTOR_ENTITIES == KNOWN_ENTITIES


def test_entities_setting_limits_the_engine() -> None:
    analyzer = build_analyzer(AnalyzerSettings(entities=("EMAIL_ADDRESS", "PERSON")))

    assert set(analyzer.get_supported_entities(language="en")) == {"EMAIL_ADDRESS", "PERSON"}


def test_score_threshold_is_the_engine_default(detector: Detector) -> None:
    assert detector.analyzer.default_score_threshold == AnalyzerSettings().score_threshold


def test_package_import_does_not_load_the_engine() -> None:
    """`import recognizers` stays cheap: the proxy's `check` command must not load spaCy."""
    code = (
        "import sys, recognizers\n"
        "from recognizers import KNOWN_ENTITIES, AnalyzerSettings, DetectionRequest\n"
        "heavy = [m for m in ('spacy', 'presidio_analyzer', 'tldextract') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
        "assert 'PERSON' in KNOWN_ENTITIES\n"
        "assert recognizers.Detector.__name__ == 'Detector'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parents[2])


def _entities(nlp: Any, texts: list[str]) -> list[list[tuple[int, int, str]]]:
    return [[(e.start_char, e.end_char, e.label_) for e in doc.ents]
            for doc in nlp.pipe(texts, batch_size=32)]


def test_numpy_matrix_library_finds_the_same_entities_as_blis(detector: Detector) -> None:
    """The engine multiplies with numpy's OpenBLAS (faster where blis has no kernels for the
    CPU); summation order may differ in the last bits, the entities must not."""
    import spacy

    from benchmarks.accuracy.synthetic import FROZEN_TEST, read_jsonl
    from benchmarks.payloads import make_payloads
    from recognizers.engine import UNNEEDED_PIPES, use_matrix_library
    from recognizers.models import resolve_model

    texts = [record["full_text"] for record in read_jsonl(FROZEN_TEST)[:1600]]
    texts += [t for p in make_payloads(300) for t in p.free_texts]
    engine_nlp = detector.analyzer.nlp_engine.get_nlp("en")
    blis_nlp = spacy.load(resolve_model(AnalyzerSettings().model),
                          exclude=[*UNNEEDED_PIPES, "tok2vec"])
    use_matrix_library(blis_nlp, "blis")

    assert {n.ops.use_blis for n in blis_nlp.get_pipe("ner").model.walk()} == {True}
    assert {n.ops.use_blis for n in engine_nlp.get_pipe("ner").model.walk()} == {False}
    found = _entities(engine_nlp, texts)
    assert sum(map(len, found)) > 1000  # the corpus does hold entities
    assert found == _entities(blis_nlp, texts)


@pytest.mark.parametrize(("library", "uses_blis"), [("numpy", False), ("blis", True)])
def test_matrix_library_setting_picks_the_library(library: str, uses_blis: bool) -> None:
    analyzer = build_analyzer(AnalyzerSettings(entities=("PERSON",), matrix_library=library))
    ner = analyzer.nlp_engine.get_nlp("en").get_pipe("ner")

    assert {node.ops.use_blis for node in ner.model.walk()} == {uses_blis}


def test_unknown_matrix_library_is_refused() -> None:
    with pytest.raises(ValueError, match="matrix_library"):
        AnalyzerSettings(matrix_library="mkl")  # type: ignore[arg-type]
