"""Splitting one caller's large batch of texts between idle detection workers.

A model API prompt is a handful of long texts (chat messages) that arrive at once, and its
detection time is the whole of what the proxy adds to the time to the first token. When other
workers are idle, the texts are spread over them, balanced by length (NER cost grows with the
characters), and the answers put back in order: the caller waits for the largest share instead of
the sum. Texts are never cut: an entity may span any point of a text, and cutting would lose it.
"""

from __future__ import annotations

from collections.abc import Sequence

from recognizers.types import DetectionRequest

# Below this many characters in a batch, one worker's answer is back before splitting pays for
# the second pipe round trip and the second ``nlp.pipe`` call.
SPLIT_MIN_CHARS = 2000


def split_by_length(requests: Sequence[DetectionRequest], parts: int) -> list[list[int]]:
    """Indexes of ``requests`` in at most ``parts`` groups of about equal total length.

    Longest first onto the lightest group (the classic greedy for balancing); each group keeps its
    indexes in ascending order; empty groups are left out, so one long text gives one group.
    """
    if parts < 2 or len(requests) < 2:
        return [list(range(len(requests)))]
    order = sorted(range(len(requests)), key=lambda i: len(requests[i].text), reverse=True)
    groups: list[list[int]] = [[] for _ in range(min(parts, len(requests)))]
    loads = [0] * len(groups)
    for index in order:
        lightest = loads.index(min(loads))
        groups[lightest].append(index)
        loads[lightest] += len(requests[index].text)
    return [sorted(group) for group in groups if group]


def worth_splitting(requests: Sequence[DetectionRequest], idle_workers: int) -> bool:
    """Whether a batch is long enough, and has enough texts, to spread over idle workers."""
    return idle_workers >= 2 and len(requests) >= 2 and \
        sum(len(request.text) for request in requests) >= SPLIT_MIN_CHARS


def merge_parts(groups: Sequence[Sequence[int]], answers: Sequence[Sequence[object]],
                count: int) -> list[object]:
    """Put each group's answers back at their requests' positions."""
    out: list[object] = [None] * count
    for group, answer in zip(groups, answers, strict=True):
        for index, item in zip(group, answer, strict=True):
            out[index] = item
    return out
