"""Surrogates: realistic, fictional stand-ins drawn from a digest, with suffixes for tiers."""

from __future__ import annotations

import hashlib
import re

import pytest

from proxy.enforce import surrogates

DIGESTS = [hashlib.sha256(str(i).encode()).digest() for i in range(300)]


def test_name_lists_are_long_unique_plain_words() -> None:
    for names in (surrogates.FIRST_NAMES, surrogates.LAST_NAMES):
        assert len(names) >= 150
        assert len(set(names)) == len(names)
        assert all(re.fullmatch(r"[A-Z][a-z]+", name) for name in names)


def test_person_tiers() -> None:
    for digest in DIGESTS:
        base = surrogates.person(digest, 0)
        assert re.fullmatch(r"[A-Z][a-z]+ [A-Z][a-z]+", base)
        one = surrogates.person(digest, 1)
        assert re.fullmatch(re.escape(base) + r"-[A-Z][a-z]+", one)
        assert one.split("-")[1] != base.split()[1]  # never "Lee-Lee"
        assert re.fullmatch(
            r"[A-Z][a-z]+ [A-Z]\. [A-Z][a-z]+-[A-Z][a-z]+", surrogates.person(digest, 2)
        )


def test_email_and_phone_are_fictional() -> None:
    for digest in DIGESTS:
        for tier, hex_digits in ((0, 4), (1, 8), (2, 12)):
            email = surrogates.email(digest, tier)
            assert re.fullmatch(rf"[a-z]+\.[a-z]+\.[0-9a-f]{{{hex_digits}}}@example\.com", email)
        assert re.fullmatch(r"\+1-555-01\d\d-\d{4}", surrogates.phone(digest, 0))
        assert re.fullmatch(r"\+1-555-01\d\d-\d{4} ext\. \d{3}", surrogates.phone(digest, 1))
        assert re.fullmatch(r"\+1-555-01\d\d-\d{4} ext\. \d{6}", surrogates.phone(digest, 2))


def test_choices_spread_over_the_lists() -> None:
    firsts = {surrogates.person(d, 0).split()[0] for d in DIGESTS}
    assert len(firsts) > 100  # the digest, not a constant, picks the name


@pytest.mark.parametrize("entity", ["PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER"])
def test_surrogate_dispatch_is_deterministic(entity: str) -> None:
    assert entity in surrogates.SURROGATE_ENTITIES
    assert surrogates.surrogate(entity, DIGESTS[0], 0) == surrogates.surrogate(
        entity, DIGESTS[0], 0
    )
    assert surrogates.surrogate(entity, DIGESTS[0], 0) != surrogates.surrogate(
        entity, DIGESTS[1], 0
    )


def test_other_entities_have_no_surrogate() -> None:
    assert surrogates.surrogate("US_SSN", DIGESTS[0], 0) is None
