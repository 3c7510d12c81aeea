"""Redaction of what a model writes in its answer (``llm.answer``), before placeholders go back.

A contract may forbid the caller to receive some types of personal data from the model: a phone
number the model makes up or remembers, an e-mail address from another customer's ticket. The
answer's text is checked as the vendor wrote it, placeholders and all, and the placeholders are
restored afterwards: a value that comes back from a placeholder is the caller's own and is never
redacted (a span over a placeholder or surrogate is cut around it).

Streamed, every text block (choice, output part, content block) has its own boundary-safe window
(``proxy.exchange.streaming.text_window.TextProcessor``): text is cut at positions that depend on
the text only and analyzed with ``window`` characters either side, so an entity split over any
number of deltas is seen whole. The price is latency: a block's text goes out one segment
(``2 x window`` characters) behind the model, and its tail at the block's end.

The rewriters are synchronous and detection is not, so ``feed`` and ``flush`` hand the rewriter
a marker (a private-use character, a per-stream nonce and a number) to put where the text goes;
once the batch's segments are checked, ``fill`` composes and restores each piece, and
``substitute`` puts the text in place of its marker in the encoded events (JSON-escaped). A
vendor cannot forge a marker: it does not know the nonce.
"""

from __future__ import annotations

import asyncio
import re
import secrets
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson

from proxy.enforce.minimize import PendingRedaction
from proxy.enforce.placeholders import StreamRestorer
from proxy.enforce.redaction import apply_redactions, detection_requests
from proxy.exchange.llm.answers import string_slots
from proxy.exchange.streaming.text_window import TextBatch, TextProcessor
from recognizers.types import DetectionRequest, Span

if TYPE_CHECKING:
    from proxy.contract.models import FieldRule
    from proxy.enforce.placeholders import PlaceholderBook
    from proxy.enforce.report import MessageReport
    from recognizers.custom import DetectionConfig

SpanDetector = Callable[[Sequence[DetectionRequest]], Awaitable[list[list[Span]]]]

_MARK_OPEN, _MARK_CLOSE = "\ue000", "\ue001"
ANSWER_PATH = "answer:$text"  # the report's path for answer text (it is not a body field)
_TEXT_KEYS = frozenset({"content", "text", "refusal"})  # where a whole answer holds its text


def outside_stand_ins(book: PlaceholderBook, text: str, spans: Sequence[Span]) -> list[Span]:
    """``spans`` with every placeholder or surrogate of ``text`` cut out of them."""
    regions = book.stand_in_regions(text)
    if not regions:
        return list(spans)
    out: list[Span] = []
    for span in spans:
        pieces = [(span.start, span.end)]
        for a, b in regions:
            pieces = [part for start, end in pieces
                      for part in ((start, min(end, a)), (max(start, b), end))
                      if part[0] < part[1]]
        for start, end in pieces:
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if start < end:
                out.append(Span(start, end, span.entity_type, span.score))
    return out


@dataclass(slots=True)
class _Piece:
    marker: str
    key: Any
    window: TextProcessor
    batch: TextBatch
    final: bool


