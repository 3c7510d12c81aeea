"""Errors of the detection engine.

    DetectionError                  base; ``reason`` is a short stable code, never a value
     +-- DetectionOverloaded        the bounded queue in front of the workers is full
     +-- DetectionTimeout           no answer within the configured time
     +-- DetectionFailed            a worker raised, crashed or is not ready

Messages never contain the analyzed text.
"""

from __future__ import annotations


class DetectionError(Exception):
    """Base class: detection could not produce a trustworthy answer (the caller must fail closed)."""

    reason: str = "detection_failed"

    def __init__(self, message: str, reason: str | None = None) -> None:
        super().__init__(message)
        if reason is not None:
            self.reason = reason


class DetectionOverloaded(DetectionError):
    """The queue in front of the workers is full; retry later."""

    reason = "detection_overloaded"


class DetectionTimeout(DetectionError, TimeoutError):
    """Detection took longer than the configured timeout."""

    reason = "detection_timeout"


class DetectionFailed(DetectionError):
    """A worker raised, died, or the pool is not running."""

    reason = "detection_failed"
