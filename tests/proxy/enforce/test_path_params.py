"""PII-looking path segments: matches and near misses side by side."""

from __future__ import annotations

import pytest

from proxy.enforce.path_params import looks_like_pii

LOOKS_LIKE_PII = ["jo@example.com", "prefix-jo.doe@mail.example.org", "+14155552671",
                  "+44 20 7946 0958", "(415) 555-2671", "4155552671", "4111111111111111",
                  "4111 1111 1111 1111", "5500-0000-0000-0004", "078-05-1120"]
NOT_PII = ["cus_77aa91", "ch_3MtwBwLkdIwHu7ix", "ord 1", "12345", "2024", "ORD-2024-0001",
           "4111111111111112", "1234567890123", "v1", "@handle", "a@b", "PN7f3c", "0001112222",
           "550e8400-e29b-41d4-a716-446655440000"]


@pytest.mark.parametrize("value", LOOKS_LIKE_PII)
def test_looks_like_pii(value: str) -> None:
    assert looks_like_pii(value)


@pytest.mark.parametrize("value", NOT_PII)
def test_near_misses_pass(value: str) -> None:
    assert not looks_like_pii(value)
