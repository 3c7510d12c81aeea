"""Open what the privacy policy needs at run time: secrets, stores, the gate and the vault.

Used by ``server.build_app``, the policy admin API and the CLI, so all three see the same
stores. Nothing is opened that no contract needs: without a route ``subject`` there is no gate
(unless ``force`` asks for the stores, as the CLI and the admin API do), without
``tokenize`` / ``detokenize`` no vault, and without ``placeholder`` no placeholder store. A
missing secret is a ConfigError naming where it was looked for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from proxy.config.loader import LoadedConfig, uses_action
from proxy.contract.models import Action
from proxy.contract.privacy_policy import PrivacyPolicy
from proxy.contract.secrets import SecretMissing, read_secret
from proxy.contract.settings import SecretSource
from proxy.errors import ConfigError
from proxy.policy.consent import ConsentStore, RedisConsentStore, SqliteConsentStore, SubjectKeys
from proxy.policy.gate import PolicyGate
from proxy.policy.ledger import Ledger, RedisLedger, SqliteLedger
from proxy.policy.placeholder_store import (
    PlaceholderStore,
    RedisPlaceholderBackend,
    SqlitePlaceholderBackend,
)
from proxy.policy.stores import RedisTarget, open_redis
from proxy.policy.vault import RedisVaultBackend, SqliteVaultBackend, Vault


@dataclass
class PolicyRuntime:
    """The opened stores (any may be None when nothing needs it)."""

    policy: PrivacyPolicy | None = None
    keys: SubjectKeys | None = None
    consent: ConsentStore | None = None
    ledger: Ledger | None = None
    gate: PolicyGate | None = None
    vault: Vault | None = None
    placeholders: PlaceholderStore | None = None
    _redis: RedisTarget | None = None
    _closers: list[Any] = field(default_factory=list)

    async def close(self) -> None:
        for store in self._closers:
            await store.close()
        self._closers.clear()
        if self._redis is not None:
            await self._redis.client.aclose()
            self._redis = None


def _secret(config: LoadedConfig, name: str, source: SecretSource, why: str) -> bytes:
    try:
        secret = read_secret(source)
    except SecretMissing as exc:
        raise ConfigError([f"{config.directory}/proxy.yaml: secrets.{name}: {exc}; {why}, so set "
                           "it (at least 16 random bytes) before starting"]) from None
    if len(secret) < 16:
        raise ConfigError([f"{config.directory}/proxy.yaml: secrets.{name}: at least 16 bytes"])
    return secret


def needs_gate(config: LoadedConfig) -> bool:
    return any(r.route.subject is not None for v in config.vendors.values() for r in v.routes)


def needs_vault(config: LoadedConfig) -> bool:
    return uses_action(config.vendors, Action.TOKENIZE) or uses_action(config.vendors,
                                                                       Action.DETOKENIZE)


def needs_placeholders(config: LoadedConfig) -> bool:
    return uses_action(config.vendors, Action.PLACEHOLDER)


def open_policy_runtime(config: LoadedConfig, force: bool = False) -> PolicyRuntime:
    """Open the stores the configuration needs (all of them with ``force``)."""
    runtime = PolicyRuntime(policy=config.policy)
    want_gate = needs_gate(config) or (force and config.policy is not None)
    want_vault = needs_vault(config)
    want_placeholders = needs_placeholders(config)
    if not (want_gate or want_vault or want_placeholders):
        return runtime
    stores = config.settings.stores
    redis = open_redis(stores.redis_url, stores.key_prefix) if stores.backend == "redis" else None
    runtime._redis = redis
    secrets = config.settings.secrets
    if want_gate:
        assert config.policy is not None  # a subject section without a policy fails the loader
        runtime.keys = SubjectKeys(_secret(
            config, "pseudonymize_key", secrets.pseudonymize_key,
            "subject ids are keyed by HMAC before any store sees them"))
        if redis is not None:
            runtime.consent, runtime.ledger = RedisConsentStore(redis), RedisLedger(redis)
        else:
            runtime.consent = SqliteConsentStore(stores.sqlite_path)
            runtime.ledger = SqliteLedger(stores.sqlite_path)
        runtime._closers += [runtime.consent, runtime.ledger]
        runtime.gate = PolicyGate(config.policy, config.vendors, runtime.keys, runtime.consent,
                                  runtime.ledger)
    if want_vault or want_placeholders:
        secret = _secret(config, "vault_key", secrets.vault_key,
                         "a contract uses 'tokenize' or 'placeholder', whose stores are "
                         "encrypted with it")
    if want_vault:
        backend = RedisVaultBackend(redis) if redis is not None else SqliteVaultBackend(
            stores.sqlite_path)
        runtime.vault = Vault(backend, secret)
        runtime._closers.append(runtime.vault)
    if want_placeholders:  # its own key: HKDF of the vault secret, info b"placeholders"
        placeholder_backend = RedisPlaceholderBackend(redis) if redis is not None \
            else SqlitePlaceholderBackend(stores.sqlite_path)
        runtime.placeholders = PlaceholderStore(placeholder_backend, secret,
                                                ttl_s=stores.placeholder_ttl_s)
        runtime._closers.append(runtime.placeholders)
    return runtime


def gate_for(runtime: PolicyRuntime, loaded: LoadedConfig) -> PolicyGate | None:
    """The gate for a (re)loaded configuration, on the stores opened at start."""
    if not needs_gate(loaded):
        return None
    if runtime.consent is None or runtime.ledger is None or runtime.keys is None \
            or loaded.policy is None:
        raise ConfigError([f"{loaded.directory}: a contract now declares a subject; restart the "
                           "proxy so that it opens the policy stores"])
    return PolicyGate(loaded.policy, loaded.vendors, runtime.keys, runtime.consent,
                      runtime.ledger)


def vault_for(runtime: PolicyRuntime, loaded: LoadedConfig) -> Vault | None:
    if not needs_vault(loaded):
        return None
    if runtime.vault is None:
        raise ConfigError([f"{loaded.directory}: a contract now uses 'tokenize'; restart the "
                           "proxy so that it opens the token vault"])
    return runtime.vault


def placeholders_for(runtime: PolicyRuntime, loaded: LoadedConfig) -> PlaceholderStore | None:
    if not needs_placeholders(loaded):
        return None
    if runtime.placeholders is None:
        raise ConfigError([(f"{loaded.directory}: a contract now uses 'placeholder'; restart "
                            "the proxy so that it opens the placeholder store")])
    return runtime.placeholders
