"""Settings of the proxy process (``proxy.yaml``); every section is optional."""

from __future__ import annotations

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


class AuditSettings(BaseModel):
    """Where audit records go: ``stdout`` or a file path (JSON lines, appended)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sink: str = "stdout"


class ProxySettings(BaseModel):
    """The whole of ``proxy.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    listen: ListenSettings = Field(default_factory=ListenSettings)
    limits: LimitSettings = Field(default_factory=LimitSettings)
    analyzer: AnalyzerSettings = Field(default_factory=AnalyzerSettings)
    secrets: SecretSettings = Field(default_factory=SecretSettings)
    audit: AuditSettings = Field(default_factory=AuditSettings)
