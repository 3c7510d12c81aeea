"""Vendor credentials held by the proxy, so calling services never hold vendor secrets.

A vendor (or one of its routes) names where its API key comes from (an environment variable or a
mounted file, never the YAML) and where it goes: a header (``Authorization: Bearer <key>``, or a
custom one such as ``X-Api-Key``), HTTP basic auth, or a top-level body field of a form or JSON
body. Secrets are read once at start; a missing one is a configuration error that names the
variable or file. The key is injected after detection ran (it never reaches the detector), and
it is never written to audit records or logs: the audit names the path and ``inject_credential``.

A credential the caller sends is not forwarded unless the contract lists that header (default
deny), and a contract cannot list the header or field the proxy injects.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from proxy.contract.models import CredentialSpec
from proxy.contract.routing import CompiledRoute, CompiledVendor
from proxy.contract.secrets import SecretMissing, read_secret
from proxy.contract.selectors import format_path
from proxy.contract.settings import SecretSource
from proxy.enforce.report import MessageReport
from proxy.errors import ConfigError

_VISIBLE_ASCII = re.compile(r"[\x21-\x7e]+")
INJECTED = "inject_credential"


@dataclass(frozen=True)
class Credential:
    """One resolved credential: a header value or a body field value (kept out of repr)."""

    header: str | None = None
    header_value: str | None = field(default=None, repr=False)
    field_path: tuple[str, ...] | None = None
    field_value: str | None = field(default=None, repr=False)

    def inject_headers(self, headers: dict[str, str], report: MessageReport) -> None:
        if self.header is not None and self.header_value is not None:
            headers[self.header] = self.header_value
            report.transform("header:" + format_path((self.header,)), INJECTED)

    def inject_field(self, document: Any, report: MessageReport) -> bool:
        """Set the body field; False when the document is not an object (nothing injected)."""
        if self.field_path is None or self.field_value is None:
            return True
        if not isinstance(document, dict):
            return False
        node = document
        for key in self.field_path[:-1]:
            child = node.get(key)
            if not isinstance(child, dict):
                child = node[key] = {}
            node = child
        node[self.field_path[-1]] = self.field_value
        report.transform("body:" + format_path(self.field_path), INJECTED)
        return True


def _read(source: SecretSource, where: str, problems: list[str]) -> str | None:
    try:
        raw = read_secret(source)
    except SecretMissing as exc:
        problems.append(f"{where}: {exc}; set it before starting (the proxy injects it)")
        return None
    try:
        text = raw.decode("utf-8").strip()
    except UnicodeDecodeError:
        text = ""
    if not _VISIBLE_ASCII.fullmatch(text):
        origin = f"environment variable {source.env}" if source.env else f"file {source.file}"
        problems.append(f"{where}: the secret in {origin} must be printable ASCII without spaces")
        return None
    return text


def resolve(spec: CredentialSpec, where: str, problems: list[str]) -> Credential | None:
    """Read the secrets of one spec; append located problems for what is missing."""
    if spec.basic is not None:
        user = _read(spec.basic.username, f"{where}.basic.username", problems)
        password = ""
        if spec.basic.password is not None:
            password = _read(spec.basic.password, f"{where}.basic.password", problems) or ""
        if user is None:
            return None
        if ":" in user:
            problems.append(f"{where}.basic.username: a basic-auth user name cannot contain ':'")
            return None
        token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        return Credential(header="authorization", header_value="Basic " + token)
    assert spec.secret is not None
    secret = _read(spec.secret, f"{where}.secret", problems)
    if secret is None:
        return None
    if spec.header is not None:
        value = f"{spec.scheme} {secret}" if spec.scheme else secret
        return Credential(header=spec.header.lower(), header_value=value)
    assert spec.field is not None
    return Credential(field_path=tuple(spec.field.split(".")), field_value=secret)


class CredentialStore:
    """The resolved credential of every route that has one."""

    def __init__(self, by_route: dict[tuple[str, str], Credential] | None = None) -> None:
        self._by_route = by_route or {}

    @classmethod
    def load(cls, vendors: Iterable[CompiledVendor]) -> CredentialStore:
        """Read every secret the contracts name; raise ConfigError listing all missing ones."""
        problems: list[str] = []
        by_route: dict[tuple[str, str], Credential] = {}
        for vendor in vendors:
            prefix = f"{vendor.source}: vendor '{vendor.contract.vendor}'"
            shared: Credential | None = None
            if vendor.contract.credentials is not None:
                shared = resolve(vendor.contract.credentials, f"{prefix}: credentials", problems)
            for index, route in enumerate(vendor.routes):
                spec = route.route.credentials
                if spec is not None:
                    original = vendor.contract.routes.index(route.route)
                    where = f"{prefix}: routes[{original if original >= 0 else index}].credentials"
                    own = resolve(spec, where, problems)
                    if own is not None:
                        by_route[(vendor.contract.vendor, route.name)] = own
                elif shared is not None:
                    by_route[(vendor.contract.vendor, route.name)] = shared
        if problems:
            raise ConfigError(problems)
        return cls(by_route)

    def for_route(self, route: CompiledRoute) -> Credential | None:
        return self._by_route.get((route.vendor, route.name))

    def __repr__(self) -> str:
        return f"CredentialStore({len(self._by_route)} routes)"
