"""``python -m proxy datamap``: csv, json and html from the files alone; the admin token."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from proxy.config.loader import load_config
from proxy.errors import ConfigError
from proxy.tools.cli import main
from proxy.tools.datamap_cli import admin_token, render
from tests.conftest import REPO, write_config

CONTRACT = """
vendor: acme
upstream: https://api.acme.example
purposes: [service_delivery]
region: eea
retention: 30 days
processing_agreement: DPA-1
routes:
  - method: POST
    path: /v1/orders
    request:
      body:
        email: {action: keep, category: user.contact.email}
"""


def _config(tmp_path: Path, contract: str = CONTRACT, proxy_yaml: str = "") -> Path:
    root = write_config(tmp_path, {"acme": contract}, proxy_yaml)
    shutil.copy(REPO / "config" / "policy.yaml", root / "policy.yaml")
    return root


def test_the_three_formats(tmp_path: Path) -> None:
    config = load_config(_config(tmp_path))
    rows = list(csv.DictReader(io.StringIO(render(config, "csv"))))
    assert [(r["recipient"], r["purpose"], r["retention"]) for r in rows] == [
        ("acme", "service_delivery", "30 days")]
    body = json.loads(render(config, "json", "2026-01-01T00:00:00+00:00"))
    assert body["contract_version"] == config.version and body["evidence"] is None
    html = render(config, "html")
    assert "<style>" in html and "/datamap.css" not in html and "<script" not in html
    assert "body:email" in html and "user.contact.email" in html


def test_exit_codes_output_file_and_warnings(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    root = _config(tmp_path)
    out = tmp_path / "map.csv"
    assert main(["datamap", "--config", str(root), "--output", str(out)]) == 0
    assert out.read_bytes().count(b"\r\n") == 2
    assert main(["datamap", "--config", str(root), "--fail-on-warnings"]) == 0  # none
    bare = _config(tmp_path / "bare", CONTRACT.replace("retention: 30 days\n", ""))
    assert main(["datamap", "--config", str(bare), "--format", "json"]) == 0
    assert main(["datamap", "--config", str(bare), "--fail-on-warnings"]) == 1
    assert "empty: retention" in capsys.readouterr().err
    assert main(["datamap", "--config", str(tmp_path / "missing")]) == 2


def test_admin_token(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert admin_token(load_config(_config(tmp_path))) is None
    root = _config(tmp_path / "t", proxy_yaml="admin: {token: {env: TEST_DATAMAP_TOKEN}}\n")
    monkeypatch.delenv("TEST_DATAMAP_TOKEN", raising=False)
    with pytest.raises(ConfigError, match="admin.token"):
        admin_token(load_config(root))
    monkeypatch.setenv("TEST_DATAMAP_TOKEN", "short")
    with pytest.raises(ConfigError, match="at least 16 bytes"):
        admin_token(load_config(root))
    monkeypatch.setenv("TEST_DATAMAP_TOKEN", "a-long-enough-admin-token")
    assert admin_token(load_config(root)) == b"a-long-enough-admin-token"