class AnswerWindows:
    """The redacting windows of one streamed answer, one per text block (module docstring)."""

    def __init__(self, book: PlaceholderBook, rule: FieldRule, detect: SpanDetector,
                 report: MessageReport, window: int, options: DetectionConfig | None = None,
                 vendor: str = "", keep_texts: bool = False) -> None:
        self._book = book
        self._rule = rule
        self._detect = detect
        self._report = report
        self._window = window
        self._options = options
        self._vendor = vendor
        # The Responses API repeats a block's whole text in its done events: keep the pieces.
        self._keep_texts = keep_texts
        self._windows: dict[Any, TextProcessor] = {}
        self._restorers: dict[Any, StreamRestorer] = {}
        self._emitted: dict[Any, list[str]] = {}
        self._pending: list[_Piece] = []
        self._texts: dict[bytes, str] = {}
        self._nonce = secrets.token_hex(6)
        self._count = 0
        self._marks = re.compile(
            re.escape(f"{_MARK_OPEN}{self._nonce}".encode()) + rb"\d+"
            + re.escape(_MARK_CLOSE.encode()))

    def feed(self, key: Any, piece: str) -> str:
        """A marker for the text of ``piece`` that can go out once checked."""
        window = self._windows.get(key)
        if window is None:
            window = self._windows[key] = self._new_window()
        return self._mark(key, window, window.prepare([piece.encode()], final=False), False)

    def flush(self, key: Any) -> str:
        """A marker for the rest of the block's text ("" if the block had none)."""
        window = self._windows.pop(key, None)
        if window is None:
            return ""
        return self._mark(key, window, window.prepare([], final=True), True)

    def joined(self, key: Any) -> str | None:
        """Markers of everything the block emitted, in order (None: no text was streamed for
        it); only with ``keep_texts``."""
        markers = self._emitted.get(key)
        return None if markers is None else "".join(markers)

    def open_keys(self) -> list[Any]:
        """The blocks whose text has not been flushed."""
        return list(self._windows)

    def take(self) -> list[_Piece]:
        """The pieces marked since the last call, to check and fill with the batch."""
        pending, self._pending = self._pending, []
        return pending

    async def resolve(self, pieces: Sequence[_Piece]) -> None:
        """Detect the segments of ``pieces`` (one call per piece; the pool batches them)."""
        await asyncio.gather(*(piece.window.resolve(piece.batch) for piece in pieces
                               if piece.batch.segments))

    def fill(self, pieces: Sequence[_Piece]) -> None:
        """Compose each piece's redacted text, restore its placeholders, remember it."""
        for piece in pieces:
            text = piece.window.encode(piece.batch)[0].decode("utf-8")
            restorer = self._restorers.get(piece.key)
            if restorer is None:
                restorer = self._restorers[piece.key] = StreamRestorer(self._book)
            out = restorer.feed(text)
            if piece.final:
                out += restorer.flush()
                del self._restorers[piece.key]
            self._texts[piece.marker.encode()] = out

    def substitute(self, data: bytes) -> bytes:
        """``data`` (encoded events) with every filled marker replaced by its JSON-escaped text."""
        if _MARK_OPEN.encode() not in data:
            return data
        texts = self._texts
        take = texts.get if self._keep_texts else texts.pop
        return self._marks.sub(lambda m: orjson.dumps(take(m.group(0), ""))[1:-1], data)

    def _new_window(self) -> TextProcessor:
        return TextProcessor(self._rule, self._checked_spans, self._report, self._window,
                             segment=2 * self._window, carrier="answer", options=self._options,
                             vendor=self._vendor)

    async def _checked_spans(self, requests: Sequence[DetectionRequest]) -> list[list[Span]]:
        results = await self._detect(requests)
        return [outside_stand_ins(self._book, request.text, spans)
                for request, spans in zip(requests, results, strict=True)]

    def _mark(self, key: Any, window: TextProcessor, batch: TextBatch, final: bool) -> str:
        self._count += 1
        marker = f"{_MARK_OPEN}{self._nonce}{self._count}{_MARK_CLOSE}"
        self._pending.append(_Piece(marker, key, window, batch, final))
        if self._keep_texts:
            self._emitted.setdefault(key, []).append(marker)
        return marker


async def redact_document(document: Any, book: PlaceholderBook, rule: FieldRule,
                          detect: SpanDetector, report: MessageReport,
                          options: DetectionConfig | None = None, vendor: str = "") -> None:
    """Redact the text of a whole (JSON) answer in place, before its placeholders go back:
    the ``content`` / ``text`` / ``refusal`` strings outside signed reasoning blocks."""
    pending = [PendingRedaction(node, key, value, rule, ANSWER_PATH)
               for node, key, value in string_slots(document)
               if key in _TEXT_KEYS and value.strip()]
    if not pending:
        return
    results = await detect(detection_requests(pending, options=options, vendor=vendor))
    apply_redactions(pending, [outside_stand_ins(book, item.text, spans)
                               for item, spans in zip(pending, results, strict=True)], report)
