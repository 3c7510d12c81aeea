"""The session's fuzz seed (tests/fuzz_seed.py): fresh, printed, replayable, and it drives the cases.

Each case runs pytest in a subprocess on a small Hypothesis test, with the plugin loaded.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.conftest import REPO

DRAWING_TESTS = '''
    from hypothesis import given, settings, strategies as st

    DRAWN = []

    @settings(max_examples=5)
    @given(st.integers())
    def test_draw(n):
        DRAWN.append(n)

    def test_report_and_fail():
        print("DRAWN", DRAWN)
        assert False, "a failure, to show the replay hint"
'''


def run_pytest(tmp_path: Path, seed: str | None) -> tuple[str, list[str]]:
    """Run the drawing tests; return the seed printed in the header and the values drawn."""
    tmp_path.mkdir()
    (tmp_path / "test_drawing.py").write_text(textwrap.dedent(DRAWING_TESTS))
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("PROXY_FUZZ_SEED", None)
    if seed is not None:
        env["PROXY_FUZZ_SEED"] = seed
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "tests.fuzz_seed", "-s", "-p", "no:cacheprovider",
         "--rootdir", str(tmp_path), "-c", str(tmp_path / "pytest.ini"), str(tmp_path)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False)
    out = done.stdout
    assert done.returncode == 1, out + done.stderr  # the one deliberate failure
    header = out.split("test session starts", 1)[1].split("collected", 1)[0]
    found = re.search(r"^fuzz seed (\d+): replay with PROXY_FUZZ_SEED=\1 make test$", header,
                      re.MULTILINE)
    assert found, out
    header_seed = found.group(1)
    # Under the failure, and in the summary at the end: the same replay line.
    assert out.count(f"replay with PROXY_FUZZ_SEED={header_seed} make test") >= 3, out
    [drawn] = re.findall(r"DRAWN (\[.*?\])", out)
    return header_seed, drawn


def test_a_fresh_seed_is_printed_and_replays_the_same_cases(tmp_path: Path) -> None:
    fresh_seed, fresh_cases = run_pytest(tmp_path / "fresh", None)
    replay_seed, replayed_cases = run_pytest(tmp_path / "replay", fresh_seed)
    # Two seeds may draw the same first few cases (hypothesis starts from small examples; seen
    # in CI with adjacent seeds): the seed decides the cases when some other seed differs.
    others = [run_pytest(tmp_path / f"other{n}", str((int(fresh_seed) * 7919 + n) % 2**32))
              for n in (1, 2)]

    assert replay_seed == fresh_seed and replayed_cases == fresh_cases
    assert all(seed != fresh_seed for seed, _ in others)
    assert any(cases != fresh_cases for _, cases in others)
