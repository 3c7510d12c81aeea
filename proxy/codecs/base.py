"""The codec interface and media-type parsing shared by all codecs."""

from __future__ import annotations

from typing import Any, Protocol


class CodecError(ValueError):
    """A body the codec refuses; ``reason`` is a stable code and the message names no value."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


def parse_media_type(content_type: str) -> tuple[str, dict[str, str]]:
    """``"Application/JSON; charset=UTF-8"`` -> ``("application/json", {"charset": "utf-8"})``."""
    media, _, rest = content_type.partition(";")
    params: dict[str, str] = {}
    for part in rest.split(";"):
        name, sep, value = part.strip().partition("=")
        if sep:
            params[name.strip().lower()] = value.strip().strip('"')
    return media.strip().lower(), params


class BodyCodec(Protocol):
    """Decode a body into a document (objects, lists, scalars) and encode one back."""

    name: str

    def accepts(self, media_type: str, params: dict[str, str]) -> bool:
        """Whether this codec parses bodies labelled with this media type and parameters."""
        ...

    def decode(self, body: bytes, params: dict[str, str], max_depth: int) -> Any:
        """The document; raise CodecError for anything not accepted."""
        ...

    def encode(self, document: Any) -> tuple[bytes, str]:
        """The body bytes and the Content-Type to send with them."""
        ...
