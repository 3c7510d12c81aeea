"""Reading contract files: YAML without duplicate keys, pydantic errors as located problems,
and the loop every contract directory shares (``vendors/``, ``partners/``).

Every problem becomes one line that names the file, the contract, the key and what to do; callers
collect them all before raising ``ConfigError``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from proxy.errors import ConfigError

M = TypeVar("M", bound=BaseModel)


class Digest(Protocol):
    """What a hashlib object offers that the loaders use."""

    def update(self, data: bytes, /) -> None: ...


# libyaml's parser when PyYAML was built with it: ~5x faster, and a reload parses on a thread
# that shares the GIL with the event loop.
_SafeLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _UniqueKeyLoader(_SafeLoader):  # type: ignore[misc,valid-type]
    """A YAML loader that rejects duplicate keys (PyYAML silently keeps the last one)."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)  # type: ignore[no-untyped-call]
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key '{key}' (first on line {seen[key] + 1})",
                key_node.start_mark,
            )
        seen[key] = key_node.start_mark.line
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping  # type: ignore[arg-type]
)


def read_yaml(path: Path) -> Any:
    """Parse one YAML file; raise ConfigError naming the file and line on any syntax problem."""
    try:
        with path.open("rb") as fh:
            return yaml.load(fh, Loader=_UniqueKeyLoader)  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError([f"{path}:{where}: invalid YAML: {problem}"]) from None
    except OSError as exc:
        raise ConfigError([unreadable(path, exc)]) from None


def unreadable(path: Path, exc: OSError) -> str:
    """The problem line for a file that cannot be read (a directory, no permission)."""
    return f"{path}: cannot read: {exc.strerror}; make it a readable YAML file or remove it"


def read_bytes(path: Path) -> bytes:
    """The bytes of ``path``; ConfigError naming the file when it cannot be read (a reload
    must refuse such a change like any other bad configuration, not crash its watcher)."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ConfigError([unreadable(path, exc)]) from None


def _format_loc(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _validation_problems(prefix: str, exc: ValidationError) -> list[str]:
    problems = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        where = _format_loc(loc) or "(top level)"
        kind = err["type"]
        if kind == "enum":
            expected = err.get("ctx", {}).get("expected", "")
            msg = f"unknown {loc[-1] if loc else 'value'} '{err['input']}'; use one of {expected}"
        elif kind == "extra_forbidden":
            msg = "unknown key; check its spelling or remove it"
        elif kind == "missing":
            msg = "required key is missing"
        else:
            msg = err["msg"].removeprefix("Value error, ")
        problems.append(f"{prefix}: {where}: {msg}")
    return problems


def validate(model: type[M], data: Any, prefix: str, problems: list[str]) -> M | None:
    """``model`` from ``data``, or None with its located problems appended."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems.extend(_validation_problems(prefix, exc))
        return None


def read_contracts(directory: Path, key: str, model: type[M], problems: list[str],
                   digest: Digest, tag: bytes, shape: str) -> Iterator[tuple[Path, str, M]]:
    """``(path, prefix, contract)`` of each ``*.yaml`` / ``*.yml`` file of ``directory``, in name
    order; files that do not parse or validate, and a second file for the same ``key`` name,
    become problems. ``prefix`` (``FILE: vendor 'NAME'``) starts every later problem line; each
    file's name and bytes go into ``digest`` after ``tag`` (the configuration's version)."""
    files = sorted(directory.glob("*.yaml")) + sorted(directory.glob("*.yml"))
    sources: dict[str, Path] = {}
    for path in files:
        try:
            digest.update(tag + path.name.encode() + b"\0" + read_bytes(path))
            data = read_yaml(path)
        except ConfigError as exc:
            problems.extend(exc.problems)
            continue
        if not isinstance(data, dict):
            problems.append(f"{path}: {shape}")
            continue
        name = data.get(key)
        prefix = f"{path}: {key} '{name}'" if isinstance(name, str) else f"{path}"
        contract = validate(model, data, prefix, problems)
        if contract is None:
            continue
        name = getattr(contract, key)
        if name in sources:
            problems.append(f"{prefix}: {key} name already used by {sources[name]}; each {key} "
                            "has one file")
            continue
        sources[name] = path
        yield path, prefix, contract
