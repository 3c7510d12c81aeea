"""Find the data subject (the person a record is about) in a decoded body, record by record.

A route's ``subject:`` section names, relative to one record, the selectors of the subject's id
and optionally birth date (or age) and country. A record is the whole body, or each element of
``records`` (``contacts[*]``); a top-level JSON array is a batch of records by itself. These
selectors name one value each, so wildcards are refused when the contract is loaded.

Nothing here looks anything up or decides anything: ``policy_gate`` does that with the facts
extracted here. Subject ids never leave this process in clear (see ``consent.SubjectKeys``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from proxy.contract.models import SubjectSpec
from proxy.contract.selectors import ANY_INDEX, INDEX, KEY, Selector, parse_selector

_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_COUNTRY = re.compile(r"[A-Za-z]{2}")


@dataclass(frozen=True)
class CompiledSubject:
    """A route's subject section, parsed."""

    id: Selector
    birth_date: Selector | None
    age: Selector | None
    country: Selector | None
    records: tuple[str, ...] | None  # keys leading to the list of records; () for a top list


def compile_subject(spec: SubjectSpec) -> tuple[CompiledSubject | None, list[str]]:
    """Parse the selectors; return problems as ``(key: what)`` strings for the loader."""
    problems: list[str] = []
    parsed: dict[str, Selector | None] = {}
    for name in ("id", "birth_date", "age", "country"):
        text = getattr(spec, name)
        if text is None:
            parsed[name] = None
            continue
        try:
            selector = parse_selector(text)
        except ValueError as exc:
            problems.append(f"{name}: bad selector: {exc}")
            continue
        if any(kind not in (KEY, INDEX) for kind, _ in selector.steps):
            problems.append(f"{name}: '{text}' must name one value; remove the wildcard")
            continue
        parsed[name] = selector
    records: tuple[str, ...] | None = None
    if spec.records is not None:
        try:
            selector = parse_selector(spec.records)
        except ValueError as exc:
            problems.append(f"records: bad selector: {exc}")
        else:
            steps = selector.steps
            if not steps or steps[-1][0] != ANY_INDEX or any(k != KEY for k, _ in steps[:-1]):
                problems.append(f"records: '{spec.records}' must be keys ending in a list, "
                                "e.g. contacts[*] or [*]")
            else:
                records = tuple(str(v) for _, v in steps[:-1])
    if problems:
        return None, problems
    assert parsed["id"] is not None
    return CompiledSubject(id=parsed["id"], birth_date=parsed["birth_date"], age=parsed["age"],
                           country=parsed["country"], records=records), []


_MISSING = object()


def _value_at(record: Any, selector: Selector) -> Any:
    node = record
    for kind, step in selector.steps:
        if kind == KEY and isinstance(node, dict) and step in node:
            node = node[step]
        elif kind == INDEX and isinstance(node, list) and isinstance(step, int) \
                and step < len(node):
            node = node[step]
        else:
            return _MISSING
    return node


@dataclass(frozen=True)
class SubjectFacts:
    """What one record says about its subject; ``None`` where absent or unusable."""

    subject_id: str | None
    age: int | None  # completed years, from the birth date or the age field
    age_declared: bool  # the route names a birth date or age selector
    country: str | None  # ISO alpha-2, upper case
    country_declared: bool


def extract_facts(record: Any, subject: CompiledSubject, today: date) -> SubjectFacts:
    """The subject facts of one record (a value of the wrong shape counts as absent)."""
    raw_id = _value_at(record, subject.id)
    subject_id: str | None = None
    if isinstance(raw_id, str) and raw_id.strip():
        subject_id = raw_id.strip()
    elif isinstance(raw_id, int) and not isinstance(raw_id, bool):
        subject_id = str(raw_id)
    age: int | None = None
    if subject.birth_date is not None:
        raw = _value_at(record, subject.birth_date)
        m = _ISO_DATE.match(raw) if isinstance(raw, str) else None
        if m:
            try:
                born = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                born = None
            if born is not None and born <= today:
                age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    elif subject.age is not None:
        raw = _value_at(record, subject.age)
        if isinstance(raw, int) and not isinstance(raw, bool) and 0 <= raw <= 150:
            age = raw
    country: str | None = None
    if subject.country is not None:
        raw = _value_at(record, subject.country)
        if isinstance(raw, str) and _COUNTRY.fullmatch(raw.strip()):
            country = raw.strip().upper()
    return SubjectFacts(
        subject_id=subject_id, age=age,
        age_declared=subject.birth_date is not None or subject.age is not None,
        country=country, country_declared=subject.country is not None,
    )


@dataclass
class RecordSet:
    """The records of one body: ``container`` is the list they live in for a batch."""

    records: list[Any]
    container: list[Any] | None  # None: the body is one record

    @property
    def batch(self) -> bool:
        return self.container is not None

    def keep_only(self, keep: list[bool]) -> None:
        """Remove the records not kept, in place (before minimization)."""
        if self.container is not None:
            self.container[:] = [r for r, k in zip(self.records, keep, strict=True) if k]


def find_records(document: Any, subject: CompiledSubject) -> RecordSet:
    """The records of a body. A missing or non-list records path is an empty batch."""
    if subject.records is None:
        if isinstance(document, list):
            return RecordSet(records=list(document), container=document)
        return RecordSet(records=[document], container=None)
    node = document
    for key in subject.records:
        node = node.get(key) if isinstance(node, dict) else None
    if not isinstance(node, list):
        return RecordSet(records=[], container=[])
    return RecordSet(records=list(node), container=node)
