"""``application/json`` and ``application/*+json`` in UTF-8, parsed by ``strict_json``."""

from __future__ import annotations

from typing import Any

from proxy.codecs.base import CodecError
from proxy.codecs.strict_json import JsonRejected, dump_json, parse_json


class JsonCodec:
    """Strict JSON in, canonical JSON out."""

    name = "json"

    def accepts(self, media_type: str, params: dict[str, str]) -> bool:
        if media_type != "application/json" and not (
            media_type.startswith("application/") and media_type.endswith("+json")
        ):
            return False
        # JSON is UTF-8 (RFC 8259); another declared charset is a confusion we refuse.
        return params.get("charset", "utf-8").lower() in ("utf-8", "utf8")

    def decode(self, body: bytes, params: dict[str, str], max_depth: int) -> Any:
        try:
            return parse_json(body, max_depth)
        except JsonRejected as exc:
            raise CodecError(str(exc), exc.reason) from None

    def encode(self, document: Any) -> tuple[bytes, str]:
        return dump_json(document), "application/json"
