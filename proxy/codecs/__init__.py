"""Body codecs: turn a body into a document the contract can walk, and back into bytes.

A route lists the codecs it accepts (``content_types: [json]``, the default); the codec is chosen
by the request's ``Content-Type`` among those, never by sniffing the body. Every codec parses
strictly and re-encodes from the checked document: the received bytes are never forwarded.

To add a codec: implement ``BodyCodec`` in a module of this package and register it in
``CODECS``. A codec that keeps state between decode and encode (form list styles, multipart
files) also has ``bind(contract, report)``, which returns a fresh instance for one message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from proxy.codecs.base import BodyCodec, CodecError, parse_media_type
from proxy.codecs.form import FormCodec
from proxy.codecs.json import JsonCodec
from proxy.codecs.multipart import MultipartCodec, UnsupportedPart
from proxy.codecs.text import TEXT_KEY, TextCodec

if TYPE_CHECKING:
    from proxy.contract.models import MessageContract
    from proxy.enforce.report import MessageReport

CODECS: dict[str, BodyCodec] = {
    "json": JsonCodec(),
    "form": FormCodec(),  # application/x-www-form-urlencoded, bracket nesting
    "multipart": MultipartCodec(),  # multipart/form-data; files per the route's `files`
    "text": TextCodec(),  # text/plain as the single field $text
}


def bind_codec(
    codec: BodyCodec, contract: MessageContract, report: MessageReport
) -> BodyCodec:
    """The codec instance for one message.

    Codecs that keep state between decode and encode (form list styles, multipart files) have a
    ``bind(contract, report)`` method returning a fresh instance; the others are shared.
    """
    bind = getattr(codec, "bind", None)
    return bind(contract, report) if bind is not None else codec  # type: ignore[no-any-return]


def find_codec(names: tuple[str, ...], content_type: str | None) -> BodyCodec | None:
    """The first of the route's codecs that accepts this Content-Type, or None."""
    if not content_type:
        return None
    media, params = parse_media_type(content_type)
    return find_parsed_codec(names, media, params)


def find_parsed_codec(names: tuple[str, ...], media: str,
                      params: dict[str, str]) -> BodyCodec | None:
    """``find_codec`` for a Content-Type already split by ``parse_media_type``."""
    for name in names:
        codec = CODECS.get(name)
        if codec is not None and codec.accepts(media, params):
            return codec
    return None


__all__ = ["CODECS", "TEXT_KEY", "BodyCodec", "CodecError", "UnsupportedPart", "bind_codec",
           "find_codec", "find_parsed_codec", "parse_media_type"]
