"""Record streams (NDJSON, JSON arrays, SSE): frame, minimize, redact in batches, re-encode.

Each record is parsed strictly on its own (``codecs.strict_json``) and minimized with the route's
body rules by a ``BodyMinimizer``, so selectors apply to one record. The free text of a whole
batch of consecutive records goes to the detector in one call (``resolve``). What is sent is
always re-encoded from the minimized record; a record that cannot be checked is never forwarded:
it fails the stream, or with ``on_record_error: drop`` it is left out and counted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import orjson

from proxy.codecs import TEXT_KEY
from proxy.codecs.strict_json import JsonRejected, dump_json, parse_json
from proxy.contract.models import FieldRule, StreamSpec
from proxy.contract.selectors import TrieNode, format_path, records_path
from proxy.enforce.minimize import BodyMinimizer, BodyShapeError, PendingRedaction
from proxy.enforce.report import MessageReport
from proxy.enforce.transforms import Pseudonymizer
from proxy.errors import DetectionUnavailable
from proxy.exchange.streaming.framing import (
    JsonArrayFramer,
    NdjsonFramer,
    SseEvent,
    SseFramer,
    StreamFault,
)

# Fills pending redactions in place (detection, the vault); raises DetectionUnavailable.
Resolver = Callable[[list[PendingRedaction], MessageReport], Awaitable[None]]

NDJSON_TYPES = ("application/x-ndjson", "application/jsonl", "application/json-lines",
                "application/x-jsonlines", "application/jsonlines")
_RETRY = frozenset("0123456789")


class RecordCodec(Protocol):
    """How one kind of stream frames, decodes and encodes its records."""

    content_type: str

    def accepts(self, media_type: str, params: dict[str, str]) -> bool: ...
    def framer(self, max_record_bytes: int) -> Any: ...
    def decode(self, unit: Any, max_depth: int) -> Any: ...
    def encode(self, document: Any, unit: Any, first: bool) -> bytes: ...
    def prefix(self) -> bytes: ...
    def suffix(self) -> bytes: ...


def _utf8(params: dict[str, str]) -> bool:
    return params.get("charset", "utf-8").lower() in ("utf-8", "utf8")


def _json_record(data: bytes, max_depth: int) -> Any:
    try:
        return parse_json(data, max_depth)
    except JsonRejected as exc:
        raise StreamFault("a record is not JSON we accept", exc.reason) from None


class NdjsonCodec:
    content_type = "application/x-ndjson"

    def accepts(self, media_type: str, params: dict[str, str]) -> bool:
        return media_type in NDJSON_TYPES and _utf8(params)

    def framer(self, max_record_bytes: int) -> NdjsonFramer:
        return NdjsonFramer(max_record_bytes)

    def decode(self, unit: bytes, max_depth: int) -> Any:
        return _json_record(unit, max_depth)

    def encode(self, document: Any, unit: Any, first: bool) -> bytes:
        return dump_json(document) + b"\n"

    def prefix(self) -> bytes:
        return b""

    def suffix(self) -> bytes:
        return b""


class JsonArrayCodec:
    """A JSON document holding the records in an array; the envelope is not forwarded."""

    content_type = "application/json"

    def __init__(self, path: tuple[str, ...]) -> None:
        self._path = path

    def accepts(self, media_type: str, params: dict[str, str]) -> bool:
        return media_type == "application/json" and _utf8(params)

    def framer(self, max_record_bytes: int) -> JsonArrayFramer:
        return JsonArrayFramer(self._path, max_record_bytes)

    def decode(self, unit: bytes, max_depth: int) -> Any:
        return _json_record(unit, max_depth)

    def encode(self, document: Any, unit: Any, first: bool) -> bytes:
        return dump_json(document) if first else b"," + dump_json(document)

    def prefix(self) -> bytes:
        return b"".join(b"{" + orjson.dumps(key) + b":" for key in self._path) + b"["

    def suffix(self) -> bytes:
        return b"]" + b"}" * len(self._path)


class SseCodec:
    """``text/event-stream``: each event's data is a JSON record, or free text as ``$text``."""

    content_type = "text/event-stream"

    def __init__(self, data: str, fields: tuple[str, ...]) -> None:
        self._text = data == "text"
        self._fields = frozenset(fields)

    def accepts(self, media_type: str, params: dict[str, str]) -> bool:
        return media_type == "text/event-stream" and _utf8(params)

    def framer(self, max_record_bytes: int) -> SseFramer:
        return SseFramer(max_record_bytes)

    def decode(self, unit: SseEvent, max_depth: int) -> Any:
        if unit.data is None:
            return None  # an event without data (a ping): nothing to forward
        if self._text:
            return {TEXT_KEY: unit.data}
        return _json_record(unit.data.encode("utf-8"), max_depth)

    def encode(self, document: Any, unit: SseEvent, first: bool) -> bytes:
        lines = []
        for name, value in unit.fields:
            if name in self._fields and (name != "retry" or (value and set(value) <= _RETRY)):
                lines.append(f"{name}: {value}\n")
        if self._text:
            text = document.get(TEXT_KEY) if isinstance(document, dict) else None
            if text is None:
                return b""
            lines.extend(f"data: {line}\n" for line in str(text).split("\n"))
        else:
            lines.append("data: " + dump_json(document).decode("utf-8") + "\n")
        return ("".join(lines) + "\n").encode("utf-8")

    def prefix(self) -> bytes:
        return b""

    def suffix(self) -> bytes:
        return b""




