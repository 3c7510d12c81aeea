"""Shared fixtures of the detection engine tests: one real engine per session (it costs ~2 s)."""

from __future__ import annotations

import pytest

from recognizers.detector import Detector
from recognizers.settings import AnalyzerSettings
from recognizers.types import DetectionRequest


@pytest.fixture(scope="session")
def analyzer_settings() -> AnalyzerSettings:
    """Default settings: the installed default model, English."""
    return AnalyzerSettings()


@pytest.fixture(scope="session")
def detector(analyzer_settings: AnalyzerSettings) -> Detector:
    """A warm Detector on the real engine and model, shared by the whole session."""
    detector = Detector(analyzer_settings)
    detector.warm()
    return detector


@pytest.fixture(scope="session")
def sample_requests() -> list[DetectionRequest]:
    """One text per kind of PII, in a fixed order: email, phone, person, card."""
    return [
        DetectionRequest("Please send the invoice to jane.doe@example.com today."),
        DetectionRequest("You can reach me at 212-555-0198 after lunch."),
        DetectionRequest("Yesterday Barack Obama visited the office."),
        DetectionRequest("My card number is 4111 1111 1111 1111, thanks."),
    ]
