"""The form codec without sockets: decoding table, refusals, canonical encoding, list styles."""

from __future__ import annotations

import pytest

from proxy.codecs.base import CodecError
from proxy.codecs.form import FormCodec

DECODED = [
    (b"a=1&b=2", {"a": "1", "b": "2"}),
    (b"shipping[address][city]=Berlin", {"shipping": {"address": {"city": "Berlin"}}}),
    (b"items[0][price]=p1&items[0][qty]=2&items[1][price]=p2",
     {"items": [{"price": "p1", "qty": "2"}, {"price": "p2"}]}),
    (b"tags[]=a&tags[]=b", {"tags": ["a", "b"]}),
    (b"tags[0]=a&tags[1]=b", {"tags": ["a", "b"]}),
    (b"To=%2B1&To=%2B2", {"To": ["+1", "+2"]}),
    (b"s%73n=1", {"ssn": "1"}),
    (b"a%5Bb%5D=1", {"a": {"b": "1"}}),
    (b"a=x+y%2Bz", {"a": "x y+z"}),
    (b"a=1;b=2", {"a": "1;b=2"}),
    (b"flag", {"flag": ""}),
    (b"a=", {"a": ""}),
    (b"", {}),
    (b"a=b=c", {"a": "b=c"}),
    (b"m[x.y]=1", {"m": {"x.y": "1"}}),
]


@pytest.mark.parametrize(("body", "document"), DECODED)
def test_decode(body: bytes, document: dict) -> None:
    assert FormCodec().decode(body, {}, 16) == document


REFUSED = [b"a=%", b"a=%g0", b"%zz=1", b"a=%c3%28", b"a=1&a[b]=2", b"a[b]=1&a=2",
           b"a[0]=1&a[b]=2", b"a[]=1&a[0]=2", b"a=1&a=2&a[]=3", b"a[1]=x", b"a[01]=x",
           b"a]=1", b"a[=1", b"[a]=1", b"=1", b"a[b]c=1", b"a[][b]=1", b"a[b]=1&a[b]=2",
           b"a[0]=1&a[0]=2"]


@pytest.mark.parametrize("body", REFUSED)
def test_refused(body: bytes) -> None:
    with pytest.raises(CodecError):
        FormCodec().decode(body, {}, 16)


def test_depth_limit() -> None:
    with pytest.raises(CodecError) as exc:
        FormCodec().decode(b"a[b][c][d]=1", {}, 3)
    assert exc.value.reason == "form_too_deep"
    assert FormCodec().decode(b"a[b][c]=1", {}, 3) == {"a": {"b": {"c": "1"}}}


def test_round_trip_keeps_list_styles_and_is_canonical() -> None:
    codec = FormCodec()
    body = (b"To=%2B1&To=%2b2&expand[]=a&items[0][p]=x%7e&items[0][tags][]=t"
            b"&meta[note]=caf%C3%A9+%26+co")
    document = codec.decode(body, {}, 16)
    encoded, media = codec.encode(document)
    assert media == "application/x-www-form-urlencoded"
    assert encoded == (b"To=%2B1&To=%2B2&expand[]=a&items[0][p]=x~&items[0][tags][]=t"
                       b"&meta[note]=caf%C3%A9+%26+co")


def test_encode_after_minimization_renumbers_lists() -> None:
    codec = FormCodec()
    codec.decode(b"items[0][p]=1&items[1][p]=2", {}, 16)
    # The first element was dropped by the contract: the second becomes items[0].
    assert codec.encode({"items": [{"p": "2"}]})[0] == b"items[0][p]=2"


def test_encode_scalars_of_other_types() -> None:
    assert FormCodec().encode({"a": True, "b": 3, "c": None, "d": {}, "e": []})[0] == (
        b"a=true&b=3&c=")


def test_accepts_only_utf8() -> None:
    codec = FormCodec()
    assert codec.accepts("application/x-www-form-urlencoded", {})
    assert codec.accepts("application/x-www-form-urlencoded", {"charset": "UTF-8"})
    assert not codec.accepts("application/x-www-form-urlencoded", {"charset": "latin-1"})
    assert not codec.accepts("application/json", {})
