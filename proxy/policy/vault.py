"""The token vault: reversible tokens for ``tokenize`` / ``detokenize``, encrypted at rest.

A value sent to a vendor under ``tokenize`` is replaced by a token; the vault keeps the value,
encrypted with AES-256-GCM under a key derived from the vault secret (``secrets.vault_key``, from
the environment or a file). The token and the vendor are the GCM associated data, so a
ciphertext moved to another token or vendor does not decrypt. Tokens are scoped per vendor: the
same value gets the same token for one vendor (it can still join its records) and a different,
unrelated one for another; a vendor's token never detokenizes for another vendor.

Formats: ``opaque`` (``tok_`` + 26 random base32 characters), ``digits`` (each digit replaced by
a random digit, length and separators kept, so format checks downstream still pass) and
``last4`` (like ``digits``, keeping the last four digits for display). Digit tokens of a
Luhn-valid value are drawn until they fail the Luhn check, so a token is never mistaken for a
real card number. Both backends (SQLite, Redis) only see HMAC indexes, tokens and ciphertexts.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import sqlite3
from pathlib import Path
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from proxy.contract.models import Action, TokenFormat
from proxy.enforce.minimize import PendingRedaction
from proxy.enforce.report import MessageReport
from proxy.enforce.transforms import TransformError
from proxy.policy.stores import RedisTarget, SqliteDatabase, StoreUnavailable, redis_call

_MIN_RANDOM_DIGITS = 6  # fewer would make tokens guessable and collide quickly
_ATTEMPTS = 20


class VaultBackend(Protocol):
    async def token_for(self, vendor: str, index: str) -> str | None: ...

    async def sealed_value(self, vendor: str, token: str) -> bytes | None: ...

    async def put(self, vendor: str, index: str, token: str, sealed: bytes) -> str | None:
        """Store a new token; return the token now bound to ``index`` (another writer's if it
        won a race), or None when ``token`` is already taken by another value."""
        ...

    async def close(self) -> None: ...


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2 == 1:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def make_token(value: str, fmt: TokenFormat) -> str:
    """A fresh random token for ``value`` in ``fmt``; TransformError if the value cannot have
    one (too few digits to hide)."""
    if fmt is TokenFormat.OPAQUE:
        return "tok_" + base64.b32encode(os.urandom(16)).decode().rstrip("=").lower()
    positions = [i for i, ch in enumerate(value) if ch.isascii() and ch.isdigit()]
    keep = 4 if fmt is TokenFormat.LAST4 else 0
    random_positions = positions[: len(positions) - keep] if keep else positions
    if len(random_positions) < _MIN_RANDOM_DIGITS:
        raise TransformError(f"{fmt.value} tokens need at least {_MIN_RANDOM_DIGITS + keep} "
                             "digits")
    original_digits = "".join(value[i] for i in positions)
    luhn = len(positions) >= 12 and _luhn_ok(original_digits)
    for _ in range(_ATTEMPTS):
        chars = list(value)
        for i in random_positions:
            chars[i] = secrets.choice("0123456789")
        token = "".join(chars)
        digits = "".join(token[i] for i in positions)
        if token != value and not (luhn and _luhn_ok(digits)):
            return token
    raise TransformError("no token could be drawn")


class Vault:
    """Tokenize and detokenize, per vendor."""

    def __init__(self, backend: VaultBackend, secret: bytes) -> None:
        if len(secret) < 16:
            raise ValueError("the vault key must be at least 16 bytes")

        def derive(info: bytes) -> bytes:
            return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(secret)

        self._aead = AESGCM(derive(b"privacy-sidecar vault/v1 encryption"))
        self._index_key = derive(b"privacy-sidecar vault/v1 index")
        self._backend = backend

    def _index(self, vendor: str, fmt: TokenFormat, value: str) -> str:
        data = f"{vendor}\0{fmt.value}\0{value}".encode()
        return hmac.new(self._index_key, data, hashlib.sha256).hexdigest()

    def _seal(self, vendor: str, token: str, value: str) -> bytes:
        nonce = os.urandom(12)
        return nonce + self._aead.encrypt(nonce, value.encode(), f"{vendor}\0{token}".encode())

    async def tokenize(self, vendor: str, value: str, fmt: TokenFormat) -> str:
        index = self._index(vendor, fmt, value)
        existing = await self._backend.token_for(vendor, index)
        if existing is not None:
            return existing
        for _ in range(_ATTEMPTS):
            token = make_token(value, fmt)
            bound = await self._backend.put(vendor, index, token, self._seal(vendor, token, value))
            if bound is not None:
                return bound
        raise TransformError("no free token could be found")

    async def detokenize(self, vendor: str, token: str) -> str | None:
        """The value behind ``token`` for this vendor, or None (unknown, or not this vendor's)."""
        sealed = await self._backend.sealed_value(vendor, token)
        if sealed is None or len(sealed) < 13:
            return None
        try:
            plain = self._aead.decrypt(sealed[:12], sealed[12:], f"{vendor}\0{token}".encode())
        except InvalidTag:
            return None
        return plain.decode()

    async def close(self) -> None:
        await self._backend.close()


_SCHEMA = """
CREATE TABLE IF NOT EXISTS vault_tokens (
    vendor TEXT NOT NULL,
    token TEXT NOT NULL,
    sealed BLOB NOT NULL,        -- nonce + AES-GCM ciphertext of the value
    PRIMARY KEY (vendor, token)
);
CREATE TABLE IF NOT EXISTS vault_index (
    vendor TEXT NOT NULL,
    value_index TEXT NOT NULL,   -- HMAC of the value: finds the existing token, reveals nothing
    token TEXT NOT NULL,
    PRIMARY KEY (vendor, value_index)
);
"""


class SqliteVaultBackend:
    def __init__(self, path: str | Path) -> None:
        self._db = SqliteDatabase(path, _SCHEMA)

    async def token_for(self, vendor: str, index: str) -> str | None:
        row = await self._db.run(lambda c: c.execute(
            "SELECT token FROM vault_index WHERE vendor = ? AND value_index = ?",
            (vendor, index)).fetchone())
        return row[0] if row else None

    async def sealed_value(self, vendor: str, token: str) -> bytes | None:
        row = await self._db.run(lambda c: c.execute(
            "SELECT sealed FROM vault_tokens WHERE vendor = ? AND token = ?",
            (vendor, token)).fetchone())
        return bytes(row[0]) if row else None

    async def put(self, vendor: str, index: str, token: str, sealed: bytes) -> str | None:
        def write(conn: sqlite3.Connection) -> str | None:
            conn.execute("BEGIN IMMEDIATE")
            try:
                row = conn.execute("SELECT token FROM vault_index WHERE vendor = ? AND "
                                   "value_index = ?", (vendor, index)).fetchone()
                if row:
                    return str(row[0])
                try:
                    conn.execute("INSERT INTO vault_tokens VALUES (?, ?, ?)",
                                 (vendor, token, sealed))
                except sqlite3.IntegrityError:
                    return None
                conn.execute("INSERT INTO vault_index VALUES (?, ?, ?)", (vendor, index, token))
                return token
            finally:
                conn.execute("COMMIT")

        return await self._db.run(write)

    async def close(self) -> None:
        self._db.close()


class RedisVaultBackend:
    """``vault:tok:<vendor>:<token>`` -> sealed value; ``vault:idx:<vendor>:<hmac>`` -> token."""

    def __init__(self, target: RedisTarget) -> None:
        self._redis = target

    async def token_for(self, vendor: str, index: str) -> str | None:
        raw = await redis_call(self._redis.client.get(self._redis.key("vault", "idx", vendor,
                                                                      index)))
        return raw.decode() if raw is not None else None

    async def sealed_value(self, vendor: str, token: str) -> bytes | None:
        raw = await redis_call(self._redis.client.get(self._redis.key("vault", "tok", vendor,
                                                                      token)))
        return bytes(raw) if raw is not None else None

    async def put(self, vendor: str, index: str, token: str, sealed: bytes) -> str | None:
        client = self._redis.client
        if not await redis_call(client.set(self._redis.key("vault", "tok", vendor, token),
                                           sealed, nx=True)):
            return None
        idx_key = self._redis.key("vault", "idx", vendor, index)
        if await redis_call(client.set(idx_key, token, nx=True)):
            return token
        # Another replica bound this value first: use its token, drop ours.
        await redis_call(client.delete(self._redis.key("vault", "tok", vendor, token)))
        raw = await redis_call(client.get(idx_key))
        return raw.decode() if raw is not None else None

    async def close(self) -> None:
        pass


VAULT_ACTIONS = frozenset({Action.TOKENIZE, Action.DETOKENIZE})


def _remove(item: PendingRedaction) -> None:
    container, key = item.container, item.key
    if isinstance(container, dict):
        container.pop(str(key), None)
    elif len(container) == 2 and key == 1 and isinstance(container[0], str):
        container[1] = ""  # a query pair [name, value]: the value goes, the name stays
    else:
        container[int(key)] = None  # a list slot: null keeps the other positions valid


async def resolve_tokens(
    vault: Vault | None, vendor: str, pending: list[PendingRedaction], report: MessageReport
) -> list[PendingRedaction]:
    """Fill the tokenize / detokenize slots of a message; return the rest (for detection).

    A value that cannot be tokenized (too few digits for its format) and a response value that
    is not a token of this vendor are removed and audited as dropped: nothing passes unchecked.
    """
    rest: list[PendingRedaction] = []
    for item in pending:
        action = item.rule.action
        if action not in VAULT_ACTIONS:
            rest.append(item)
            continue
        if vault is None:  # build_app opens the vault whenever a contract tokenizes
            raise StoreUnavailable("no token vault is configured; nothing was forwarded")
        if action is Action.TOKENIZE:
            try:
                result: str | None = await vault.tokenize(
                    vendor, item.text, item.rule.format or TokenFormat.OPAQUE)
            except TransformError:
                result = None
        else:
            result = await vault.detokenize(vendor, item.text)
        if result is None:
            _remove(item)
            report.shape_mismatch(item.path)
            continue
        item.container[item.key] = result  # type: ignore[index]
        report.transform(item.path, action.value)
    return rest
