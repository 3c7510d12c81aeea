"""Read the proxy's own secrets from the environment or mounted files (never from YAML)."""

from __future__ import annotations

import os
from pathlib import Path

from proxy.contract.settings import SecretSource


class SecretMissing(LookupError):
    """The secret is not where the settings say; the message says where we looked."""


def read_secret(source: SecretSource) -> bytes:
    """The secret's bytes (a trailing newline of a file is removed)."""
    if source.env is not None:
        value = os.environ.get(source.env)
        if not value:
            raise SecretMissing(f"environment variable {source.env} is not set or empty")
        return value.encode()
    assert source.file is not None
    try:
        data = Path(source.file).read_bytes().rstrip(b"\r\n")
    except OSError as exc:
        raise SecretMissing(f"secret file {source.file} cannot be read ({exc.strerror})") from None
    if not data:
        raise SecretMissing(f"secret file {source.file} is empty")
    return data
