"""``text/plain`` bodies as one free-text field named ``$text``.

A route that takes plain text lists ``content_types: [text]`` and governs the whole body with the
selector ``$text`` (``body: {$text: redact}``); without it the body is dropped (default deny) and
an empty body is sent. Only UTF-8 (or its subset US-ASCII) is accepted.
"""

from __future__ import annotations

from typing import Any

from proxy.codecs.base import CodecError

TEXT_KEY = "$text"
TEXT_MEDIA_TYPE = "text/plain"


class TextCodec:
    """The body as ``{"$text": "..."}`` and back."""

    name = "text"

    def accepts(self, media_type: str, params: dict[str, str]) -> bool:
        return media_type == TEXT_MEDIA_TYPE and params.get("charset", "utf-8").lower() in (
            "utf-8", "utf8", "us-ascii")

    def decode(self, body: bytes, params: dict[str, str], max_depth: int) -> dict[str, Any]:
        try:
            return {TEXT_KEY: body.decode("utf-8")}
        except UnicodeDecodeError:
            raise CodecError("the text body is not valid UTF-8", "invalid_text") from None

    def encode(self, document: Any) -> tuple[bytes, str]:
        value = document.get(TEXT_KEY) if isinstance(document, dict) else None
        text = "" if value is None else str(value)
        return text.encode("utf-8"), "text/plain; charset=utf-8"
