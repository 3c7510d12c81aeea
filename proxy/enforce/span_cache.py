"""Spans of prompt texts already checked, so a conversation's history is not detected again.

A model API is stateless: every turn resends the whole conversation, and the history's texts are
the same bytes each time (placeholders restored in the answers go back as the values they were).
Detecting them again costs as much as the first time, about 20 ms per 1,000 characters here, on
every turn. This cache keeps the spans (offsets and types, never text) under a keyed BLAKE2 hash of
the text and everything else that decides the result (entity types, threshold, allow and deny
lists, custom recognizers, phone regions), so only the new turn's text goes to the detector.

Bounded (least recently used out), per handler (a reload starts empty, so a changed contract or
detection option never reuses an old result), and the key is random per process.
"""

from __future__ import annotations

import hashlib
import os
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence

from recognizers.types import DetectionRequest, Span

Detect = Callable[[Sequence[DetectionRequest]], Awaitable[list[list[Span]]]]


class SpanCache:
    """Least-recently-used spans by keyed hash of (text, detection options)."""

    def __init__(self, max_entries: int = 4096) -> None:
        self._key = os.urandom(32)
        self._max = max_entries
        self._entries: OrderedDict[bytes, tuple[Span, ...]] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def _digest(self, request: DetectionRequest) -> bytes:
        digest = hashlib.blake2b(key=self._key, digest_size=16)
        digest.update(request.text.encode("utf-8", "surrogatepass"))
        digest.update(b"\0" + repr((request.entities, request.score_threshold,
                                    request.allow_list, request.deny_list, request.recognizers,
                                    request.phone_regions)).encode())
        return digest.digest()

    async def detect(self, requests: Sequence[DetectionRequest],
                     detect: Detect) -> list[list[Span]]:
        """The spans of each request: from the cache, or from ``detect`` for the others (its
        failure propagates; nothing is cached then)."""
        keys = [self._digest(r) for r in requests]
        out: list[list[Span] | None] = []
        missing: list[int] = []
        for index, key in enumerate(keys):
            found = self._entries.get(key)
            if found is None:
                missing.append(index)
                out.append(None)
            else:
                self._entries.move_to_end(key)
                out.append(list(found))
        self.hits += len(requests) - len(missing)
        self.misses += len(missing)
        if missing:
            results = await detect([requests[i] for i in missing])
            if len(results) != len(missing):  # a lost result must not let text through
                raise ValueError("detector returned a different number of results")
            for index, spans in zip(missing, results, strict=True):
                out[index] = list(spans)
                self._entries[keys[index]] = tuple(spans)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)
        return [spans if spans is not None else [] for spans in out]
