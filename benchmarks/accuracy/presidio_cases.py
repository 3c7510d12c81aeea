"""Span recall of our engine and of stock Presidio on the cases of Presidio's recognizer tests.

Replacing or gating a Presidio recognizer must not narrow what it finds. Presidio's own test
files (``presidio-analyzer/tests/test_*_recognizer.py``) hold tables of texts with the number of
entities expected and, mostly, their offsets. This tool reads those tables at run time with
``ast`` (nothing of Presidio's is copied into this repository), runs every text through our
engine (``Detector`` with default ``AnalyzerSettings()``, all entity types) and through stock
Presidio (``build_default_analyzer``, same threshold), and prints the span recall per test file
and overall for both.

An expected span counts as found when a detected span overlaps at least half of it, whatever its
entity type: the engines name types differently, and for a redacting proxy what matters is that
the characters are removed. A case that expects entities but gives no offsets counts as many
found as the engine reported spans (up to the number expected). Cases that expect nothing give no
recall figure and are not scored here (false positives are measured on realistic texts, not on
Presidio's near misses).

Only files about an entity type one of the two engines supports count (aliases below for types
the engines name differently); ``--all`` lists the others too, outside the overall figure.

Usage, from the project root::

    python -m benchmarks.accuracy.presidio_cases /path/to/presidio.git       # a bare git dir
    python -m benchmarks.accuracy.presidio_cases presidio/presidio-analyzer/tests
    python -m benchmarks.accuracy.presidio_cases REPO --rev v2.2.355 --show-misses

A git directory is read at ``--rev`` (default ``HEAD``) with ``git show``; a directory without
``HEAD`` is taken as a checked-out tests folder.
"""

from __future__ import annotations

import argparse
import ast
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TESTS_DIR = "presidio-analyzer/tests"

# Presidio entity type -> ours, where the two engines name the same identifier differently.
ENTITY_ALIASES: dict[str, str] = {"ES_NIE": "ES_NIF", "UK_POSTCODE": "POSTCODE"}

# Columns of a parametrize table, by the names Presidio's tests give them.
_TEXT_COLUMNS = ("text", "iban", "input_text")
_SPANS_COLUMNS = ("expected_positions", "expected_res", "expected_position")


@dataclass(frozen=True)
class Case:
    """One row of a table: a text, the number of entities expected and their offsets if given."""

    text: str
    expected: int
    spans: tuple[tuple[int, int], ...] | None


@dataclass(frozen=True)
class TestFile:
    """The cases of one Presidio test file and the entity types it tests (its ``entities``
    fixture or column)."""

    name: str
    entities: tuple[str, ...]
    cases: tuple[Case, ...]


def read_test_sources(location: Path, rev: str) -> Iterator[tuple[str, str]]:
    """``(file name, source)`` of every ``test_*_recognizer.py`` at ``location``."""
    if (location / "HEAD").is_file():  # a (bare) git directory
        def git(*args: str) -> str:
            return subprocess.run(
                ["git", f"--git-dir={location}", *args], check=True, capture_output=True, text=True
            ).stdout

        for path in git("ls-tree", "--name-only", f"{rev}:{TESTS_DIR}").split():
            if path.startswith("test_") and path.endswith("_recognizer.py"):
                yield path, git("show", f"{rev}:{TESTS_DIR}/{path}")
    else:
        for path in sorted(location.glob("test_*_recognizer.py")):
            yield path.name, path.read_text(encoding="utf-8")


def _literal(node: ast.AST) -> object:
    """The value of a literal node; ``pytest.param(...)`` stands for its positional values."""
    if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "param":
        return tuple(ast.literal_eval(arg) for arg in node.args)
    return ast.literal_eval(node)


def _fixture_entities(tree: ast.Module) -> tuple[str, ...]:
    """The list the module's ``entities`` fixture returns, when it is a literal."""
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == "entities":
            for statement in node.body:
                if isinstance(statement, ast.Return) and statement.value is not None:
                    try:
                        value = ast.literal_eval(statement.value)
                    except (ValueError, TypeError, SyntaxError):
                        return ()
                    return tuple(str(v) for v in value) if isinstance(value, list) else ()
    return ()


def _as_pairs(value: object) -> tuple[tuple[int, int], ...] | None:
    """Offsets given as ``((s, e), ...)`` or one ``(s, e)``; ``None`` when there are none."""
    if not isinstance(value, tuple | list) or not value:
        return None
    if len(value) == 2 and all(isinstance(v, int) for v in value):
        return ((int(value[0]), int(value[1])),)
    pairs = []
    for pair in value:
        if not (isinstance(pair, tuple | list) and len(pair) == 2):
            return None
        pairs.append((int(pair[0]), int(pair[1])))
    return tuple(pairs)


def _case(columns: Sequence[str], row: Sequence[object]) -> Case | None:
    values = dict(zip(columns, row, strict=False))
    text = next((values[c] for c in _TEXT_COLUMNS if c in values), None)
    if not isinstance(text, str):
        return None
    spans = next((_as_pairs(values[c]) for c in _SPANS_COLUMNS if c in values), None)
    if spans is None and "expected_start" in values and "expected_end" in values:
        spans = _as_pairs((values["expected_start"], values["expected_end"]))
    expected = values.get("expected_len")
    if not isinstance(expected, int) or isinstance(expected, bool):
        if spans is None:
            return None  # a table about something else (checksum helpers, flags, ...)
        expected = len(spans)
    if spans is not None and len(spans) != expected:
        spans = None  # offsets that do not match the count: count only
    return Case(text, expected, spans)


