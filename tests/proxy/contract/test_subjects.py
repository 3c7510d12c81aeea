"""Subject facts per record: ids, ages, countries, and batches."""

from __future__ import annotations

from datetime import date

import pytest

from proxy.contract.models import SubjectSpec
from proxy.contract.subjects import compile_subject, extract_facts, find_records

TODAY = date(2025, 6, 15)


def compiled(**spec: str):
    subject, problems = compile_subject(SubjectSpec(**spec))
    assert problems == [] and subject is not None
    return subject


@pytest.mark.parametrize(("record", "subject_id", "age", "country"), [
    ({"c": {"id": "u-1", "dob": "2012-06-15", "cc": "de"}}, "u-1", 13, "DE"),
    ({"c": {"id": "u-1", "dob": "2012-06-16", "cc": "DE"}}, "u-1", 12, "DE"),  # birthday tomorrow
    ({"c": {"id": 42, "dob": "1980-02-29", "cc": " US "}}, "42", 45, "US"),
    ({"c": {"id": "  ", "dob": "1980-13-01", "cc": "USA"}}, None, None, None),
    ({"c": {"id": True, "dob": 1980, "cc": 1}}, None, None, None),  # wrong shapes are absent
    ({"c": {"id": {"x": 1}, "dob": "2030-01-01"}}, None, None, None),  # born in the future
    ({"c": "not an object"}, None, None, None),
])
def test_facts_of_one_record(record: dict, subject_id: str | None, age: int | None,
                             country: str | None) -> None:
    facts = extract_facts(record, compiled(id="c.id", birth_date="c.dob", country="c.cc"), TODAY)
    assert (facts.subject_id, facts.age, facts.country) == (subject_id, age, country)
    assert facts.age_declared and facts.country_declared


def test_age_field_and_undeclared_facts() -> None:
    subject = compiled(id="id", age="age")
    assert extract_facts({"id": "a", "age": 12}, subject, TODAY).age == 12
    assert extract_facts({"id": "a", "age": "12"}, subject, TODAY).age is None
    assert extract_facts({"id": "a", "age": 151}, subject, TODAY).age is None
    assert not extract_facts({"id": "a"}, subject, TODAY).country_declared


def test_records_of_batches_and_single_bodies() -> None:
    single = find_records({"id": "a"}, compiled(id="id"))
    assert not single.batch and single.records == [{"id": "a"}]
    top = [{"id": "a"}, {"id": "b"}]
    found = find_records(top, compiled(id="id"))
    assert found.batch and len(found.records) == 2
    found.keep_only([False, True])
    assert top == [{"id": "b"}]
    doc = {"data": {"contacts": [{"id": "a"}, {"id": "b"}, {"id": "c"}]}}
    found = find_records(doc, compiled(id="id", records="data.contacts[*]"))
    found.keep_only([True, False, True])
    assert doc == {"data": {"contacts": [{"id": "a"}, {"id": "c"}]}}
    assert find_records({"data": 1}, compiled(id="id", records="data.contacts[*]")).records == []
    assert find_records([], compiled(id="id", records="[*]")).batch
