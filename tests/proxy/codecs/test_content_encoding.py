"""Content-Encoding decoding with limits, without sockets."""

from __future__ import annotations

import gzip
import zlib

import brotli
import pytest
from backports import zstd

from proxy.codecs.content_encoding import (
    EncodingRejected,
    check_response_encoding,
    decode_body,
    parse_codings,
    request_error,
)
from proxy.errors import UpstreamError

DATA = b'{"a": "hello"}' * 50


def raw_deflate(data: bytes) -> bytes:
    c = zlib.compressobj(wbits=-15)
    return c.compress(data) + c.flush()


@pytest.mark.parametrize(("coding", "encoded"), [
    ("gzip", gzip.compress(DATA)),
    ("x-gzip", gzip.compress(DATA)),
    ("deflate", zlib.compress(DATA)),
    ("deflate", raw_deflate(DATA)),
    ("br", brotli.compress(DATA)),
    ("zstd", zstd.compress(DATA)),
    ("identity", DATA),
    ("gzip, br", brotli.compress(gzip.compress(DATA))),
])
def test_decodes(coding: str, encoded: bytes) -> None:
    assert decode_body(encoded, parse_codings([coding]), 1 << 20) == DATA


@pytest.mark.parametrize("coding", ["compress", "gzip, gzip, gzip", "snappy"])
def test_unsupported(coding: str) -> None:
    with pytest.raises(EncodingRejected) as exc:
        parse_codings([coding])
    assert exc.value.kind == "unsupported"
    assert request_error(exc.value).status == 415


@pytest.mark.parametrize(("coding", "encoded"), [
    ("gzip", gzip.compress(DATA)[:-9]),  # truncated
    ("gzip", gzip.compress(DATA) + b"junk"),  # trailing bytes
    ("gzip", gzip.compress(DATA) * 2),  # a second member
    ("gzip", b"not gzip at all"),
    ("deflate", b"\x78\x9c broken"),
    ("br", brotli.compress(DATA)[:-3]),
    ("br", b"\xff\xff\xff"),
    ("zstd", zstd.compress(DATA)[:-4]),
    ("zstd", zstd.compress(DATA) + b"x"),
])
def test_corrupt(coding: str, encoded: bytes) -> None:
    with pytest.raises(EncodingRejected) as exc:
        decode_body(encoded, parse_codings([coding]), 1 << 20)
    assert exc.value.kind == "corrupt"
    assert request_error(exc.value).status == 400


@pytest.mark.parametrize("compress", [gzip.compress, zlib.compress, brotli.compress,
                                      zstd.compress])
def test_bombs_stop_at_the_limit(compress) -> None:  # type: ignore[no-untyped-def]
    bomb = compress(b"\0" * (4 << 20))
    coding = {gzip.compress: "gzip", zlib.compress: "deflate", brotli.compress: "br",
              zstd.compress: "zstd"}[compress]
    with pytest.raises(EncodingRejected) as exc:  # by size
        decode_body(bomb, [coding], 1 << 20)
    assert exc.value.kind == "too_large" and request_error(exc.value).status == 413
    with pytest.raises(EncodingRejected):  # by ratio, far below the size limit
        decode_body(compress(b"\0" * (2 << 20)), [coding], 64 << 20)


def test_small_repetitive_bodies_pass_the_ratio_floor() -> None:
    assert decode_body(gzip.compress(b" " * 60000), ["gzip"], 1 << 20) == b" " * 60000


def test_response_labels() -> None:
    for ok in ([], ["gzip"], ["identity"], ["br"], ["deflate"], ["GZIP"]):
        check_response_encoding(ok)
    for bad in (["gzip, br"], ["compress"], ["gzip", "br"], ["x-gzip"]):
        with pytest.raises(UpstreamError):
            check_response_encoding(bad)
