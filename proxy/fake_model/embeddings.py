"""OpenAI Embeddings (``POST /v1/embeddings``): one deterministic vector per input, derived
from a hash of it, as floats or (the SDK's default) base64 of little-endian float32."""

from __future__ import annotations

import base64
import hashlib
import json
import math
import struct
from typing import Any

from aiohttp import web

from proxy.fake_model.core import BadRequest, Knobs, word_count

DIMENSIONS = 8
MAX_DIMENSIONS = 4096


def inputs(value: Any) -> list[str | list[int]]:
    """The inputs of a request: a string, strings, one token array, or token arrays."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and value and all(isinstance(v, int) for v in value):
        return [value]
    if isinstance(value, list) and value and all(isinstance(v, (str, list)) for v in value):
        return list(value)
    raise BadRequest("input must be a string, a list of strings or token arrays")


def vector(item: str | list[int], dimensions: int) -> list[float]:
    """A unit vector of ``dimensions`` floats from SHA-256 of the input (stable across runs)."""
    seed = item.encode() if isinstance(item, str) else json.dumps(item).encode()
    raw = b""
    counter = 0
    while len(raw) < 4 * dimensions:
        raw += hashlib.sha256(seed + counter.to_bytes(4, "big")).digest()
        counter += 1
    values = [n / 2**31 - 1.0 for n in struct.unpack(f">{dimensions}I", raw[:4 * dimensions])]
    norm = math.sqrt(sum(v * v for v in values)) or 1.0
    # Rounded through float32, so the float and base64 encodings give the same numbers.
    return list(struct.unpack(f"<{dimensions}f", struct.pack(f"<{dimensions}f",
                                                            *(v / norm for v in values))))


def encoded(values: list[float], encoding: str) -> list[float] | str:
    if encoding == "base64":
        return base64.b64encode(struct.pack(f"<{len(values)}f", *values)).decode()
    return values


async def handle(request: web.Request, body: dict[str, Any], knobs: Knobs) -> web.StreamResponse:
    items = inputs(body.get("input"))
    dimensions = body.get("dimensions") or DIMENSIONS
    if not isinstance(dimensions, int) or not 1 <= dimensions <= MAX_DIMENSIONS:
        raise BadRequest(f"dimensions must be an integer from 1 to {MAX_DIMENSIONS}")
    encoding = str(body.get("encoding_format") or "float")
    data = [{"object": "embedding", "index": index,
             "embedding": encoded(vector(item, dimensions), encoding)}
            for index, item in enumerate(items)]
    tokens = sum(len(item) if isinstance(item, list) else word_count([item]) for item in items)
    return web.json_response({"object": "list", "data": data,
                              "model": str(body.get("model") or "fake-embedding"),
                              "usage": {"prompt_tokens": tokens, "total_tokens": tokens}})
