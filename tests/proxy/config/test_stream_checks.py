"""``stream:`` sections are checked at load with messages that name the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from proxy.config.loader import load_config
from proxy.errors import ConfigError
from tests.conftest import write_config

BASE = """
vendor: bulk
upstream: https://bulk.example
routes:
  - method: POST
    path: /x
    request:
{request}
"""


def problems(tmp_path: Path, request: str) -> list[str]:
    text = BASE.format(request="\n".join("      " + line for line in request.splitlines()))
    try:
        load_config(write_config(tmp_path, {"bulk": text}))
    except ConfigError as exc:
        return exc.problems
    return []


@pytest.mark.parametrize(("request_yaml", "expected"), [
    ("stream: {kind: json_array, records: 'a.b[*]'}\nbody: {id: keep}", None),
    ("stream: {kind: json_array, records: 'contacts'}", "routes[0].request.stream.records:"),
    ("stream: {kind: ndjson, records: 'a[*]'}", "only json_array streams"),
    ("stream: {kind: ndjson, window: 64}", "stream.window: applies to kind: text only"),
    ("stream: {kind: ndjson, sse_data: text}", "apply to kind: sse only"),
    ("stream: {kind: text}\nbody: {$text: redact, other: keep}", "a text stream has one field"),
    ("stream: {kind: text}\nbody: {$text: mask}", "takes keep or redact"),
    ("stream: {kind: csv}", "kind"),
    ("stream: {kind: ndjson, on_record_error: skip}", "on_record_error"),
])
def test_stream_sections(tmp_path: Path, request_yaml: str, expected: str | None) -> None:
    found = problems(tmp_path, request_yaml)
    if expected is None:
        assert found == []
    else:
        assert any(expected in p for p in found), found
