"""The data map page as text: everything escaped, no script, evidence optional."""

from __future__ import annotations

from pathlib import Path

from proxy.config.datamap import DataMap, build_datamap
from proxy.config.loader import load_config
from proxy.server.datamap_html import render_page, summarize
from proxy.server.datamap_page import CSP, live_warnings, session_value
from tests.conftest import write_config

CONTRACT = """
vendor: acme
description: "<script>alert(1)</script> & <img src=x onerror=alert(2)>"
upstream: https://api.acme.example
purposes: [support]
routes:
  - method: POST
    path: /v1/x
    request:
      body:
        "a<b": keep
"""


def _map(tmp_path: Path) -> DataMap:
    return build_datamap(load_config(write_config(tmp_path, {"acme": CONTRACT})))


def test_every_text_from_the_files_is_escaped(tmp_path: Path) -> None:
    html = render_page(_map(tmp_path), "2026-01-01T00:00:00+00:00")
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;img" in html
    assert "body:a&lt;b" in html
    assert 'href="/datamap.css"' in html and "<style>" not in html
    assert 'http-equiv="refresh"' not in html  # only the live page refreshes


def test_live_page_with_evidence_and_warnings(tmp_path: Path) -> None:
    data_map = _map(tmp_path)
    evidence = {"started": "s", "now": "n", "last_disclosure": {"acme": "t"},
                "since_start": {"exchanges": [["acme", "POST /v1/x", "forwarded", 2]],
                                "drift": [["acme", "POST /v1/x", "body:<key>", 1]],
                                "would_reject": [["acme", "invalid_json", 1]]},
                "last_24h": {"exchanges": [["acme", "POST /v1/x", "forwarded", 1]]}}
    summary = summarize(data_map, evidence)
    warnings = live_warnings(summary)
    assert any("body:<key>" in w for w in warnings)
    assert any("shadow mode would have refused 1" in w for w in warnings)
    html = render_page(data_map, "now", evidence, warnings, refresh_s=5)
    assert 'id="evidence"' in html and "2 <small>/ 1</small>" in html
    assert "body:&lt;key&gt;" in html and "<key>" not in html
    assert '<meta http-equiv="refresh" content="5">' in html


def test_the_session_cookie_is_not_the_token_and_csp_allows_no_script() -> None:
    token = b"an-admin-token-0123456789"
    assert session_value(token) != token.decode() and len(session_value(token)) == 64
    assert session_value(token) == session_value(token)
    assert "default-src 'none'" in CSP and "script" not in CSP and "unsafe" not in CSP
