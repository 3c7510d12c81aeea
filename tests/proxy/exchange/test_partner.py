"""Partner identity: CN matching of client certificates, API key comparison."""

from __future__ import annotations

import datetime
import ssl
from pathlib import Path

import pytest

from proxy.exchange.partner import PartnerIdentities, partner_for_cert, peer_common_names

BY_CN = {"analytics.partner.example": "analytics", "bi.partner.example": "bi"}


def peercert(*rdns: tuple[tuple[str, str], ...]) -> dict:
    return {"subject": rdns, "issuer": ((("commonName", "Partner CA"),),)}


def test_single_cn_matches_its_partner() -> None:
    cert = peercert((("countryName", "DE"),), (("organizationName", "Analytics GmbH"),),
                    (("commonName", "analytics.partner.example"),))
    assert peer_common_names(cert) == ["analytics.partner.example"]
    assert partner_for_cert(cert, BY_CN) == "analytics"


@pytest.mark.parametrize("cert", [
    None,
    {},
    peercert((("organizationName", "analytics.partner.example"),)),       # no CN
    peercert((("commonName", "ANALYTICS.partner.example"),)),             # exact compare
    peercert((("commonName", "analytics.partner.example.evil"),)),
    peercert((("commonName", "analytics.partner.example"),),
             (("commonName", "bi.partner.example"),)),                    # ambiguous
])
def test_no_or_unknown_or_ambiguous_cn_matches_nobody(cert) -> None:
    assert partner_for_cert(cert, BY_CN) is None


def test_issuer_cn_is_not_the_subject() -> None:
    cert = {"subject": ((("organizationName", "x"),),),
            "issuer": ((("commonName", "analytics.partner.example"),),)}
    assert partner_for_cert(cert, BY_CN) is None


def test_api_key_lookup_is_exact() -> None:
    ids = PartnerIdentities([(b"k" * 20, "a"), (b"j" * 20, "b")], {}, "x-api-key")
    assert ids.by_api_key("k" * 20) == "a"
    assert ids.by_api_key("j" * 20) == "b"
    assert ids.by_api_key("k" * 19) is None
    assert ids.by_api_key("") is None and ids.by_api_key(None) is None


def test_cn_of_a_real_certificate(tmp_path: Path) -> None:
    """A generated certificate, decoded by the ssl module as the listener would see it."""
    x509 = pytest.importorskip("cryptography.x509")
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Analytics GmbH"),
                      x509.NameAttribute(NameOID.COMMON_NAME, "analytics.partner.example")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=1))
            .not_valid_after(now + datetime.timedelta(days=1)).sign(key, hashes.SHA256()))
    pem = tmp_path / "client.pem"
    pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    decoded = ssl._ssl._test_decode_cert(str(pem))  # type: ignore[attr-defined]
    assert partner_for_cert(decoded, BY_CN) == "analytics"
