"""The span cache: a text checked before is not detected again, with the same options only."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from proxy.enforce.span_cache import SpanCache
from recognizers.types import DetectionRequest, Span


class Counting:
    """A stand-in detector: the first word is a PERSON; counts the texts it was given."""

    def __init__(self, fail: bool = False) -> None:
        self.texts: list[str] = []
        self.fail = fail

    async def __call__(self, requests: Sequence[DetectionRequest]) -> list[list[Span]]:
        if self.fail:
            raise RuntimeError("detector down")
        self.texts += [r.text for r in requests]
        return [[Span(0, r.text.find(" "), "PERSON", 0.9)] for r in requests]


def request(text: str, entities: tuple[str, ...] | None = None) -> DetectionRequest:
    return DetectionRequest(text=text, entities=entities)


async def test_only_new_texts_reach_the_detector() -> None:
    cache, detector = SpanCache(), Counting()
    first = await cache.detect([request("Dora wrote"), request("Sam called")], detector)
    second = await cache.detect([request("Dora wrote"), request("Sam called"),
                                 request("Ana replied")], detector)
    assert detector.texts == ["Dora wrote", "Sam called", "Ana replied"]
    assert second[:2] == first and second[2] == [Span(0, 3, "PERSON", 0.9)]
    assert (cache.hits, cache.misses) == (2, 3)


async def test_other_options_are_another_entry() -> None:
    cache, detector = SpanCache(), Counting()
    await cache.detect([request("Dora wrote")], detector)
    await cache.detect([request("Dora wrote", ("EMAIL_ADDRESS",))], detector)
    assert detector.texts == ["Dora wrote", "Dora wrote"]


async def test_bounded_least_recently_used() -> None:
    cache, detector = SpanCache(max_entries=2), Counting()
    for text in ("a b", "c d", "a b", "e f", "a b", "c d"):
        await cache.detect([request(text)], detector)
    assert detector.texts == ["a b", "c d", "e f", "c d"]  # "c d" was the least recent


async def test_a_failure_propagates_and_caches_nothing() -> None:
    cache = SpanCache()
    with pytest.raises(RuntimeError):
        await cache.detect([request("Dora wrote")], Counting(fail=True))
    detector = Counting()
    await cache.detect([request("Dora wrote")], detector)
    assert detector.texts == ["Dora wrote"]
