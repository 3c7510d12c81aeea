"""A streamed model answer (server-sent events) with placeholders restored as it arrives.

``LlmEventProcessor`` is a stream processor (proxy.exchange.streaming.pipeline): it frames the
vendor's SSE, hands each event's JSON to the API's rewriter and writes what the rewriter returns.
A rewriter keeps one ``StreamRestorer`` per text block (choice, output item and part, content
block), so a placeholder split over deltas is restored and only a tail that could still become a
placeholder waits; at the block's end the tail goes out in one more delta, just before the event
that ends the block. Tool-call arguments are JSON: their fragments are held until the call is
complete, then sent restored in one fragment (a restored value may need JSON escapes).

With the contract's ``llm.answer`` the text goes through ``answer_windows.AnswerWindows`` first
(checked as the vendor wrote it, then restored); a batch's text then waits for detection in
``resolve`` and is put into its events in ``encode``.

An event type the rewriter does not know fails the stream (the caller's connection is cut, the
audit says ``llm_unknown_event``) unless the contract says ``unknown_events: pass``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import orjson

from proxy.enforce.placeholders import StreamRestorer
from proxy.exchange.streaming.framing import SseEvent, SseFramer, StreamFault

if TYPE_CHECKING:
    from proxy.enforce.placeholders import PlaceholderBook
    from proxy.exchange.llm.answer_windows import AnswerWindows


class UnknownEvent(StreamFault):
    """An event of a type the API's rewriter does not know, on a route that fails closed."""

    def __init__(self) -> None:
        super().__init__("the vendor streamed an event this route does not know",
                         "llm_unknown_event")


class Rewriter(Protocol):
    """One API's events: each vendor event becomes zero or more events for the caller."""

    def rewrite(self, event: dict[str, Any]) -> list[dict[str, Any]] | None: ...

    def finish(self) -> list[dict[str, Any]]: ...


class Restorers:
    """Per-block stream restorers and held tool arguments, shared by the rewriters.

    With ``windows`` (the contract's ``llm.answer``), text goes through them instead: checked,
    then restored, and ``feed`` / ``flush`` return markers filled in when the batch is encoded.
    """

    def __init__(self, book: PlaceholderBook, windows: AnswerWindows | None = None) -> None:
        self.book = book
        self.windows = windows
        self._text: dict[Any, StreamRestorer] = {}
        self._args: dict[Any, list[str]] = {}

    def feed(self, key: Any, piece: str) -> str:
        if self.windows is not None:
            return self.windows.feed(key, piece)
        restorer = self._text.get(key)
        if restorer is None:
            restorer = self._text[key] = StreamRestorer(self.book)
        return restorer.feed(piece)

    def flush(self, key: Any) -> str:
        if self.windows is not None:
            return self.windows.flush(key)
        restorer = self._text.pop(key, None)
        return restorer.flush() if restorer is not None else ""

    def hold(self, key: Any, fragment: str) -> None:
        self._args.setdefault(key, []).append(fragment)

    def arguments(self, key: Any) -> str | None:
        """The held arguments of a finished call, restored; None if none were held."""
        fragments = self._args.pop(key, None)
        return None if fragments is None else self.book.restore_json_string("".join(fragments))

    def open_keys(self) -> tuple[list[Any], list[Any]]:
        texts = self.windows.open_keys() if self.windows is not None else list(self._text)
        return texts, list(self._args)


@dataclass
class _Batch:
    data: list[bytes] = field(default_factory=list)
    records: int = 0
    pieces: list[Any] = field(default_factory=list)  # answer text to check (AnswerWindows)


class LlmEventProcessor:
    """The answer stream of an ``llm:`` route (see the module docstring)."""

    content_type = "text/event-stream"
    max_inflight = 1  # restoring needs no I/O: batches are ready when prepared

    def __init__(self, rewriter: Rewriter, max_record_bytes: int, unknown_events: str,
                 windows: AnswerWindows | None = None) -> None:
        self._rewriter = rewriter
        self._windows = windows
        if windows is not None:
            self.max_inflight = 2  # a batch's answer text in detection while the next is framed
        self._framer = SseFramer(max_record_bytes)
        self._pass_unknown = unknown_events == "pass"
        self.records_in = 0
        self.dropped: Counter[str] = Counter()

    @staticmethod
    def accepts(media_type: str, params: dict[str, str]) -> bool:
        return media_type == "text/event-stream" and params.get("charset", "utf-8").lower() in (
            "utf-8", "utf8")

    def frame(self, chunk: bytes) -> list[Any]:
        return self._framer.feed(chunk)

    def frame_end(self) -> list[Any]:
        return self._framer.finish()

    def prefix(self) -> bytes:
        return b""

    def suffix(self) -> bytes:
        return b""

    def prepare(self, units: list[Any], final: bool) -> _Batch:
        batch = _Batch()
        for unit in units:
            self.records_in += 1
            self._one(unit, batch)
        if final:
            for event in self._rewriter.finish():
                batch.data.append(_encode(event, named=True))
        if self._windows is not None:
            batch.pieces = self._windows.take()
        return batch

    def _one(self, unit: SseEvent, batch: _Batch) -> None:
        named = any(name == "event" for name, _ in unit.fields)
        if unit.data is None:
            return  # an event without data carries nothing the caller needs
        if unit.data.strip() == "[DONE]":
            batch.data.append(b"data: [DONE]\n\n")
            batch.records += 1
            return
        try:
            event = orjson.loads(unit.data)
        except orjson.JSONDecodeError:
            raise StreamFault("an event of the vendor's stream is not JSON",
                              "llm_invalid_event") from None
        if not isinstance(event, dict):
            raise StreamFault("an event of the vendor's stream is not a JSON object",
                              "llm_invalid_event")
        out = self._rewriter.rewrite(event)
        if out is None:  # not a type the rewriter knows
            if not self._pass_unknown:
                raise UnknownEvent()
            self.dropped["unknown_event_passed"] += 1
            out = [event]
        for item in out:
            batch.data.append(_encode(item, named))
        batch.records += 1

    async def resolve(self, batch: _Batch) -> None:
        if self._windows is not None and batch.pieces:
            await self._windows.resolve(batch.pieces)

    def encode(self, batch: _Batch) -> tuple[bytes, int]:
        data = b"".join(batch.data)
        if self._windows is not None:
            self._windows.fill(batch.pieces)
            data = self._windows.substitute(data)
        return data, batch.records


def _encode(event: dict[str, Any], named: bool) -> bytes:
    head = b""
    if named and isinstance(event.get("type"), str):
        head = b"event: " + event["type"].encode() + b"\n"
    return head + b"data: " + orjson.dumps(event) + b"\n\n"
