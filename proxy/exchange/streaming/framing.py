"""Record framing: cut a byte stream into records, whatever the network chunking.

Framers do no I/O: ``feed(chunk)`` returns the records completed by that chunk and ``finish()``
the last ones (or raises if the stream ended inside a record). Each buffers at most one record,
bounded by ``max_record_bytes``; a longer record raises ``RecordTooLarge``. Records are returned
as raw bytes (NDJSON lines, JSON array elements) or ``SseEvent`` and parsed strictly later, so
a framer never decides what a value means.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import orjson


class StreamFault(ValueError):
    """The stream cannot be handled; ``reason`` is a stable code, the message names no value."""

    reason = "invalid_stream"

    def __init__(self, message: str, reason: str | None = None) -> None:
        super().__init__(message)
        if reason is not None:
            self.reason = reason


class RecordTooLarge(StreamFault):
    """One record is over the per-record limit: always fails the exchange."""

    reason = "record_too_large"


class NdjsonFramer:
    """``application/x-ndjson`` / JSON Lines: one record per line; blank lines are skipped."""

    def __init__(self, max_record_bytes: int) -> None:
        self._limit = max_record_bytes
        self._tail = b""

    def feed(self, chunk: bytes) -> list[bytes]:
        data = self._tail + chunk if self._tail else chunk
        lines = data.split(b"\n")
        self._tail = lines.pop()
        if len(self._tail) > self._limit:
            raise RecordTooLarge("an NDJSON line is longer than the record limit")
        out = []
        for line in lines:
            if len(line) > self._limit:
                raise RecordTooLarge("an NDJSON line is longer than the record limit")
            if line.strip():
                out.append(line)
        return out

    def finish(self) -> list[bytes]:
        tail, self._tail = self._tail, b""
        return [tail] if tail.strip() else []


@dataclass(slots=True)
class SseEvent:
    """One server-sent event: its data (lines joined by ``\\n``) and the other fields."""

    data: str | None
    fields: list[tuple[str, str]] = field(default_factory=list)


class SseFramer:
    """``text/event-stream``: events end at a blank line; CRLF, LF and CR all end a line.

    Comments (``:``) and unknown fields are dropped; an event cut off by the end of the stream
    is discarded, as the SSE specification says.
    """

    def __init__(self, max_record_bytes: int) -> None:
        self._limit = max_record_bytes
        self._tail = b""
        self._size = 0
        self._data: list[str] | None = None
        self._fields: list[tuple[str, str]] = []

    def feed(self, chunk: bytes) -> list[SseEvent]:
        data = self._tail + chunk
        hold = b""
        if data.endswith(b"\r"):  # may be the first half of CRLF
            data, hold = data[:-1], b"\r"
        lines = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
        self._tail = lines.pop() + hold
        if self._size + len(self._tail) > self._limit:
            raise RecordTooLarge("an SSE event is longer than the record limit")
        out = []
        for line in lines:
            event = self._line(line)
            if event is not None:
                out.append(event)
        return out

    def finish(self) -> list[SseEvent]:
        if self._tail not in (b"", b"\r"):
            self._line(self._tail)  # a last field line without its blank line: not dispatched
        self._tail = b""
        return []

    def _line(self, line: bytes) -> SseEvent | None:
        if not line:
            data, fields = self._data, self._fields
            self._data, self._fields, self._size = None, [], 0
            if data is None and not fields:
                return None
            return SseEvent(None if data is None else "\n".join(data), fields)
        self._size += len(line) + 1
        if self._size > self._limit:
            raise RecordTooLarge("an SSE event is longer than the record limit")
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            raise StreamFault("an SSE line is not valid UTF-8", "invalid_sse") from None
        if text.startswith(":"):
            return None
        name, _, value = text.partition(":")
        value = value.removeprefix(" ")
        if name == "data":
            if self._data is None:
                self._data = []
            self._data.append(value)
        elif name in ("event", "id", "retry"):
            self._fields.append((name, value))
        return None


# Bytes that matter to the scanner outside strings, and inside them.
_STRUCTURAL = re.compile(rb'["{}\[\],]')
_IN_STRING = re.compile(rb'["\\]')
_WS = b" \t\r\n"


class JsonArrayFramer:
    """A JSON document whose top level, or the array at a key path, holds the records.

    ``path`` is the keys leading to the array (``()`` for a top-level array, ``("contacts",)``
    for ``contacts[*]``). Envelope values beside the path are skipped without being kept (they
    are never forwarded); their key paths gather in ``envelope_dropped`` for the audit record,
    and whoever feeds the framer empties it. A second occurrence of the array's key is refused.
    """

    def __init__(self, path: tuple[str, ...], max_record_bytes: int) -> None:
        self._path = path
        self._limit = max_record_bytes
        self._buf = bytearray()
        self._pos = 0
        # start, key_first, key, colon, value, skip, after_value, array_first, array_next,
        # record, after_record, end
        self._state = "start"
        self._depth = 0  # envelope objects entered
        self._on_path = True  # the current envelope object lies on the path
        self._found = False
        self._skip_depth = 0  # nesting of a value being skipped
        self._skip_in_string = False
        self._rec_start = 0
        self._rec_depth = 0
        self._rec_scan = 0
        self._rec_in_string = False
        self._key_target = False
        self._key = ""
        self.envelope_dropped: list[tuple[str, ...]] = []

    # -- public ------------------------------------------------------------------------------

    def feed(self, chunk: bytes) -> list[bytes]:
        self._buf += chunk
        out: list[bytes] = []
        self._advance(out)
        # Drop what is consumed, keeping an unfinished record or key.
        keep_from = self._rec_start if self._state == "record" else self._pos
        if keep_from:
            del self._buf[:keep_from]
            self._pos -= keep_from
            if self._state in ("record", "skip"):
                self._rec_scan -= keep_from
                self._rec_start = 0
        if len(self._buf) - self._pos > self._limit or (
            self._state == "record" and len(self._buf) > self._limit
        ):
            raise RecordTooLarge("a JSON array element is longer than the record limit")
        return out

    def finish(self) -> list[bytes]:
        out: list[bytes] = []
        self._advance(out, final=True)
        if self._state != "end":
            raise StreamFault("the JSON document ended before it was complete", "invalid_json")
        return out

    # -- the scanner -------------------------------------------------------------------------

    def _skip_ws(self) -> bool:
        buf, n = self._buf, len(self._buf)
        while self._pos < n and buf[self._pos] in _WS:
            self._pos += 1
        return self._pos < n

    def _expect(self, byte: int, what: str) -> None:
        if self._buf[self._pos] != byte:
            raise StreamFault(f"expected {what} in the JSON document", "invalid_json")
        self._pos += 1

    def _string_end(self, start: int) -> int:
        """Index just past the string starting at ``start`` (a quote), or -1 if incomplete."""
        i = start + 1
        while True:
            m = _IN_STRING.search(self._buf, i)
            if m is None:
                return -1
            if m.group() == b'"':
                return m.end()
            if m.end() >= len(self._buf):
                return -1
            i = m.end() + 1  # skip the escaped byte

    def _advance(self, out: list[bytes], final: bool = False) -> None:
        while True:
            state = self._state
            if state == "end":
                if self._skip_ws():
                    raise StreamFault("data after the JSON document", "invalid_json")
                return
            if state == "record":
                if not self._scan_record(out, final):
                    return
                continue
            if state == "skip":
                if not self._scan_skip(final):
                    return
                continue
            if not self._skip_ws():
                return
            byte = self._buf[self._pos]
            if state == "start":
                if not self._path:
                    self._expect(ord("["), "'['")
                    self._state = "array_first"
                else:
                    self._expect(ord("{"), "'{'")
                    self._depth, self._on_path, self._state = 1, True, "key_first"
            elif state in ("key_first", "key"):
                if not self._on_key(state, byte):
                    return
            elif state == "colon":
                self._expect(ord(":"), "':'")
                self._state = "value"
            elif state == "value":
                self._on_value(byte)
            elif state == "after_value":
                if byte == ord(","):
                    self._pos += 1
                    self._state = "key"
                elif byte == ord("}"):
                    self._pos += 1
                    self._close_object()
                else:
                    raise StreamFault("expected ',' or '}' in the JSON document", "invalid_json")
            elif state in ("array_first", "after_record"):
                if byte == ord("]"):
                    self._pos += 1
                    self._after_array()
                elif state == "after_record":
                    self._expect(ord(","), "',' or ']'")
                    self._state = "array_next"
                else:
                    self._start_record()
            elif state == "array_next":
                self._start_record()

    def _on_key(self, state: str, byte: int) -> bool:
        """Read a key (or the ``}`` of an empty object); False when the key is not complete."""
        if state == "key_first" and byte == ord("}"):
            self._pos += 1
            self._close_object()
            return True
        if byte != ord('"'):
            raise StreamFault("expected a key in the JSON document", "invalid_json")
        end = self._string_end(self._pos)
        if end < 0:
            return False
        try:
            key = orjson.loads(bytes(self._buf[self._pos:end]))
        except orjson.JSONDecodeError:
            raise StreamFault("a key is not a valid JSON string", "invalid_json") from None
        self._pos = end
        target = self._on_path and self._depth <= len(self._path) and (
            key == self._path[self._depth - 1])
        self._key_target, self._key = target, key
        self._state = "colon"
        return True

    def _on_value(self, byte: int) -> None:
        """At a value: the records array, an object along the path, or an envelope to skip."""
        if self._key_target and self._depth == len(self._path):
            if self._found:
                raise StreamFault("the records array appears twice", "duplicate_key")
            self._found = True
            self._expect(ord("["), "the records array")
            self._state = "array_first"
        elif self._key_target and byte == ord("{"):
            self._pos += 1
            self._depth += 1
            self._state = "key_first"
        else:
            # Envelope objects are entered only along the path: this value's key path is the
            # path so far plus its key.
            self.envelope_dropped.append((*self._path[:self._depth - 1], self._key))
            self._skip_depth, self._skip_in_string = 0, False
            self._state = "skip"

    def _start_record(self) -> None:
        self._rec_start = self._rec_scan = self._pos
        self._rec_depth, self._rec_in_string = 0, False
        self._state = "record"

    def _after_array(self) -> None:
        if not self._path:
            self._state = "end"
        else:
            self._on_path = True
            self._state = "after_value"

    def _close_object(self) -> None:
        self._depth -= 1
        self._state = "end" if self._depth == 0 else "after_value"

    def _scan_record(self, out: list[bytes], final: bool) -> bool:
        """Scan one array element; True when it is complete (and appended to ``out``)."""
        end = self._scan_value("_rec", final)
        if end < 0:
            return False
        record = bytes(self._buf[self._rec_start:end]).strip()
        if not record:
            raise StreamFault("an empty element in the JSON array", "invalid_json")
        out.append(record)
        self._pos = end
        self._state = "after_record"
        return True

    def _scan_skip(self, final: bool) -> bool:
        if self._skip_depth == 0 and not self._skip_in_string:
            self._rec_scan = self._pos
        end = self._scan_value("_skip", final)
        if end < 0:
            self._pos = self._rec_scan  # nothing before it is needed any more
            return False
        self._pos = end
        self._state = "after_value"
        return True

    def _scan_value(self, prefix: str, final: bool) -> int:
        """Find the end of the value being scanned; -1 if it needs more bytes.

        Shared by records and skipped envelope values; the depth and in-string flags live in
        ``{prefix}_depth`` / ``{prefix}_in_string`` so a scan resumes where the last chunk ended.
        """
        buf = self._buf
        depth = getattr(self, prefix + "_depth")
        in_string = getattr(self, prefix + "_in_string")
        i = self._rec_scan
        n = len(buf)
        while True:
            if in_string:
                m = _IN_STRING.search(buf, i)
                if m is None:
                    i = n
                    break
                if m.group() == b'"':
                    in_string = False
                    i = m.end()
                    continue
                if m.end() >= n:  # a backslash as the last byte: wait for the escaped one
                    i = m.start()
                    break
                i = m.end() + 1
                continue
            m = _STRUCTURAL.search(buf, i)
            if m is None:
                i = n
                if final and depth == 0:
                    self._rec_scan = i
                    return n  # a scalar running to the end: the caller's next step refuses it
                break
            c = m.group()
            if c == b'"':
                in_string = True
            elif c in (b"{", b"["):
                depth += 1
            elif c in (b"}", b"]"):
                if depth == 0:
                    self._rec_scan = m.start()
                    return m.start()  # the enclosing container closes: a scalar ended
                depth -= 1
                if depth == 0:
                    self._rec_scan = m.end()
                    setattr(self, prefix + "_depth", 0)
                    setattr(self, prefix + "_in_string", False)
                    return m.end()
            elif c == b"," and depth == 0:
                self._rec_scan = m.start()
                return m.start()
            i = m.end()
        self._rec_scan = i
        setattr(self, prefix + "_depth", depth)
        setattr(self, prefix + "_in_string", in_string)
        return -1
