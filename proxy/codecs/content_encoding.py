"""Content-Encoding: decode compressed request bodies within limits; check vendor answers' labels.

Request bodies in ``gzip`` (``x-gzip``), ``deflate``, ``br`` and ``zstd`` are decoded here, at
most ``MAX_LAYERS`` stacked (``Content-Encoding: gzip, br``), each layer bounded twice: by the
body limit (``limits.max_body_bytes`` applies to what the proxy processes, not only to what it
received) and by a ratio to its input (``MAX_RATIO``, above a small floor), so a bomb stops after
at most ``limit + 1`` bytes of output. The checked body is then forwarded uncompressed; the proxy's
client builds the framing, so the vendor never receives a ``Content-Encoding`` that lies.

Vendor answers are decompressed by aiohttp's client (within the response limit, which counts
decoded bytes); ``check_response_encoding`` refuses an answer labelled with a coding that client
does not decode, since its bytes would otherwise reach a contract or the caller still compressed.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable

import brotli
from backports import zstd

from proxy.errors import (
    BadRequest,
    PayloadTooLarge,
    ProxyError,
    UnsupportedMediaType,
    UpstreamError,
)

try:  # what aiohttp's client decodes by itself (it needs the same optional libraries)
    from aiohttp.compression_utils import HAS_BROTLI, HAS_ZSTD
except ImportError:  # pragma: no cover - older aiohttp
    HAS_BROTLI, HAS_ZSTD = True, False

MAX_LAYERS = 2
MAX_RATIO = 100  # decoded bytes per encoded byte, enforced above RATIO_FLOOR
RATIO_FLOOR = 64 * 1024
_ALIASES = {"x-gzip": "gzip"}
SUPPORTED = ("gzip", "deflate", "br", "zstd")


class EncodingRejected(ValueError):
    """A body whose Content-Encoding the proxy will not decode.

    ``kind`` is ``unsupported`` (unknown or too many codings), ``corrupt`` or ``too_large``.
    """

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.kind = kind


def parse_codings(values: Iterable[str]) -> list[str]:
    """The codings in the order they were applied; ``identity`` and empty entries are ignored."""
    codings: list[str] = []
    for value in values:
        for token in value.split(","):
            coding = token.strip().lower()
            if coding in ("", "identity"):
                continue
            coding = _ALIASES.get(coding, coding)
            if coding not in SUPPORTED:
                raise EncodingRejected("this content encoding is not supported; use gzip, "
                                       "deflate, br or zstd", "unsupported")
            codings.append(coding)
    if len(codings) > MAX_LAYERS:
        raise EncodingRejected(f"more than {MAX_LAYERS} stacked content encodings",
                               "unsupported")
    return codings


def decode_body(
    body: bytes, codings: list[str], max_bytes: int, max_ratio: int = MAX_RATIO
) -> bytes:
    """Undo ``codings`` (last applied first); raise EncodingRejected past a limit or on bad data."""
    data = body
    for coding in reversed(codings):
        by_ratio = max(RATIO_FLOOR, max_ratio * len(data))
        limit = min(max_bytes, by_ratio)
        data = _decode_one(coding, data, limit)
    return data


def _too_large() -> EncodingRejected:
    return EncodingRejected("the decompressed body is larger than the limit (size or ratio)",
                            "too_large")


def _corrupt(coding: str) -> EncodingRejected:
    return EncodingRejected(f"the body is not valid {coding} data (corrupt, truncated or with "
                            "trailing bytes)", "corrupt")


def _decode_one(coding: str, data: bytes, limit: int) -> bytes:
    try:
        if coding == "br":
            brd = brotli.Decompressor()
            out = brd.process(data, output_buffer_limit=limit + 1)
            if len(out) > limit:
                raise _too_large()
            if not brd.is_finished():
                raise _corrupt(coding)
            return bytes(out)
        if coding == "zstd":
            zsd = zstd.ZstdDecompressor()
            out = zsd.decompress(data, max_length=limit + 1)
            if len(out) > limit:
                raise _too_large()
            if not zsd.eof or zsd.unused_data:
                raise _corrupt(coding)
            return bytes(out)
        if coding == "gzip":
            wbits = 16 + zlib.MAX_WBITS
        else:
            # RFC 9110 deflate is zlib-wrapped; raw deflate is common in practice (as aiohttp).
            wbits = zlib.MAX_WBITS if data[:1] and data[0] & 0x0F == 8 else -zlib.MAX_WBITS
        zd = zlib.decompressobj(wbits=wbits)
        out = zd.decompress(data, limit + 1)
        if len(out) > limit:
            raise _too_large()
        if not zd.eof or zd.unused_data:  # truncated, or a second member / trailing bytes
            raise _corrupt(coding)
        return out
    except (zlib.error, brotli.error, zstd.ZstdError, EOFError):
        raise _corrupt(coding) from None


def request_error(exc: EncodingRejected) -> ProxyError:
    """The answer to the caller for a request body that could not be decoded."""
    if exc.kind == "too_large":
        return PayloadTooLarge(str(exc), reason="decompressed_body_too_large")
    if exc.kind == "unsupported":
        return UnsupportedMediaType(str(exc), reason="unsupported_content_encoding")
    return BadRequest(str(exc), reason="invalid_content_encoding")


def _client_decodes(coding: str) -> bool:
    if coding in ("gzip", "deflate"):
        return True
    if coding == "br":
        return bool(HAS_BROTLI)
    if coding == "zstd":
        return bool(HAS_ZSTD)
    return False


def check_response_encoding(values: list[str]) -> None:
    """Raise UpstreamError unless aiohttp's client has decoded the vendor's body (or it is plain).

    aiohttp decodes exactly one coding named alone in the first Content-Encoding header; a stacked
    or unknown coding stays encoded, and such bytes must not be handed on as if they were plain.
    """
    if not values:
        return
    value = values[0].strip().lower()
    if len(values) == 1 and (value in ("", "identity") or _client_decodes(value)):
        return
    raise UpstreamError("the vendor answered with a content encoding the proxy cannot decode",
                        reason="upstream_unsupported_content_encoding")
