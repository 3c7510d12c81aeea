"""The contract edits of the reload faults, apart from the fault machinery (no psutil here, so
the tests import them with the test extra only).

``notify.yaml`` has a ``categories[*]`` rule: a valid reload switches it between keep and drop
(a real change of what the vendor receives, with no new entity type for the running workers);
the invalid reload gives it an unknown action, which the proxy must refuse.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

_CATEGORIES = re.compile(r"^(\s*categories\[\*\]:) (\w+)", re.MULTILINE)


def toggled(text: str) -> str:
    """The contract with ``categories[*]`` switched between keep and drop: a real change."""
    match = _CATEGORIES.search(text)
    if match is None:
        raise ValueError("notify.yaml has no 'categories[*]:' rule to toggle")
    action = "drop" if match.group(2) == "keep" else "keep"
    return _CATEGORIES.sub(rf"\1 {action}", text, count=1)


def invalid(text: str) -> str:
    """The contract with an unknown action: the proxy must refuse it and keep serving."""
    return _CATEGORIES.sub(r"\1 redcat", text, count=1)


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` by rename, so the proxy's file watcher never reads half a file."""
    temp = path.with_name(f".{path.name}.tmp")  # not *.yaml: the watcher ignores it
    temp.write_text(text)
    os.replace(temp, path)
