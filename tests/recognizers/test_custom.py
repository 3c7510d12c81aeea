"""Contract-level detection config: validation of the YAML models and the built recognizers."""

from __future__ import annotations

import pickle

import pytest
from pydantic import ValidationError

from recognizers.custom import CustomRecognizerSpec, DetectionConfig, build_custom_recognizer

SPEC = {
    "name": "customer_number",
    "entity": "CUSTOMER_NUMBER",
    "patterns": [{"regex": r"\bCUST-\d{8}\b", "score": 0.9}],
    "context": ["customer"],
}


def found(spec: CustomRecognizerSpec, text: str) -> list[str]:
    recognizer = build_custom_recognizer(spec)
    return [text[r.start : r.end] for r in recognizer.analyze(text, [spec.entity])]


def test_config_parses_and_pickles() -> None:
    config = DetectionConfig.model_validate(
        {"allow_list": ["support@shop.example"], "deny_list": ["Project Bluebird"],
         "recognizers": [SPEC]}
    )
    assert config.entities == frozenset({"CUSTOMER_NUMBER"})
    assert pickle.loads(pickle.dumps(config)) == config
    assert config.recognizers[0].qualified("mailer").name == "mailer/customer_number"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"entity": "customer"}, "UPPER_SNAKE_CASE"),
        ({"name": "Bad Name"}, "lowercase"),
        ({"patterns": [{"regex": "(unclosed"}]}, "invalid regular expression"),
        ({"patterns": [{"regex": "a*"}]}, "empty string"),
        ({"patterns": []}, "at least 1"),
        ({"validator": "crc32"}, "luhn"),
        ({"context": [], "context_required": True}, "context word"),
        ({"colour": "red"}, "Extra inputs"),
    ],
)
def test_bad_specs_are_rejected(change: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        CustomRecognizerSpec.model_validate({**SPEC, **change})


def test_duplicate_names_are_rejected() -> None:
    with pytest.raises(ValidationError, match="used twice"):
        DetectionConfig.model_validate({"recognizers": [SPEC, SPEC]})


@pytest.mark.parametrize(
    ("change", "text", "expected"),
    [
        ({}, "customer CUST-12345678 called", ["CUST-12345678"]),
        ({}, "CUST-1234567", []),
        ({"patterns": [{"regex": r"acct (?P<value>\d{6})"}]}, "acct 123456", ["123456"]),
        ({"context_required": True}, "ref CUST-12345678", []),
        ({"context_required": True}, "customer no CUST-12345678", ["CUST-12345678"]),
        ({"patterns": [{"regex": r"\b\d{16}\b"}], "validator": "luhn"},
         "4111111111111111 4111111111111112", ["4111111111111111"]),
        ({"case_sensitive": False}, "cust-12345678", ["cust-12345678"]),
    ],
)
def test_built_recognizer(change: dict[str, object], text: str, expected: list[str]) -> None:
    spec = CustomRecognizerSpec.model_validate({**SPEC, **change})
    assert found(spec, text) == expected


def test_phone_regions_are_normalized() -> None:
    assert DetectionConfig(phone_regions=["us", "ca", "US"]).phone_regions == ("US", "CA")
    assert DetectionConfig().phone_regions is None


@pytest.mark.parametrize(
    ("regions", "message"),
    [
        (["UK"], "the United Kingdom is GB"),
        (["XX", "US"], "unknown phone region XX"),
        (["USA"], "unknown phone region USA"),
        ([], "at least 1 item"),
    ],
)
def test_bad_phone_regions_are_rejected(regions: list[str], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        DetectionConfig(phone_regions=regions)
