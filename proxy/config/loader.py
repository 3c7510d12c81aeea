"""Read ``proxy.yaml`` and ``vendors/*.yaml`` from a config directory and check them.

Every problem becomes one line that names the file, the vendor, the key and what to do; all
problems of all files are collected before ``ConfigError`` is raised, so one ``check`` run lists
them all. Nothing here needs the NLP model.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from proxy.config.compile import compile_vendor, uses_action
from proxy.config.files import read_bytes, read_contracts, read_yaml, validate
from proxy.config.partners import CompiledPartner, load_partners
from proxy.contract.models import VendorContract
from proxy.contract.privacy_policy import PrivacyPolicy, check_contract
from proxy.contract.routing import CompiledVendor
from proxy.contract.settings import ProxySettings
from proxy.errors import ConfigError

__all__ = ["LoadedConfig", "load_config", "read_yaml", "uses_action"]


@dataclass(frozen=True)
class LoadedConfig:
    """A checked configuration: settings, compiled vendors, and a version hash of the files."""

    settings: ProxySettings
    vendors: dict[str, CompiledVendor]
    version: str
    directory: Path
    policy: PrivacyPolicy | None = None  # config/policy.yaml; None when the file is absent
    # config/partners/*.yaml (CompiledPartner by name); empty without the directory.
    partners: dict[str, CompiledPartner] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()  # worth saying, not worth refusing (e.g. partner defaults)


def load_config(directory: str | Path) -> LoadedConfig:
    """Load and check a config directory; raise ConfigError listing every problem."""
    root = Path(directory)
    problems: list[str] = []
    digest = hashlib.sha256()
    if not root.is_dir():
        raise ConfigError([f"{root}: not a directory; pass --config DIR with DIR/vendors/*.yaml"])

    settings = ProxySettings()
    settings_path = root / "proxy.yaml"
    if settings_path.exists():
        digest.update(read_bytes(settings_path))
        data = read_yaml(settings_path) or {}
        validated = validate(ProxySettings, data, str(settings_path), problems)
        settings = validated or settings

    policy: PrivacyPolicy | None = None
    policy_path = root / "policy.yaml"
    if policy_path.exists():
        try:
            digest.update(b"policy\0" + read_bytes(policy_path))
            policy = validate(PrivacyPolicy, read_yaml(policy_path) or {}, str(policy_path),
                               problems)
        except ConfigError as exc:
            problems.extend(exc.problems)

    vendor_dir = root / "vendors"
    files = sorted(vendor_dir.glob("*.yaml")) + sorted(vendor_dir.glob("*.yml"))
    if not files and not (root / "partners").is_dir():  # a partners-only set-up is fine
        problems.append(f"{vendor_dir}: no vendor contracts (*.yaml) found")
    vendors: dict[str, CompiledVendor] = {}
    for path, prefix, contract in read_contracts(
            vendor_dir, "vendor", VendorContract, problems, digest, b"",
            "a contract is a mapping with vendor, upstream and routes"):
        vendors[contract.vendor] = compile_vendor(path, contract, problems)
        check_contract(prefix, contract, policy, str(policy_path), problems)

    warnings: list[str] = []
    partners = load_partners(root, settings, policy, policy_path, set(vendors), problems,
                             warnings, digest)
    if problems:
        raise ConfigError(problems)
    return LoadedConfig(
        settings=settings, vendors=vendors, version=digest.hexdigest()[:12], directory=root,
        policy=policy, partners=partners, warnings=tuple(warnings),
    )
