"""Body codecs: turn a body into a document the contract can walk, and back into bytes.

A route lists the codecs it accepts (``content_types: [json]``, the default); the codec is chosen
by the request's ``Content-Type`` among those, never by sniffing the body. Every codec parses
strictly and re-encodes from the checked document: the received bytes are never forwarded.

To add a codec: implement ``BodyCodec`` in a module of this package and register it in
``CODECS``.
"""

from __future__ import annotations

from proxy.codecs.base import BodyCodec, CodecError, parse_media_type
from proxy.codecs.json import JsonCodec

CODECS: dict[str, BodyCodec] = {
    "json": JsonCodec(),
}


def find_codec(names: tuple[str, ...], content_type: str | None) -> BodyCodec | None:
    """The first of the route's codecs that accepts this Content-Type, or None."""
    if not content_type:
        return None
    media, params = parse_media_type(content_type)
    for name in names:
        codec = CODECS.get(name)
        if codec is not None and codec.accepts(media, params):
            return codec
    return None


__all__ = ["CODECS", "BodyCodec", "CodecError", "find_codec", "parse_media_type"]