def codec_for(spec: StreamSpec) -> RecordCodec:
    if spec.kind == "ndjson":
        return NdjsonCodec()
    if spec.kind == "json_array":
        return JsonArrayCodec(records_path(spec.records))
    if spec.kind == "sse":
        return SseCodec(spec.sse_data, spec.sse_fields)
    raise ValueError(f"not a record stream: {spec.kind}")


@dataclass(slots=True)
class _Item:
    unit: Any
    document: Any
    pending: list[PendingRedaction]
    dropped: bool = False


@dataclass(slots=True)
class RecordBatch:
    items: list[_Item] = field(default_factory=list)
    fault: StreamFault | None = None  # raised once the records before it are delivered


class RecordProcessor:
    """Turns framed units into re-encoded, minimized, redacted records, batch by batch."""

    max_inflight = 2  # one batch in detection while the next is parsed

    def __init__(
        self,
        codec: RecordCodec,
        trie: TrieNode[FieldRule] | None,
        vendor: str,
        pseudonymizer: Pseudonymizer | None,
        report: MessageReport,
        resolve: Resolver,
        on_record_error: str,
        max_record_bytes: int,
        max_depth: int,
    ) -> None:
        self._codec = codec
        self._trie = trie
        self._vendor = vendor
        self._pseudonymizer = pseudonymizer
        self._report = report
        self._resolve = resolve
        self._drop_bad = on_record_error == "drop"
        self._max_record_bytes = max_record_bytes
        self._max_depth = max_depth
        self._first = True
        self.records_in = 0
        self.dropped: Counter[str] = Counter()
        self.content_type = codec.content_type
        self._framer = codec.framer(max_record_bytes)
        if trie is None:
            report.body_dropped = True

    def accepts(self, media_type: str, params: dict[str, str]) -> bool:
        return self._codec.accepts(media_type, params)

    def frame(self, chunk: bytes) -> list[Any]:
        units = self._framer.feed(chunk)
        self._audit_envelope()
        return units  # type: ignore[no-any-return]

    def frame_end(self) -> list[Any]:
        units = self._framer.finish()
        self._audit_envelope()
        return units  # type: ignore[no-any-return]

    def _audit_envelope(self) -> None:
        """Envelope values the framer skipped (a JSON array's siblings): dropped, as no selector
        names them, and labelled ``envelope:`` apart from the records' own ``body:`` paths."""
        skipped = getattr(self._framer, "envelope_dropped", None)
        if skipped:
            for path in skipped:
                self._report.drop_unlisted(f"envelope:{format_path(path)}")
            skipped.clear()

    def prefix(self) -> bytes:
        return self._codec.prefix()

    def suffix(self) -> bytes:
        return self._codec.suffix()

    def _bad(self, batch: RecordBatch, reason: str, exc: StreamFault) -> bool:
        """Drop a bad record (True), or mark the batch as failing there (False)."""
        if not self._drop_bad:
            batch.fault = exc
            return False
        self.dropped[reason] += 1
        return True

    def prepare(self, units: list[Any], final: bool) -> RecordBatch:
        batch = RecordBatch()
        for unit in units:
            try:
                document = self._codec.decode(unit, self._max_depth)
            except StreamFault as exc:
                self.records_in += 1
                if self._bad(batch, exc.reason, exc):
                    continue
                break
            if document is None:
                continue  # an SSE event without data
            self.records_in += 1
            if self._trie is None:  # no body rules: records pass as empty objects
                batch.items.append(_Item(unit, {}, []))
                continue
            minimizer = BodyMinimizer(self._trie, self._vendor, self._pseudonymizer,
                                      self._report)
            try:
                minimized = minimizer.minimize(document)
            except BodyShapeError:
                if self._bad(batch, "unexpected_record_shape", StreamFault(
                        "a record must be a JSON object or array", "unexpected_record_shape")):
                    continue
                break
            batch.items.append(_Item(unit, minimized, minimizer.pending))
        return batch

    async def resolve(self, batch: RecordBatch) -> None:
        pending = [p for item in batch.items for p in item.pending]
        if not pending:
            return
        try:
            await self._resolve(pending, self._report)
            return
        except DetectionUnavailable:
            if not self._drop_bad:
                raise
        # Find the record(s) the detector fails on; the others still go through.
        for item in batch.items:
            if not item.pending:
                continue
            try:
                await self._resolve(list(item.pending), self._report)
            except DetectionUnavailable as exc:
                item.dropped = True
                self.dropped[exc.reason] += 1

    def encode(self, batch: RecordBatch) -> tuple[bytes, int]:
        parts = []
        for item in batch.items:
            if item.dropped:
                continue
            parts.append(self._codec.encode(item.document, item.unit, self._first))
            self._first = False
        return b"".join(parts), len(parts)
