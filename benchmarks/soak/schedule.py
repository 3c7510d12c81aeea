"""The fault schedule of a soak run, scaled to its length.

The one-off faults are spread evenly over 20 %..80 % of the run, so the baseline minute (minute 5
of 30) and the last minute are free of them; a 3-minute smoke run therefore meets every fault
once, with shorter windows (never shorter than a few seconds, so each fault is still seen).
A valid contract reload happens every ``reload_every_s`` (30 s by default, whatever the length:
it is the cadence the issue asks for), half a period out of step with the one-off faults so that
no two start at the same instant, and not around the invalid reload, which rewrites the same
file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

FULL_MINUTES = 30.0


@dataclass(frozen=True)
class FaultSpec:
    """One fault of the schedule: how long it lasts at 30 minutes and at least, and its knobs."""

    name: str
    full_duration_s: float  # 0: instantaneous (a kill)
    min_duration_s: float
    description: str
    params: dict[str, Any] = field(default_factory=dict)


# In the order they are injected.
FAULTS: tuple[FaultSpec, ...] = (
    FaultSpec("worker_kill", 0, 0, "SIGKILL of one detection worker (a child of the proxy)"),
    FaultSpec("redis_restart", 5, 3, "SIGKILL of the policy store's redis-server, down for the "
              "window, started again on the same port (empty: opt-outs re-seeded at once)"),
    FaultSpec("vendor_resets", 20, 5, "vendor reads the request, then resets the connection "
              "(half of the requests)", {"mode": "reset", "fraction": 0.5}),
    FaultSpec("vendor_slow", 30, 6, "vendor answers 1 s late (30 % of the requests; the proxy's "
              "upstream timeout is 10 s)", {"mode": "slow", "fraction": 0.3, "delay_s": 1.0}),
    FaultSpec("vendor_5xx", 15, 5, "vendor answers 503 with a JSON error body (every request)",
              {"mode": "error", "fraction": 1.0, "status": 503}),
    FaultSpec("invalid_reload", 10, 5, "a contract file rewritten with an unknown action, then "
              "restored"),
    FaultSpec("audit_unwritable", 10, 5, "prlimit --fsize=<audit file size> on the proxy (soft "
              "limit): audit writes fail with EFBIG, then the limit is restored"),
)
RELOAD = FaultSpec("reload", 0, 0, "a valid contract change (notify.yaml: categories[*] keep <-> "
                   "drop), applied by the proxy's file watcher")


@dataclass(frozen=True)
class Planned:
    """A fault at an offset from the start of the soak phase."""

    name: str
    at_s: float
    duration_s: float
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def end_s(self) -> float:
        return self.at_s + self.duration_s


def scaled_duration(spec: FaultSpec, minutes: float) -> float:
    """The fault's window for a run of ``minutes``: its 30-minute length, shortened in
    proportion for shorter runs, never below its minimum."""
    if spec.full_duration_s == 0:
        return 0.0
    factor = min(1.0, minutes / FULL_MINUTES)
    return max(spec.min_duration_s, round(spec.full_duration_s * factor, 1))


def build_schedule(minutes: float, reload_every_s: float = 30.0,
                   first: float = 0.2, last: float = 0.8) -> list[Planned]:
    """Every fault of a ``minutes`` soak, sorted by time."""
    total = minutes * 60.0
    planned: list[Planned] = []
    count = len(FAULTS)
    for i, spec in enumerate(FAULTS):
        fraction = first + (last - first) * i / (count - 1)
        planned.append(Planned(spec.name, round(total * fraction, 1),
                               scaled_duration(spec, minutes), dict(spec.params)))
    invalid = next(p for p in planned if p.name == "invalid_reload")
    guard = 3.0  # the file watcher polls every second: keep the two writers apart
    tick = reload_every_s / 2
    while reload_every_s > 0 and tick < total - 1.0:
        if not invalid.at_s - guard <= tick <= invalid.end_s + guard:
            planned.append(Planned(RELOAD.name, tick, 0.0))
        tick += reload_every_s
    return sorted(planned, key=lambda p: (p.at_s, p.name))


def baseline_minute(minutes: float) -> int:
    """The minute the end of the run is compared with: minute 5 of 30, scaled (at least 1)."""
    return max(1, min(int(minutes), round(minutes * 5 / FULL_MINUTES)))


def describe(name: str) -> str:
    for spec in (*FAULTS, RELOAD):
        if spec.name == name:
            return spec.description
    return name