def parse_test_file(name: str, source: str) -> TestFile:
    """The literal parametrize tables of one test file (rows that are not literal are skipped)."""
    tree = ast.parse(source)
    cases: list[Case] = []
    entities = list(_fixture_entities(tree))
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "parametrize"):
            continue
        if len(node.args) < 2 or not isinstance(node.args[1], ast.List | ast.Tuple):
            continue
        try:
            names = ast.literal_eval(node.args[0])
        except (ValueError, TypeError, SyntaxError):
            continue
        columns = [c.strip() for c in names.split(",")] if isinstance(names, str) else list(names)
        for element in node.args[1].elts:
            try:
                row = _literal(element)
            except (ValueError, TypeError, SyntaxError):
                continue  # a row built by code, not written out
            if not isinstance(row, tuple):
                continue
            if (case := _case(columns, row)) is not None:
                cases.append(case)
            if "entities" in columns and isinstance(row[columns.index("entities")], list):
                entities.extend(str(e) for e in row[columns.index("entities")])
    return TestFile(name, tuple(dict.fromkeys(entities)), tuple(cases))


def found_count(case: Case, detected: Sequence[tuple[int, int, str]]) -> int:
    """How many of the case's expected spans a detected ``(start, end, type)`` overlaps by at
    least half (of the expected span; the type does not matter)."""
    if case.spans is None:
        return min(case.expected, len(detected))
    found = 0
    for start, end in case.spans:
        need = (end - start) / 2
        if any(min(end, e) - max(start, s) >= need for s, e, _ in detected if e > s):
            found += 1
    return found


def in_scope(test_file: TestFile, supported: set[str]) -> bool:
    """Whether a file is about an entity type one of the engines supports."""
    return any(ENTITY_ALIASES.get(e, e) in supported or e in supported for e in test_file.entities)


# What an engine detected in each text: ``(start, end, entity type)`` per span.
Detections = dict[str, list[tuple[int, int, str]]]


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("location", type=Path, help="Presidio git dir or its tests folder")
    parser.add_argument("--rev", default="HEAD", help="revision of a git dir (default HEAD)")
    parser.add_argument("--all", action="store_true", help="also list out-of-scope files")
    parser.add_argument("--show-misses", action="store_true", help="print each missed case")
    return parser.parse_args(argv)


def _load_engines() -> tuple[list[Any], set[str]]:
    """Our engine and stock Presidio, and the entity types either of them supports."""
    # Imported late: loading the engines takes seconds, the argument errors should not.
    from benchmarks.accuracy.engines import DefaultPresidio, OurEngine
    from recognizers.settings import AnalyzerSettings

    settings = AnalyzerSettings()
    ours, stock = OurEngine(settings), DefaultPresidio(settings)
    supported = set(ours.detector.analyzer.get_supported_entities(settings.language))
    supported |= set(stock.analyzer.get_supported_entities(settings.language))
    return [ours, stock], supported


def _detect(engine: Any, texts: Sequence[str]) -> Detections:
    """The spans ``engine`` detects in each of ``texts``, analyzed in batches of 64."""
    spans: Detections = {}
    for i in range(0, len(texts), 64):
        batch = texts[i : i + 64]
        for text, found in zip(batch, engine.analyze(batch), strict=True):
            spans[text] = [(s.start, s.end, s.entity_type) for s in found]
    return spans


def _print_misses(test_file: TestFile, detected: Sequence[Detections]) -> None:
    for case in test_file.cases:
        for name, d in zip(("ours", "Presidio"), detected, strict=True):
            if case.expected and found_count(case, d[case.text]) < case.expected:
                print(f"    missed by {name:<8} {case.text!r} expected {case.spans}"
                      f" got {d[case.text]}")


def _file_line(test_file: TestFile, detected: Sequence[Detections]) -> tuple[int, list[int], str]:
    """Spans expected in one file, those each engine found, and the file's line of the table."""
    expected = sum(c.expected for c in test_file.cases)
    hits = [sum(found_count(c, d[c.text]) for c in test_file.cases if c.expected)
            for d in detected]
    line = (f"{test_file.name:<44} {expected:>5} {hits[0] / expected:>6.2f} "
            f"{hits[1] / expected:>8.2f}")
    return expected, hits, line


def _print_table(files: Sequence[TestFile], supported: set[str],
                 detected: Sequence[Detections], show_misses: bool) -> list[str]:
    """Print the recall per in-scope file and overall; return the out-of-scope files' lines."""
    header = f"{'Presidio test file':<44} {'spans':>5} {'ours':>6} {'Presidio':>8}"
    print(header)
    print("-" * len(header))
    totals = [0, 0, 0]
    outside: list[str] = []
    for test_file in sorted(files, key=lambda f: f.name):
        expected, hits, line = _file_line(test_file, detected)
        if not in_scope(test_file, supported):
            outside.append(line)
            continue
        print(line)
        totals[0] += expected
        totals[1] += hits[0]
        totals[2] += hits[1]
        if show_misses:
            _print_misses(test_file, detected)
    print("-" * len(header))
    print(f"{'overall':<44} {totals[0]:>5} {totals[1] / totals[0]:>6.2f} "
          f"{totals[2] / totals[0]:>8.2f}")
    return outside


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse_args(argv)
    files = [parse_test_file(n, s) for n, s in read_test_sources(args.location, args.rev)]
    files = [f for f in files if any(c.expected for c in f.cases)]
    if not files:
        print(f"no test tables found at {args.location}", file=sys.stderr)
        return 1

    engines, supported = _load_engines()
    texts = list(dict.fromkeys(c.text for f in files for c in f.cases if c.expected))
    detected = [_detect(engine, texts) for engine in engines]
    outside = _print_table(files, supported, detected, args.show_misses)
    if args.all and outside:
        print("\nOut of scope (an entity type neither engine supports):")
        print("\n".join(outside))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
