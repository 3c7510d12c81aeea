"""Token formats, per-vendor scoping and encryption at rest (SQLite; Redis in the functional test)."""

from __future__ import annotations

from pathlib import Path

import pytest

from proxy.contract.models import FieldRule, TokenFormat
from proxy.enforce.minimize import PendingRedaction
from proxy.enforce.report import MessageReport
from proxy.enforce.transforms import TransformError
from proxy.policy.vault import SqliteVaultBackend, Vault, _luhn_ok, make_token, resolve_tokens

KEY = b"vault-secret-0123456789"


@pytest.mark.parametrize("value", ["4111 1111 1111 1111", "4111-1111-1111-1111", "4012888888881881"])
def test_digit_tokens_keep_shape_and_fail_luhn(value: str) -> None:
    for _ in range(20):
        token = make_token(value, TokenFormat.LAST4)
        assert len(token) == len(value) and token[-4:] == value[-4:] and token != value
        assert [c.isdigit() for c in token] == [c.isdigit() for c in value]
        assert not _luhn_ok("".join(c for c in token if c.isdigit()))


def test_opaque_and_too_short_values() -> None:
    token = make_token("anything", TokenFormat.OPAQUE)
    assert token.startswith("tok_") and len(token) == 30
    with pytest.raises(TransformError):
        make_token("12345", TokenFormat.DIGITS)
    with pytest.raises(TransformError):
        make_token("123456789", TokenFormat.LAST4)  # only 5 digits would be hidden


async def test_vault_is_scoped_per_vendor_and_encrypted(tmp_path: Path) -> None:
    path = tmp_path / "v.sqlite3"
    vault = Vault(SqliteVaultBackend(path), KEY)
    a1 = await vault.tokenize("a", "jane@example.com", TokenFormat.OPAQUE)
    assert await vault.tokenize("a", "jane@example.com", TokenFormat.OPAQUE) == a1
    b1 = await vault.tokenize("b", "jane@example.com", TokenFormat.OPAQUE)
    assert b1 != a1
    assert await vault.detokenize("a", a1) == "jane@example.com"
    assert await vault.detokenize("b", a1) is None
    assert await vault.detokenize("a", "tok_unknown") is None
    other_key = Vault(SqliteVaultBackend(path), b"another-secret-0123456789")
    assert await other_key.detokenize("a", a1) is None  # wrong key: no value
    await vault.close()
    await other_key.close()
    stored = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert b"jane@example.com" not in stored and a1.encode() in stored


async def test_resolve_tokens_fills_slots_and_leaves_redactions(tmp_path: Path) -> None:
    vault = Vault(SqliteVaultBackend(tmp_path / "v.sqlite3"), KEY)
    doc: dict = {"card": None, "note": None, "pin": None}
    rules = {"card": FieldRule(action="tokenize", format="last4"),  # type: ignore[arg-type]
             "note": FieldRule(action="redact"),  # type: ignore[arg-type]
             "pin": FieldRule(action="tokenize", format="digits")}  # type: ignore[arg-type]
    values = {"card": "4111111111111111", "note": "hi", "pin": "12"}
    pending = [PendingRedaction(doc, k, values[k], rules[k], f"body:{k}") for k in doc]
    report = MessageReport()
    rest = await resolve_tokens(vault, "acme", pending, report)
    assert [p.key for p in rest] == ["note"]
    assert doc["card"].endswith("1111") and doc["card"] != values["card"]
    assert "pin" not in doc and "body:pin" in report.wrong_shape
    assert report.transformed == {"body:card": "tokenize"}
    await vault.close()
