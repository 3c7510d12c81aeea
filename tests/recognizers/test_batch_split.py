"""Spreading one caller's texts over idle workers: balanced by length, answers back in order."""

from __future__ import annotations

from recognizers.batch_split import SPLIT_MIN_CHARS, merge_parts, split_by_length, worth_splitting
from recognizers.types import DetectionRequest


def _requests(*lengths: int) -> list[DetectionRequest]:
    return [DetectionRequest("x" * n) for n in lengths]


def test_groups_are_balanced_by_length_and_keep_their_order() -> None:
    groups = split_by_length(_requests(100, 900, 400, 500), 2)

    assert sorted(i for group in groups for i in group) == [0, 1, 2, 3]
    assert all(group == sorted(group) for group in groups)
    loads = sorted(sum((100, 900, 400, 500)[i] for i in group) for group in groups)
    assert loads == [900, 1000]  # {900} vs {500, 400, 100}: no better split exists


def test_one_text_or_one_part_is_never_split() -> None:
    assert split_by_length(_requests(5000), 2) == [[0]]
    assert split_by_length(_requests(10, 20, 30), 1) == [[0, 1, 2]]


def test_no_more_groups_than_texts() -> None:
    assert len(split_by_length(_requests(3000, 3000), 8)) == 2


def test_worth_splitting_needs_idle_workers_texts_and_length() -> None:
    long = _requests(SPLIT_MIN_CHARS // 2, SPLIT_MIN_CHARS // 2)

    assert worth_splitting(long, idle_workers=2)
    assert not worth_splitting(long, idle_workers=1)
    assert not worth_splitting(_requests(SPLIT_MIN_CHARS), idle_workers=2)
    assert not worth_splitting(_requests(10, 10), idle_workers=2)


def test_merge_puts_answers_back_at_their_positions() -> None:
    assert merge_parts([[1, 3], [0, 2]], [["b", "d"], ["a", "c"]], 4) == ["a", "b", "c", "d"]
