"""What enforcement did to one message, as paths and counts only (never values).

A ``MessageReport`` is filled while a message is minimized and redacted and becomes part of the
exchange's audit record. Paths are prefixed by their carrier: ``body:``, ``header:``, ``query:``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

# Bounds the audit record when a payload has thousands of unlisted keys.
MAX_LISTED_PATHS = 200


class EntityCounts(Counter[str]):
    """Entities replaced per type: a ``Counter`` that is cheap to create empty.

    Every message gets one and most keep it empty; ``Counter.__init__`` goes through
    ``update()`` even without arguments.
    """

    def __init__(self, iterable: Any = None, /, **kwds: int) -> None:
        if iterable is not None or kwds:
            super().__init__(iterable, **kwds)


@dataclass
class MessageReport:
    """Kept, dropped and transformed paths plus entity counts of one message."""

    kept: set[str] = field(default_factory=set)
    dropped: set[str] = field(default_factory=set)
    dropped_count: int = 0
    transformed: dict[str, str] = field(default_factory=dict)
    wrong_shape: set[str] = field(default_factory=set)
    # Schema drift: dropped because no selector names them (not an explicit `drop`).
    unlisted: set[str] = field(default_factory=set)
    entities: Counter[str] = field(default_factory=EntityCounts)
    body_dropped: bool = False
    # Entity types found per redacted path (path -> type -> count), for the data map's category
    # suggestions (proxy.observe.evidence); not part of the audit line.
    found: dict[str, dict[str, int]] = field(default_factory=dict)

    def keep(self, path: str) -> None:
        self.kept.add(path)

    def drop(self, path: str) -> None:
        self.dropped_count += 1
        if len(self.dropped) < MAX_LISTED_PATHS:
            self.dropped.add(path)

    def drop_unlisted(self, path: str) -> None:
        """Drop a path no selector names: also recorded as schema drift."""
        if len(self.unlisted) < MAX_LISTED_PATHS:
            self.unlisted.add(path)
        self.drop(path)

    def transform(self, path: str, action: str) -> None:
        self.transformed[path] = action

    def found_in(self, path: str, types: list[str]) -> None:
        """Entity types replaced in the text at ``path`` (bounded like the listed paths)."""
        counts = self.found.get(path)
        if counts is None:
            if len(self.found) >= MAX_LISTED_PATHS:
                return
            counts = self.found[path] = {}
        for entity_type in types:
            counts[entity_type] = counts.get(entity_type, 0) + 1

    def absorb(self, other: MessageReport) -> None:
        """Add what ``other`` counted: text checked apart from this message's fields (a model's
        answer text, checked before the response contract runs)."""
        self.entities.update(other.entities)
        self.transformed.update(other.transformed)
        for path, counts in other.found.items():
            for entity_type, count in counts.items():
                self.found_in(path, [entity_type] * count)

    def shape_mismatch(self, path: str) -> None:
        self.wrong_shape.add(path)
        self.drop(path)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kept": sorted(self.kept),
            "dropped": sorted(self.dropped),
            "dropped_count": self.dropped_count,
            # Usually empty: no sorting (and no Counter copy) then.
            "transformed": dict(sorted(self.transformed.items())) if self.transformed else {},
            "entities": dict(sorted(self.entities.items())) if self.entities else {},
        }
        if self.wrong_shape:
            out["wrong_shape"] = sorted(self.wrong_shape)
        if self.unlisted:
            out["unlisted"] = sorted(self.unlisted)
        if self.body_dropped:
            out["body_dropped"] = True
        return out
