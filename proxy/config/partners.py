"""Partner contracts (``config/partners/NAME.yaml``): the model, its checks and API keys.

A partner calls one of OUR APIs through the partner listener (exchange.partner); its contract has
the Route model of vendor contracts plus who the partner is (``identity``: API keys and/or mTLS
client certificate names). Loaded with the vendor contracts by ``proxy.config.loader``, with
the same file loop (``proxy.config.files.read_contracts``) and compiler.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from proxy.config.compile import compile_vendor
from proxy.config.files import Digest, read_contracts
from proxy.contract.models import Action, MessageContract, Route, VendorContract
from proxy.contract.privacy_policy import PrivacyPolicy, check_contract
from proxy.contract.routing import CompiledVendor
from proxy.contract.secrets import SecretMissing, read_secret
from proxy.contract.settings import ProxySettings, SecretSource
from proxy.errors import ConfigError

_PARTNER_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,62}")
_MIN_KEY_BYTES = 16


class PartnerIdentity(BaseModel):
    """How a partner proves who it is: API keys and/or mTLS client certificate names (CN)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    api_keys: tuple[SecretSource, ...] = ()
    client_cert_names: tuple[str, ...] = ()

    @field_validator("client_cert_names")
    @classmethod
    def _names(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for name in value:
            if not name or name != name.strip() or any(ord(c) < 0x20 for c in name):
                raise ValueError(f"'{name}' is not a certificate subject CN")
        return value


class PartnerContract(BaseModel):
    """One partner: which of our APIs it calls, how it is identified, what it may receive."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    partner: str
    description: str | None = None
    upstream: str  # OUR API's base URL
    purposes: tuple[str, ...] = ()
    identity: PartnerIdentity
    # Records of processing (GDPR Art. 30), as on vendor contracts: shown by the data map.
    region: str | None = None  # where the partner processes what it receives
    transfer_mechanisms: tuple[str, ...] = ()
    retention: str | None = None
    processing_agreement: str | None = None
    routes: tuple[Route, ...] = Field(min_length=1)

    @field_validator("partner")
    @classmethod
    def _partner_name(cls, value: str) -> str:
        if not _PARTNER_NAME.fullmatch(value):
            raise ValueError("partner names are lowercase letters, digits, '-' and '_'")
        return value

    def as_vendor(self) -> VendorContract:
        """The vendor-shaped contract the exchange engine runs; responses are default deny."""
        routes = tuple(
            r if r.response is not None else r.model_copy(update={"response": MessageContract()})
            for r in self.routes
        )
        return VendorContract(vendor=self.partner, description=self.description,
                              upstream=self.upstream, purposes=self.purposes, routes=routes,
                              region=self.region, transfer_mechanisms=self.transfer_mechanisms,
                              retention=self.retention,
                              processing_agreement=self.processing_agreement)


@dataclass(frozen=True)
class CompiledPartner:
    """A checked partner contract and the vendor-shaped form the exchange engine runs."""

    contract: PartnerContract
    vendor: CompiledVendor
    source: Path


def load_partners(root: Path, settings: ProxySettings, policy: PrivacyPolicy | None,
                  policy_path: Path, vendor_names: set[str], problems: list[str],
                  warnings: list[str], digest: Digest) -> dict[str, CompiledPartner]:
    """Read ``root/partners/*.yaml``; append located problems and warnings (no secrets read)."""
    directory = root / "partners"
    if not directory.is_dir():
        return {}
    header = settings.partners.api_key_header.lower()
    partners: dict[str, CompiledPartner] = {}
    for path, prefix, contract in read_contracts(
            directory, "partner", PartnerContract, problems, digest, b"partner\0",
            "a partner contract is a mapping with partner, upstream, identity and routes"):
        if contract.partner in vendor_names:
            problems.append(f"{prefix}: partner: a vendor is named '{contract.partner}' too; "
                            "audit records and metrics would mix them, choose another name")
            continue
        if not contract.identity.api_keys and not contract.identity.client_cert_names:
            problems.append(f"{prefix}: identity: give api_keys and/or client_cert_names; a "
                            "partner nobody can authenticate as cannot call anything")
        for index, route in enumerate(contract.routes):
            where = f"{prefix}: routes[{index}]"
            if header in route.request.headers:
                problems.append(f"{where}.request.headers.{header}: this is the partner's own "
                                "API key header (partners.api_key_header); it never reaches our "
                                "API, remove it")
            if route.mode is not None and route.mode.value == "shadow":
                problems.append(f"{where}.mode: shadow mode would pass our answer unchecked; "
                                "it is not available for partners")
            if route.subject is not None:
                problems.append(f"{where}.subject: subject checks are not available for "
                                "partner routes yet; remove the section")
            if route.request.stream is not None or (route.response is not None
                                                    and route.response.stream is not None):
                problems.append(f"{where}: streamed routes are not available for partners yet")
            if any(r.action in (Action.TOKENIZE, Action.DETOKENIZE) for r in route.iter_rules()):
                problems.append(f"{where}: tokenize / detokenize are not available for partners")
            if route.response is None:
                warnings.append(f"{where} ({route.method} {route.path}): no response section, "
                                "so no body reaches the partner (default deny); list the fields "
                                "it may receive")
        as_vendor = contract.as_vendor()
        compiled = compile_vendor(path, as_vendor, problems)
        check_contract(prefix, as_vendor, policy, str(policy_path), problems)
        partners[contract.partner] = CompiledPartner(contract=contract, vendor=compiled,
                                                     source=path)
    return partners


def read_api_keys(partners: dict[str, CompiledPartner]) -> list[tuple[bytes, str]]:
    """Every partner's API keys as (key, partner); ConfigError naming each missing secret."""
    problems: list[str] = []
    keys: list[tuple[bytes, str]] = []
    for name, partner in sorted(partners.items()):
        for index, source in enumerate(partner.contract.identity.api_keys):
            where = f"{partner.source}: partner '{name}': identity.api_keys[{index}]"
            try:
                key = read_secret(source).strip()
            except SecretMissing as exc:
                problems.append(f"{where}: {exc}; set it before starting")
                continue
            if len(key) < _MIN_KEY_BYTES:
                problems.append(f"{where}: the key is shorter than {_MIN_KEY_BYTES} bytes")
                continue
            keys.append((key, name))
    seen: dict[bytes, str] = {}
    for key, name in keys:
        if key in seen and seen[key] != name:
            problems.append(f"partners '{seen[key]}' and '{name}' share an API key; give each "
                            "partner its own")
        seen.setdefault(key, name)
    if problems:
        raise ConfigError(problems)
    return keys
