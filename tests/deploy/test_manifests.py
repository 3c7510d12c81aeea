"""deploy/: the Kubernetes example validates against the Kubernetes schema and wires the proxy as
documented; the Dockerfile builds a small, non-root, offline image. (No container engine here:
the files are parsed and checked, not built or applied.)"""

from __future__ import annotations

import copy
import json
import shlex
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from proxy.config.loader import load_config
from proxy.contract.settings import ProxySettings

REPO = Path(__file__).resolve().parents[2]
K8S = REPO / "deploy" / "k8s"
K8S_VERSION = "1.30.0"  # native sidecars (1.29) and the preStop sleep action (1.30)


def documents() -> list[dict[str, Any]]:
    docs = []
    for path in sorted(K8S.glob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        docs += [d for d in yaml.safe_load_all(path.read_text()) if d]
    return docs


def by_kind_name() -> dict[tuple[str, str], dict[str, Any]]:
    return {(d["kind"], d["metadata"]["name"]): d for d in documents()}


@pytest.mark.parametrize("doc", documents(), ids=lambda d: f"{d['kind']}/{d['metadata']['name']}")
def test_every_manifest_validates_against_the_kubernetes_schema(doc: dict[str, Any]) -> None:
    kubernetes_validate.validate(doc, K8S_VERSION, strict=True)


def test_the_validator_does_reject_a_broken_manifest() -> None:
    deployment = copy.deepcopy(by_kind_name()[("Deployment", "orders")])
    deployment["spec"]["template"]["spec"]["initContainers"][0]["restartPolicyy"] = "Always"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, K8S_VERSION, strict=True)


def test_kustomization_lists_every_manifest() -> None:
    listed = yaml.safe_load((K8S / "kustomization.yaml").read_text())["resources"]
    assert sorted(listed) == sorted(p.name for p in K8S.glob("*.yaml")
                                    if p.name != "kustomization.yaml")


@pytest.fixture
def pod() -> dict[str, Any]:
    return by_kind_name()[("Deployment", "orders")]["spec"]["template"]["spec"]


@pytest.fixture
def sidecar(pod: dict[str, Any]) -> dict[str, Any]:
    [container] = [c for c in pod["initContainers"] if c["name"] == "privacy-sidecar"]
    return container


@pytest.fixture
def settings() -> ProxySettings:
    data = yaml.safe_load(by_kind_name()[("ConfigMap", "privacy-sidecar-settings")]
                          ["data"]["proxy.yaml"])
    return ProxySettings.model_validate(data)


