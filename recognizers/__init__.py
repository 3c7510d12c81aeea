"""The detection engine: Presidio + spaCy behind a pool of worker processes.

Importing this package is cheap: ``AnalyzerSettings``, the data types, the errors and
``KNOWN_ENTITIES`` load without spaCy or Presidio (the proxy's ``check`` command relies on it).
``Detector``, ``build_analyzer``, ``make_offline`` and ``DetectionPool`` are imported on first
access.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from recognizers.entities import KNOWN_ENTITIES
from recognizers.errors import (
    DetectionError,
    DetectionFailed,
    DetectionOverloaded,
    DetectionTimeout,
)
from recognizers.settings import AnalyzerSettings
from recognizers.types import DetectionRequest, Span

if TYPE_CHECKING:
    from recognizers.detector import Detector
    from recognizers.engine import build_analyzer
    from recognizers.offline import make_offline
    from recognizers.pool import DetectionPool

# Public name -> module that defines it; loaded lazily by `__getattr__`.
_LAZY: dict[str, str] = {
    "Detector": "recognizers.detector",
    "build_analyzer": "recognizers.engine",
    "make_offline": "recognizers.offline",
    "DetectionPool": "recognizers.pool",
}

__all__ = [
    "KNOWN_ENTITIES",
    "AnalyzerSettings",
    "DetectionError",
    "DetectionFailed",
    "DetectionOverloaded",
    "DetectionPool",
    "DetectionRequest",
    "DetectionTimeout",
    "Detector",
    "Span",
    "build_analyzer",
    "make_offline",
]


def __getattr__(name: str) -> Any:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'recognizers' has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value  # later lookups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
