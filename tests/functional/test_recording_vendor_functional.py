"""The recording vendor (proxy/testing.py) keeps every header line: leak checks rely on it."""

from __future__ import annotations

import pytest

from proxy.testing import RecordingVendor
from tests.functional.raw_http import raw_request

pytestmark = pytest.mark.functional


async def test_every_header_line_is_kept_in_order_with_repeats(vendor: RecordingVendor) -> None:
    lines = [(b"X-Copy", b"first"), (b"Cookie", b"a=1"), (b"x-copy", b"second@example.com"),
             (b"Cookie", b"b=2"), (b"X-Bytes", b"caf\xe9")]

    answer = await raw_request(vendor.url, "/v1/m", lines, b"{}")

    assert answer.status == 200
    [received] = vendor.received
    assert [line for line in received.header_lines if line[0] in ("x-copy", "cookie")] == [
        ("x-copy", "first"), ("cookie", "a=1"), ("x-copy", "second@example.com"),
        ("cookie", "b=2")]
    assert received.getall("X-Copy") == ["first", "second@example.com"]
    # One value per name: a repeated name shows every copy, so comparing one value fails.
    assert received.headers["x-copy"] == "first, second@example.com"
    assert received.headers["cookie"] == "a=1, b=2"
    everything = vendor.all_bytes()
    assert b"x-copy: first" in everything and b"x-copy: second@example.com" in everything
    assert b"x-bytes: caf\xe9" in everything  # bytes that are not UTF-8 come back as sent
