"""Redact a plain-text stream without losing an entity split across network chunks.

The text is cut into segments at positions that depend on the text only, never on how it
arrived: a segment ends at the last whitespace in the second half of the next ``segment``
characters (or after exactly ``segment`` characters). A segment is analyzed together with
``window`` characters before it (context) and ``window`` characters after it (the held-back
window), so an entity that crosses a cut is seen whole by the segment it starts in. Spans are
clipped to the segment; a replacement that runs past the cut swallows the continuation in the
next segment (one label, not two). Splitting the bytes anywhere therefore gives the same output
as sending them at once, UTF-8 multi-byte characters included (an incremental decoder).

Memory: at most ``segment + 2 * window`` characters plus one network chunk are held.
"""

from __future__ import annotations

import codecs
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from proxy.codecs import TEXT_KEY
from proxy.contract.models import Action, FieldRule
from proxy.enforce.minimize import PendingRedaction
from proxy.enforce.redaction import detection_requests, merge_spans
from proxy.enforce.report import MessageReport
from proxy.exchange.streaming.framing import StreamFault
from recognizers.custom import DetectionConfig
from recognizers.types import DetectionRequest, Span

SpanDetector = Callable[[Sequence[DetectionRequest]], Awaitable[list[list[Span]]]]

DEFAULT_SEGMENT_CHARS = 4096


@dataclass(slots=True)
class _Segment:
    start: int  # absolute character offsets in the stream
    cut: int
    analysis_start: int
    analysis: str
    spans: list[Span] = field(default_factory=list)


@dataclass(slots=True)
class TextBatch:
    """Segments ready for detection, or plain text when the rule is ``keep``."""

    segments: list[_Segment]
    plain: str = ""


class TextProcessor:
    """``stream: {kind: text}``: the body is ``$text``; ``redact`` or ``keep`` it."""

    content_type = "text/plain; charset=utf-8"
    max_inflight = 2

    def __init__(
        self,
        rule: FieldRule | None,
        detect: SpanDetector,
        report: MessageReport,
        window: int,
        segment: int = DEFAULT_SEGMENT_CHARS,
        carrier: str = "body",
        options: DetectionConfig | None = None,
        vendor: str = "",
    ) -> None:
        segment = max(segment, 2 * window)
        self._rule = rule
        self._detect = detect
        # The vendor's detection section: sensitivity, allow/deny lists, its own recognizers.
        self._options = options
        self._vendor = vendor
        self._report = report
        self._window = window
        self._segment = segment
        self._label = f"{carrier}:{TEXT_KEY}"
        self._decoder = codecs.getincrementaldecoder("utf-8")("strict")
        self._text = ""  # characters from absolute offset _base on (context + not yet cut)
        self._base = 0
        self._next = 0  # absolute offset where the next segment starts
        self._carry = 0  # absolute offset up to which the last label already covers
        if rule is None:
            report.body_dropped = True

    @staticmethod
    def accepts(media_type: str, params: dict[str, str]) -> bool:
        return media_type == "text/plain" and params.get("charset", "utf-8").lower() in (
            "utf-8", "utf8", "us-ascii")

    def frame(self, chunk: bytes) -> list[Any]:
        return [chunk]

    def frame_end(self) -> list[Any]:
        return []

    def prefix(self) -> bytes:
        return b""

    def suffix(self) -> bytes:
        return b""

    def prepare(self, units: list[Any], final: bool) -> TextBatch:
        try:
            text = "".join(self._decoder.decode(chunk) for chunk in units)
            if final:
                text += self._decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise StreamFault("the text stream is not valid UTF-8", "invalid_text") from None
        if self._rule is None:
            return TextBatch([])
        if self._rule.action is Action.KEEP:
            if text:
                self._report.keep(self._label)
            return TextBatch([], plain=text)
        self._text += text
        segments: list[_Segment] = []
        end = self._base + len(self._text)
        while end - self._next >= self._segment + self._window or (final and end > self._next):
            start = self._next
            if end - start >= self._segment + self._window:
                cut = start + self._cut_in(self._slice(start, start + self._segment))
                analysis_end = cut + self._window
            else:
                cut = analysis_end = end
            analysis_start = max(0, start - self._window)
            segments.append(_Segment(start, cut, analysis_start,
                                     self._slice(analysis_start, analysis_end)))
            self._next = cut
        keep_from = max(self._base, self._next - self._window)
        self._text = self._text[keep_from - self._base:]
        self._base = keep_from
        return TextBatch(segments)

    def _slice(self, start: int, end: int) -> str:
        return self._text[start - self._base:end - self._base]

    def _cut_in(self, piece: str) -> int:
        half = len(piece) // 2
        last = max(piece.rfind(" ", half), piece.rfind("\n", half), piece.rfind("\t", half))
        return last + 1 if last >= 0 else len(piece)

    async def resolve(self, batch: TextBatch) -> None:
        if not batch.segments or self._rule is None:
            return
        pending = [PendingRedaction({}, 0, s.analysis, self._rule, self._label)
                   for s in batch.segments]
        results = await self._detect(detection_requests(pending, options=self._options,
                                                        vendor=self._vendor))
        if len(results) != len(batch.segments):
            raise ValueError("detector returned a different number of results")
        for segment, spans in zip(batch.segments, results, strict=True):
            segment.spans = list(spans)

    def encode(self, batch: TextBatch) -> tuple[bytes, int]:
        if batch.plain:
            return batch.plain.encode("utf-8"), 0
        parts: list[str] = []
        for segment in batch.segments:
            parts.append(self._compose(segment))
        return "".join(parts).encode("utf-8"), 0

    def _compose(self, segment: _Segment) -> str:
        start, cut = segment.start, segment.cut
        regions: list[Span] = []
        if self._carry > start:  # the last label runs on into this segment
            regions.append(Span(start, self._carry, "", 2.0))
        for span in segment.spans:
            a, b = span.start + segment.analysis_start, span.end + segment.analysis_start
            if b > start and a < cut:
                regions.append(Span(max(a, start), b, span.entity_type, span.score))
        text = segment.analysis[start - segment.analysis_start:cut - segment.analysis_start]
        out: list[str] = []
        cursor = start
        for region in merge_spans(regions):
            out.append(text[cursor - start:region.start - start])
            if not (self._carry > start and region.start == start):
                out.append(f"<{region.entity_type}>")
                self._report.entities[region.entity_type] += 1
                self._report.transform(self._label, "redact")
            cursor = min(region.end, cut)
            self._carry = max(self._carry, region.end)
        out.append(text[cursor - start:])
        return "".join(out)
