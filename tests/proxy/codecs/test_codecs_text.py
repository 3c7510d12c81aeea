"""The text codec: the whole body is the field $text."""

from __future__ import annotations

import pytest

from proxy.codecs.base import CodecError
from proxy.codecs.text import TextCodec


def test_round_trip() -> None:
    codec = TextCodec()
    assert codec.decode("caf\u00e9".encode(), {}, 1) == {"$text": "caf\u00e9"}
    assert codec.encode({"$text": "x"}) == (b"x", "text/plain; charset=utf-8")
    assert codec.encode({}) == (b"", "text/plain; charset=utf-8")


def test_refuses_other_charsets_and_bad_utf8() -> None:
    codec = TextCodec()
    assert codec.accepts("text/plain", {}) and codec.accepts("text/plain", {"charset": "utf-8"})
    assert not codec.accepts("text/plain", {"charset": "latin-1"})
    assert not codec.accepts("text/html", {})
    with pytest.raises(CodecError):
        codec.decode(b"\xff", {}, 1)
