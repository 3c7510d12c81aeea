"""A client that writes a request byte for byte: repeated header lines, any bytes in a value.

aiohttp's client merges or refuses some of what hostile callers send (CR or LF in a value, bytes
that are not UTF-8); these tests need the exact lines on the wire. One request per connection.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import orjson


@dataclass(frozen=True)
class RawAnswer:
    """The proxy's answer: status, header lines (lowercase names) and body."""

    status: int
    header_lines: list[tuple[str, str]]
    body: bytes

    def json(self) -> dict:
        return orjson.loads(self.body)


async def raw_request(
    base_url: str, path: str, header_lines: list[tuple[bytes, bytes]], body: bytes,
    *, content_type: bytes = b"application/json", wait_s: float = 30.0,
) -> RawAnswer:
    """POST ``body`` to ``path`` with ``Host``, ``Content-Type``, ``Content-Length`` and then
    ``header_lines`` exactly as given; ``Connection: close`` last, so the answer ends at EOF.

    ``wait_s`` only bounds a proxy that never answers (the test then fails).
    """
    host, port = base_url.removeprefix("http://").split(":")
    head = [b"POST " + path.encode() + b" HTTP/1.1", b"Host: " + host.encode(),
            b"Content-Type: " + content_type, b"Content-Length: %d" % len(body)]
    head += [name + b": " + value for name, value in header_lines]
    head.append(b"Connection: close")
    reader, writer = await asyncio.open_connection(host, int(port))
    try:
        writer.write(b"\r\n".join(head) + b"\r\n\r\n" + body)
        await writer.drain()
        data = await asyncio.wait_for(reader.read(), wait_s)
    finally:
        writer.close()
    head_bytes, _, answer_body = data.partition(b"\r\n\r\n")
    status_line, *lines = head_bytes.decode("latin-1").split("\r\n")
    answer_lines = []
    for line in lines:
        name, _, value = line.partition(":")
        answer_lines.append((name.strip().lower(), value.strip()))
    return RawAnswer(int(status_line.split(" ")[1]), answer_lines, answer_body)
