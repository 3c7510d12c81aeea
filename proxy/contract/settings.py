"""Settings of the proxy process (``proxy.yaml``); every section is optional."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from recognizers.settings import AnalyzerSettings


class ListenSettings(BaseModel):
    """Where the proxy accepts calls from our own services."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=0, le=65535)


class LimitSettings(BaseModel):
    """Bounds on everything a peer controls."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_body_bytes: int = Field(default=1_048_576, ge=1)
    max_response_bytes: int = Field(default=10_485_760, ge=1)
    max_json_depth: int = Field(default=64, ge=1, le=512)
    upstream_connect_timeout_s: float = Field(default=5.0, gt=0)
    upstream_timeout_s: float = Field(default=30.0, gt=0)
    upstream_connections: int = Field(default=100, ge=1)
    header_timeout_s: float = Field(default=10.0, gt=0, description="408 if a head is slower")
    body_timeout_s: float = Field(default=30.0, gt=0, description="408 if a body is slower")
    keepalive_timeout_s: float = Field(default=75.0, gt=0)
    # Connections are reused oldest-idle first (by aiohttp, and by most clients), so a pool that
    # grew in a burst never idles out while traffic goes on: a caller's connection is closed
    # after this many requests (as nginx's keepalive_requests), and every this many upstream
    # requests one asks the vendor to close its connection. 0: never.
    keepalive_max_requests: int = Field(default=1000, ge=0, description="per caller connection")
    upstream_retire_every: int = Field(default=1000, ge=0, description="upstream requests")
    max_header_bytes: int = Field(default=8190, ge=256, description="request line or one header")
    max_headers: int = Field(default=100, ge=1)
    # Streaming routes (proxy.exchange.streaming): the body size is unbounded, the buffering is not.
    stream_max_record_bytes: int = Field(default=1_048_576, ge=16, description="one record")
    stream_queue_records: int = Field(default=256, ge=1, description="records read ahead")
    stream_batch_records: int = Field(default=64, ge=1, description="records per detect call")
    stream_batch_ms: float = Field(default=20.0, ge=0, le=1000, description="batch wait")
    stream_text_window: int = Field(default=256, ge=16, le=65536, description="chars held back")
    stream_idle_timeout_s: float = Field(default=30.0, gt=0, description="max wait for a chunk")
    shutdown_grace_s: float = Field(
        default=25.0, gt=0, description="on SIGTERM, how long in-flight exchanges may finish"
    )


class SecretSource(BaseModel):
    """A secret read from an environment variable or a file, never written in YAML."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    env: str | None = None
    file: str | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> SecretSource:
        if (self.env is None) == (self.file is None):
            raise ValueError("give exactly one of 'env' (variable name) or 'file' (path)")
        return self


class SecretSettings(BaseModel):
    """Where the proxy's own secrets come from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    pseudonymize_key: SecretSource = Field(
        default_factory=lambda: SecretSource(env="PROXY_PSEUDONYMIZE_KEY")
    )
    # AES-GCM key material of the token vault (tokenize / detokenize); any 16+ random bytes.
    vault_key: SecretSource = Field(default_factory=lambda: SecretSource(env="PROXY_VAULT_KEY"))


class AuditSettings(BaseModel):
    """Where audit records go: ``stdout``, ``stderr`` or a file path (JSON lines, appended).

    ``fsync`` (files only) says when lines reach the disk, not just the kernel: ``always`` (each
    line, before the exchange goes on: survives a host crash, costs a disk flush per line),
    ``interval`` (every ``fsync_interval_s``: a host crash loses at most that much) or ``never``
    (a crash of the proxy loses nothing, a crash of the host may). See README "Audit".
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    sink: str = "stdout"
    fsync: Literal["always", "interval", "never"] = "interval"
    fsync_interval_s: float = Field(default=1.0, gt=0, le=60)


class AdminSettings(BaseModel):
    """The admin listener: /metrics, /healthz, /readyz, apart from the proxy's own port.

    In a pod the kubelet probes the pod IP, so deployments set ``host: 0.0.0.0`` here while the
    proxy port stays on 127.0.0.1. ``token`` guards the data map (``/datamap``, its CSV and
    JSON; proxy.server.datamap_page); without it the data map answers 403.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = True
    host: str = "127.0.0.1"
    port: int = Field(default=9901, ge=0, le=65535)
    token: SecretSource | None = None


class StoreSettings(BaseModel):
    """Where opt-outs, erasures, the disclosure ledger and the token vault live.

    ``sqlite`` (default): one file, relative to the working directory unless absolute; replicas
    on one host may share it. ``redis``: replicas on several hosts share one Redis; keys start
    with ``key_prefix``. Opened only when a contract needs them (a ``subject``, ``tokenize`` or
    ``placeholder``).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    backend: Literal["sqlite", "redis"] = "sqlite"
    sqlite_path: str = "var/privacy-state.sqlite3"
    redis_url: str = "redis://127.0.0.1:6379/0"
    key_prefix: str = "privacy-sidecar:"
    # Placeholder mappings (action ``placeholder``) of a conversation expire this long after its
    # last exchange that saved to it; erasure of a subject removes them earlier.
    placeholder_ttl_s: int = Field(default=86400, ge=60)


class PolicyAdminSettings(BaseModel):
    """The policy admin API (opt-outs, erasure requests, disclosures): its own port, bearer token."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = False
    host: str = "127.0.0.1"
    port: int = Field(default=9902, ge=0, le=65535)
    token: SecretSource = Field(
        default_factory=lambda: SecretSource(env="PROXY_POLICY_ADMIN_TOKEN")
    )


class PartnerTLSSettings(BaseModel):
    """TLS of the partner listener; with ``client_ca_file`` a client certificate is required."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    cert_file: str
    key_file: str
    client_ca_file: str | None = None


class PartnerSettings(BaseModel):
    """The listener partners call (``config/partners/*.yaml``, see ``proxy.exchange.partner``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = False
    host: str = "127.0.0.1"
    port: int = Field(default=8443, ge=0, le=65535)
    api_key_header: str = Field(default="x-api-key", pattern=r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
    tls: PartnerTLSSettings | None = None


class ProxySettings(BaseModel):
    """The whole of ``proxy.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    listen: ListenSettings = Field(default_factory=ListenSettings)
    limits: LimitSettings = Field(default_factory=LimitSettings)
    analyzer: AnalyzerSettings = Field(default_factory=AnalyzerSettings)
    secrets: SecretSettings = Field(default_factory=SecretSettings)
    audit: AuditSettings = Field(default_factory=AuditSettings)
    admin: AdminSettings = Field(default_factory=AdminSettings)
    stores: StoreSettings = Field(default_factory=StoreSettings)
    policy_admin: PolicyAdminSettings = Field(default_factory=PolicyAdminSettings)
    partners: PartnerSettings = Field(default_factory=PartnerSettings)
