"""The engine never reaches the network: model load and analysis work with sockets refused."""

from __future__ import annotations

import ipaddress
import socket
from pathlib import Path
from typing import Any

import pytest
import tldextract
import tldextract.tldextract

from recognizers.detector import Detector
from recognizers.offline import make_offline
from recognizers.settings import AnalyzerSettings
from recognizers.types import DetectionRequest


def _is_loopback(address: Any) -> bool:
    if isinstance(address, tuple) and address:
        host = str(address[0])
    elif isinstance(address, (str, bytes)):
        return True  # AF_UNIX path: local by definition
    else:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@pytest.fixture()
def network_attempts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Refuse and record every non-loopback connection or DNS lookup."""
    attempts: list[str] = []
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def guarded_connect(self: socket.socket, address: Any) -> None:
        if not _is_loopback(address):
            attempts.append(f"connect {address!r}")
            raise OSError("network disabled by test")
        real_connect(self, address)

    def guarded_connect_ex(self: socket.socket, address: Any) -> int:
        if not _is_loopback(address):
            attempts.append(f"connect_ex {address!r}")
            raise OSError("network disabled by test")
        return real_connect_ex(self, address)

    def guarded_create_connection(address: Any, *args: Any, **kwargs: Any) -> socket.socket:
        attempts.append(f"create_connection {address!r}")
        raise OSError("network disabled by test")

    def guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if not _is_loopback((host,)):
            attempts.append(f"getaddrinfo {host!r}")
            raise socket.gaierror("network disabled by test")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded_connect_ex)
    monkeypatch.setattr(socket, "create_connection", guarded_create_connection)
    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)
    return attempts


def test_detector_finds_email_without_network(
    network_attempts: list[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Start from tldextract's own online extractor as in a fresh process, with an empty cache
    # (a suffix list cached in ~/.cache by an earlier run would hide the download).
    online = tldextract.TLDExtract(cache_dir=str(tmp_path))
    monkeypatch.setattr(tldextract.tldextract, "TLD_EXTRACTOR", online)

    detector = Detector(AnalyzerSettings())
    [spans] = detector.analyze_batch(
        [DetectionRequest("Write to jane.doe@example.co.uk or bob@mail.example.org.")]
    )

    assert [s.entity_type for s in spans].count("EMAIL_ADDRESS") == 2
    assert network_attempts == []


def test_make_offline_is_idempotent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tldextract.tldextract, "TLD_EXTRACTOR", tldextract.TLDExtract())
    make_offline()
    extractor = tldextract.tldextract.TLD_EXTRACTOR
    make_offline()

    assert tldextract.tldextract.TLD_EXTRACTOR is extractor
    assert extractor.suffix_list_urls == ()
    assert extractor.fallback_to_snapshot


def test_guard_catches_tldextract_default(network_attempts: list[str]) -> None:
    """The guard is not vacuous: tldextract's default extractor does try the network."""
    online = tldextract.TLDExtract(cache_dir=None)
    online("jane.doe@example.com")

    assert network_attempts
