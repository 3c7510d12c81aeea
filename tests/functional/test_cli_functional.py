"""The command line as a user runs it: check, serve, refuse to start, shut down on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import aiohttp
import orjson
import pytest

from proxy.testing import RecordingVendor
from tests.conftest import REPO, serve_subprocess, write_config

pytestmark = pytest.mark.functional

BAD = """
vendor: acme
upstream: https://api.acme.example
routes:
  - method: POST
    path: /v1/things
    request:
      body:
        note: redcat
"""


def run_cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "proxy", *args], cwd=REPO, capture_output=True,
                          text=True, timeout=timeout)


def test_check_accepts_the_sample_config() -> None:
    result = run_cli("check", "--config", "config")
    assert result.returncode == 0, result.stderr
    assert "OK: 8 vendor contract(s)" in result.stdout


def test_check_names_file_vendor_key_and_fix(tmp_path: Path) -> None:
    write_config(tmp_path, {"acme": BAD})
    result = run_cli("check", "--config", str(tmp_path))
    assert result.returncode == 2  # INVALID_CONFIG, as for serve
    assert (f"{tmp_path}/vendors/acme.yaml: vendor 'acme': routes[0].request.body.note.action: "
            "unknown action 'redcat'; use one of") in result.stderr


def test_serve_refuses_an_invalid_contract(tmp_path: Path) -> None:
    write_config(tmp_path, {"acme": BAD})
    result = run_cli("serve", "--config", str(tmp_path), "--port", "0")
    assert result.returncode == 2
    assert "refusing to start" in result.stderr and "redcat" in result.stderr


def test_serve_refuses_without_the_pseudonymization_secret(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PROXY_PSEUDONYMIZE_KEY"}
    result = subprocess.run([sys.executable, "-m", "proxy", "serve", "--config", "config"],
                            cwd=REPO, capture_output=True, text=True, timeout=60, env=env)
    assert result.returncode == 2
    assert "PROXY_PSEUDONYMIZE_KEY" in result.stderr


async def test_serve_forwards_audits_and_stops_on_sigterm(tmp_path: Path) -> None:
    vendor = await RecordingVendor().start()
    audit_file = tmp_path / "audit.jsonl"
    config = tmp_path / "cfg"
    config.mkdir()
    (config / "vendors").symlink_to(REPO / "config" / "vendors")
    (config / "proxy.yaml").write_text(
        f"analyzer: {{workers: 1}}\naudit: {{sink: {audit_file}}}\n"
    )
    proc, entry = await serve_subprocess(config, vendor.url, stdout=asyncio.subprocess.PIPE)
    try:
        port = int(entry["listen"].rsplit(":", 1)[1])
        assert entry["startup_s"] > 0
        async with aiohttp.ClientSession() as session:
            resp = await session.get(f"http://127.0.0.1:{port}/_/readyz")
            assert resp.status == 200
            resp = await session.post(
                f"http://127.0.0.1:{port}/helpdesk/api/v2/tickets",
                json={"ticket": {"subject": "Refund for Jolene Brightwater",
                                 "comment": {"body": "My SSN is 078-05-1120, card 4111 1111 "
                                                     "1111 1111"},
                                 "requester": {"name": "Jolene Brightwater",
                                               "email": "jolene@example.com"},
                                 "external_id": "user-991", "internal_score": 7}},
            )
            assert resp.status == 200
        got = vendor.received[0].json()["ticket"]
        assert "078-05-1120" not in got["comment"]["body"]
        assert "4111" not in got["comment"]["body"]
        assert "internal_score" not in got and got["external_id"].startswith("psn_")
        proc.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(proc.wait(), 30) == 0
        _, stderr = await proc.communicate()
        intent, record = [orjson.loads(x) for x in audit_file.read_bytes().splitlines()]
        assert intent["phase"] == "intent" and record["phase"] == "complete"
        assert intent["exchange_id"] == record["exchange_id"]  # written before, joined after
        assert record["vendor"] == "helpdesk" and record["status"] == 200
        for text in (audit_file.read_text(), stderr.decode()):
            for value in ("078-05-1120", "4111", "Brightwater", "user-991"):
                assert value not in text
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        await vendor.stop()


def test_serve_names_a_port_in_use_and_the_setting_to_change(tmp_path: Path) -> None:
    """A second proxy on one machine: one line, no traceback."""
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        write_config(tmp_path, {"acme": BAD.replace("redcat", "keep")},
                     f"analyzer: {{workers: 1}}\nadmin: {{port: {port}}}\n")
        result = run_cli("serve", "--config", str(tmp_path), "--port", "0",
                         "--admin-port", str(port), timeout=120)
    assert result.returncode == 1
    [line] = [x for x in result.stderr.splitlines() if x.startswith("error:")]
    assert f"admin listener on 127.0.0.1:{port}" in line and "admin.port" in line
    assert "Traceback" not in result.stderr
