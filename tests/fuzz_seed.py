"""One fuzzing seed per test session: fresh on every run, printed, and replayable.

Every Hypothesis test (the property tests and the functional fuzzers) draws its cases from this
seed, passed to Hypothesis as its ``--hypothesis-seed``. Each run so tries new cases instead of
the same derandomized ones, and a failing run repeats exactly with the seed it printed:

    PROXY_FUZZ_SEED=1234 make test

The seed is printed in the session header and again under every failure. An explicit
``--hypothesis-seed`` wins over both the variable and a fresh seed. With a seed given,
Hypothesis does not replay examples from its database, so the seed alone decides the cases.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Generator

import pytest

SEED_ENV = "PROXY_FUZZ_SEED"
_SEED_KEY = pytest.StashKey[str]()


def _seed_from_environment() -> int:
    text = os.environ.get(SEED_ENV, "").strip()
    if not text:
        return secrets.randbelow(2**32)
    try:
        return int(text)
    except ValueError:
        raise pytest.UsageError(f"{SEED_ENV} must be an integer, not {text!r}") from None


def replay_hint(config: pytest.Config) -> str:
    seed = config.stash[_SEED_KEY]
    return f"fuzz seed {seed}: replay with {SEED_ENV}={seed} make test"


@pytest.hookimpl(tryfirst=True)  # before Hypothesis's own plugin reads the option
def pytest_configure(config: pytest.Config) -> None:
    # Hypothesis loads a derandomized profile by itself when CI is set, and a derandomized
    # run ignores the seed: keep the loaded profile, with the seed in charge.
    from hypothesis import settings

    settings.register_profile("proxy-fuzz-seed", settings(settings.default, derandomize=False))
    settings.load_profile("proxy-fuzz-seed")
    if config.getoption("hypothesis_seed", None) is None:
        config.option.hypothesis_seed = str(_seed_from_environment())
    config.stash[_SEED_KEY] = str(config.option.hypothesis_seed)


def pytest_report_header(config: pytest.Config) -> str:
    return replay_hint(config)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item) -> Generator[None, pytest.TestReport, None]:
    outcome = yield
    report = outcome.get_result()
    if report.failed:
        report.sections.append(("fuzz seed", replay_hint(item.config)))


@pytest.hookimpl(hookwrapper=True, tryfirst=True)  # wraps the terminal's own summary
def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter,
) -> Generator[None, None, None]:
    yield
    if terminalreporter.stats.get("failed") or terminalreporter.stats.get("error"):
        terminalreporter.write_line(replay_hint(terminalreporter.config), yellow=True, bold=True)
