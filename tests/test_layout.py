"""The shape of the tree, as issue 16 set it: few modules at the top of ``proxy/``, files and
functions a reader can hold in mind, no reaching into another package's private names, one
place that builds the error body.

The layers themselves (which package may import which, no cycles) are import-linter's contract
in ``pyproject.toml``, run by ``make test`` before pytest.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PROXY = REPO / "proxy"
SOURCE_ROOTS = ("proxy", "recognizers", "benchmarks")
MAX_TOP_MODULES = 6
MAX_FILE_LINES = 450
MAX_FUNCTION_LINES = 60


def python_files(*roots: str) -> Iterator[Path]:
    for root in roots:
        yield from sorted((REPO / root).rglob("*.py"))


def package_of(path: Path) -> str:
    """``proxy/exchange/streaming/records.py`` -> ``proxy.exchange`` (the layer it lives in)."""
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:2]) if len(parts) > 2 else parts[0]


def test_at_most_six_modules_directly_in_proxy() -> None:
    modules = sorted(p.name for p in PROXY.glob("*.py"))
    assert len(modules) <= MAX_TOP_MODULES, modules


def test_no_file_in_proxy_is_over_450_lines() -> None:
    long = {str(p.relative_to(REPO)): n for p in python_files("proxy")
            if (n := len(p.read_text().splitlines())) > MAX_FILE_LINES}
    assert long == {}


def functions(tree: ast.AST) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node


@pytest.mark.parametrize("root", SOURCE_ROOTS)
def test_no_function_is_over_60_lines(root: str) -> None:
    long = {}
    for path in python_files(root):
        for node in functions(ast.parse(path.read_text())):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > MAX_FUNCTION_LINES:
                long[f"{path.relative_to(REPO)}:{node.lineno} {node.name}"] = length
    assert long == {}


def module_path(dotted: str) -> Path:
    """The file of a module or package named ``dotted`` (it need not exist)."""
    base = REPO.joinpath(*dotted.split("."))
    return base / "__init__.py" if base.is_dir() else base.with_suffix(".py")


def private_imports(path: Path) -> Iterator[str]:
    """``from other.package import _name`` and ``module._name`` on a module imported from
    another package."""
    tree = ast.parse(path.read_text())
    own = package_of(path)
    foreign_modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            root = node.module.split(".")[0]
            if root not in ("proxy", "recognizers"):
                continue
            if package_of(module_path(node.module)) == own:
                continue
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    yield f"from {node.module} import {alias.name}"
                foreign_modules.add(alias.asname or alias.name)
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id in foreign_modules and node.attr.startswith("_")
                and not node.attr.startswith("__")):
            yield f"{node.value.id}.{node.attr}"


def test_no_module_uses_another_packages_private_names() -> None:
    found = {str(p.relative_to(REPO)): hits for p in python_files("proxy", "recognizers")
             if (hits := sorted(set(private_imports(p))))}
    assert found == {}


def builds_error_body(tree: ast.AST) -> bool:
    """A dict literal with both an ``error`` and a ``reason`` key: an error body by hand."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
            if {"error", "reason"} <= keys:
                return True
    return False


def test_the_error_body_is_built_in_one_place() -> None:
    builders = sorted(str(p.relative_to(REPO)) for p in python_files("proxy")
                      if builds_error_body(ast.parse(p.read_text())))
    assert builders == ["proxy/errors.py"]


def test_the_checks_above_can_fail(tmp_path: Path) -> None:
    """The detectors see what they are meant to see (a check that finds nothing proves little)."""
    sample = tmp_path / "proxy" / "exchange" / "sample.py"
    sample.parent.mkdir(parents=True)
    sample.write_text("from proxy.policy.gate import _hidden\n"
                      "from proxy.contract import selectors\n"
                      "x = selectors._cache\n"
                      "body = {'error': 'm', 'reason': 'r'}\n"
                      "def f():\n" + "    pass\n" * 61)
    global REPO
    saved, REPO = REPO, tmp_path
    try:
        assert sorted(private_imports(sample)) == [
            "from proxy.policy.gate import _hidden", "selectors._cache"]
    finally:
        REPO = saved
    tree = ast.parse(sample.read_text())
    assert builds_error_body(tree)
    assert max((n.end_lineno or 0) - n.lineno + 1 for n in functions(tree)) > MAX_FUNCTION_LINES