def test_proxy_is_a_native_sidecar_with_probes_on_the_admin_port(
    sidecar: dict[str, Any], settings: ProxySettings
) -> None:
    assert sidecar["restartPolicy"] == "Always"
    [admin] = [p for p in sidecar["ports"] if p["name"] == "admin"]
    assert admin["containerPort"] == settings.admin.port
    assert settings.admin.host == "0.0.0.0" and settings.listen.host == "127.0.0.1"
    assert all(p["containerPort"] != settings.listen.port for p in sidecar["ports"])
    assert sidecar["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "admin"}
    assert sidecar["startupProbe"]["httpGet"]["path"] == "/readyz"
    assert sidecar["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "admin"}
    assert sidecar["args"] == ["serve", "--config", "/etc/privacy-sidecar"]


def test_shutdown_lets_endpoints_drain_within_the_grace_period(
    pod: dict[str, Any], sidecar: dict[str, Any], settings: ProxySettings
) -> None:
    pre_stop = sidecar["lifecycle"]["preStop"]["sleep"]["seconds"]
    assert pre_stop >= 5
    assert pod["terminationGracePeriodSeconds"] >= pre_stop + settings.limits.upstream_timeout_s


def test_runs_as_non_root_with_a_read_only_root(pod: dict[str, Any],
                                                sidecar: dict[str, Any]) -> None:
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] != 0
    ctx = sidecar["securityContext"]
    assert ctx["readOnlyRootFilesystem"] is True and ctx["allowPrivilegeEscalation"] is False
    assert ctx["capabilities"]["drop"] == ["ALL"]
    assert pod["automountServiceAccountToken"] is False


def test_secrets_are_files_and_config_is_a_configmap_projection(
    tmp_path: Path, pod: dict[str, Any], sidecar: dict[str, Any], settings: ProxySettings
) -> None:
    mounts = {m["name"]: m for m in sidecar["volumeMounts"]}
    volumes = {v["name"]: v for v in pod["volumes"]}
    assert "env" not in sidecar and "envFrom" not in sidecar  # no secret in the environment
    key_file = Path(settings.secrets.pseudonymize_key.file or "")
    secret_mount = mounts["privacy-sidecar-secrets"]
    assert key_file.parent == Path(secret_mount["mountPath"]) and secret_mount["readOnly"]
    secret_volume = volumes["privacy-sidecar-secrets"]["secret"]
    secret = by_kind_name()[("Secret", secret_volume["secretName"])]
    assert key_file.name in secret["stringData"]
    assert secret_volume["defaultMode"] & 0o040  # readable by the fsGroup the proxy runs in

    # Materialize the projected volume as the kubelet would and load it like `serve` does.
    config_mount = mounts["privacy-sidecar-config"]
    assert config_mount["mountPath"] == sidecar["args"][-1]
    root = tmp_path / "etc"
    for source in volumes["privacy-sidecar-config"]["projected"]["sources"]:
        config_map = by_kind_name()[("ConfigMap", source["configMap"]["name"])]
        for item in source["configMap"]["items"]:
            target = root / item["path"]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(config_map["data"][item["key"]])
    config = load_config(root)
    assert sorted(config.vendors) == ["mailer"]


def test_app_container_reaches_vendors_only_through_the_proxy(pod: dict[str, Any],
                                                              settings: ProxySettings) -> None:
    [app] = pod["containers"]
    urls = [e["value"] for e in app.get("env", []) if e["name"].endswith("_URL")]
    assert urls and all(u.startswith(f"http://127.0.0.1:{settings.listen.port}/") for u in urls)


# -- Dockerfile ------------------------------------------------------------------------------


def dockerfile_stages() -> list[list[tuple[str, str]]]:
    """Instructions per stage as (INSTRUCTION, arguments), continuation lines joined."""
    text = (REPO / "deploy" / "Dockerfile").read_text()
    logical: list[str] = []
    current = ""
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        current += (" " if current else "") + stripped.rstrip("\\").strip()
        if not stripped.endswith("\\"):
            logical.append(current)
            current = ""
    stages: list[list[tuple[str, str]]] = []
    for entry in logical:
        instruction, _, args = entry.partition(" ")
        if instruction.upper() == "FROM":
            stages.append([])
        stages[-1].append((instruction.upper(), args))
    return stages


def test_dockerfile_is_multi_stage_on_python_slim() -> None:
    stages = dockerfile_stages()
    assert len(stages) >= 2
    for stage in stages:
        assert stage[0][1].split()[0] == "python:3.11-slim"
    build, runtime = stages[0], stages[-1]
    assert any(i == "RUN" and "pip install ." in a for i, a in build)
    assert ("COPY", "--from=build /opt/venv /opt/venv") in runtime


def test_runtime_stage_is_non_root_offline_and_probes_the_admin_port() -> None:
    runtime = dockerfile_stages()[-1]
    users = [a for i, a in runtime if i == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0")
    runs = " ".join(a for i, a in runtime if i == "RUN")
    for network_tool in ("pip ", "apt-get", "curl", "wget", "spacy download"):
        assert network_tool not in runs
    env = " ".join(a for i, a in runtime if i == "ENV")
    for flag in ("HF_HUB_OFFLINE=1", "TRANSFORMERS_OFFLINE=1"):
        assert flag in env
    exposed = {p for i, a in runtime if i == "EXPOSE" for p in a.split()}
    assert {"8080", "9901"} <= exposed
    [healthcheck] = [a for i, a in runtime if i == "HEALTHCHECK"]
    assert "127.0.0.1:9901/healthz" in healthcheck
    [entrypoint] = [a for i, a in runtime if i == "ENTRYPOINT"]
    assert json.loads(entrypoint) == ["python", "-m", "proxy"]
    [cmd] = [a for i, a in runtime if i == "CMD"]
    assert json.loads(cmd)[:1] == ["serve"]


def test_the_model_in_the_image_is_the_shipped_pipeline_the_settings_name() -> None:
    pyproject = (REPO / "pyproject.toml").read_text()
    model = ProxySettings().analyzer.model
    assert (REPO / "recognizers" / "models" / model / "config.cfg").is_file()
    assert f'"{model}/*"' in pyproject  # package data: installed by `pip install .`
    build = dockerfile_stages()[0]
    assert any(i == "RUN" and f"spacy.load(resolve_model('{model}'))" in a for i, a in build)


def test_dockerignore_keeps_the_context_small() -> None:
    ignored = (REPO / "deploy" / "Dockerfile.dockerignore").read_text().split()
    for entry in (".git", ".venv", "tests", "benchmarks"):
        assert entry in ignored
    copies = [shlex.split(a)[0] for s in dockerfile_stages() for i, a in s if i == "COPY"
              and not a.startswith("--from")]
    assert not any(c.split("/")[0] in ignored for c in copies)
