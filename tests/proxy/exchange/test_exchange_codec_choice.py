"""The exchange's shortcut for plain JSON Content-Types picks what the codec lookup picks."""

from __future__ import annotations

import itertools

import pytest

from proxy.codecs import CODECS, find_parsed_codec, parse_media_type
from proxy.exchange.steps import JSON_CODEC as _JSON_CODEC
from proxy.exchange.steps import PLAIN_JSON as _PLAIN_JSON

ROUTE_CODECS = [names for n in range(1, len(CODECS) + 1)
                for names in itertools.permutations(CODECS, n)]


@pytest.mark.parametrize("content_type", sorted(_PLAIN_JSON))
@pytest.mark.parametrize("names", ROUTE_CODECS)
def test_plain_json_shortcut_agrees_with_find_parsed_codec(content_type: str,
                                                           names: tuple[str, ...]) -> None:
    media, params = parse_media_type(content_type)
    expected = find_parsed_codec(names, media, params)
    shortcut = _JSON_CODEC if "json" in names else None
    assert shortcut is expected
