"""The recognizer set: our recognizers replace the misfiring defaults; settings.entities limits it."""

from __future__ import annotations

import pickle

import pytest

from recognizers.entities import DETECTOR_ENTITIES, KNOWN_ENTITIES
from recognizers.registry import build_recognizers
from recognizers.settings import AnalyzerSettings


def _entities(settings: AnalyzerSettings) -> set[str]:
    return {e for r in build_recognizers(settings) for e in r.supported_entities}


def test_default_set_covers_the_known_entities() -> None:
    assert _entities(AnalyzerSettings()) == set(KNOWN_ENTITIES - DETECTOR_ENTITIES)


def test_replaced_presidio_recognizers_are_gone() -> None:
    names = {
        type(r).__name__
        for r in build_recognizers(AnalyzerSettings())
        if type(r).__module__.startswith("presidio_analyzer")
    }
    for replaced in ("PhoneRecognizer", "CreditCardRecognizer", "UsSsnRecognizer",
                     "IbanRecognizer", "IpRecognizer", "DateRecognizer", "SpacyRecognizer"):
        assert replaced not in names


def test_entities_setting_limits_the_set() -> None:
    settings = AnalyzerSettings(entities=("PHONE_NUMBER", "EMAIL_ADDRESS"))
    recognizers = build_recognizers(settings)
    # The table recognizer finds phone columns too.
    assert {r.name for r in recognizers} == {"PhoneNumberRecognizer", "EmailRecognizer",
                                             "TableColumnRecognizer"}


def test_entities_setting_keeps_only_asked_ner_types() -> None:
    recognizers = build_recognizers(AnalyzerSettings(entities=("PERSON",)))
    assert {e for r in recognizers for e in r.supported_entities} == {"PERSON"}


def test_no_matching_recognizer_still_gives_a_registry() -> None:
    # An empty registry would make Presidio load its own defaults.
    assert build_recognizers(AnalyzerSettings(entities=("NOT_A_TYPE",)))


def test_settings_with_custom_recognizers_pickle() -> None:
    settings = AnalyzerSettings.model_validate(
        {"phone_regions": ["us", "NL"],
         "custom_recognizers": [{"name": "v/cust", "entity": "CUSTOMER_NUMBER",
                                 "patterns": [{"regex": r"CUST-\d{8}"}]}]}
    )
    assert settings.phone_regions == ("US", "NL")
    assert pickle.loads(pickle.dumps(settings)) == settings


def _gated_found(entity: str, text: str) -> list[str]:
    [recognizer] = build_recognizers(AnalyzerSettings(entities=(entity,)))[:1]
    return [text[r.start : r.end] for r in recognizer.analyze(text, [entity], None)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("passport no. C40718263", ["C40718263"]),
        ("travel document C40718263, issued 2023", ["C40718263"]),  # the form's term
        ("Travel Document: C40718263", ["C40718263"]),
        # near misses: the same shape without a passport word stays out (ticket, order ids)
        ("ticket C40718263 closed", []),
        ("document C40718263 attached", []),  # "document" alone is any file
        ("travel insurance C40718263", []),
    ],
)
def test_passport_context_words(text: str, expected: list[str]) -> None:
    assert _gated_found("US_PASSPORT", text) == expected
