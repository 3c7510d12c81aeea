"""Read ``proxy.yaml`` and ``vendors/*.yaml`` from a config directory and check them.

Every problem becomes one line that names the file, the vendor, the key and what to do; all
problems of all files are collected before ``ConfigError`` is raised, so one ``check`` run lists
them all. Nothing here needs the NLP model.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ValidationError

from proxy.codecs import CODECS
from proxy.contract import (
    Action,
    CredentialSpec,
    FieldRule,
    MessageContract,
    Mode,
    Route,
    VendorContract,
)
from proxy.errors import ConfigError
from proxy.headers import FRAMING_HEADERS
from proxy.policy import PrivacyPolicy, check_contract
from proxy.routing import CompiledMessage, CompiledRoute, CompiledVendor, RouteTemplate
from proxy.selectors import SelectorSyntaxError, build_trie, parse_selector
from proxy.settings import ProxySettings
from proxy.streaming.checks import route_stream_problems, stream_problems
from recognizers.entities import KNOWN_ENTITIES


@dataclass(frozen=True)
class LoadedConfig:
    """A checked configuration: settings, compiled vendors, and a version hash of the files."""

    settings: ProxySettings
    vendors: dict[str, CompiledVendor]
    version: str
    directory: Path
    policy: PrivacyPolicy | None = None  # config/policy.yaml; None when the file is absent
    # config/partners/*.yaml (proxy.partner.CompiledPartner by name); empty without the directory.
    partners: dict[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()  # worth saying, not worth refusing (e.g. partner defaults)


class _UniqueKeyLoader(yaml.SafeLoader):
    """A YAML loader that rejects duplicate keys (PyYAML silently keeps the last one)."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)  # type: ignore[no-untyped-call]
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key '{key}' (first on line {seen[key] + 1})",
                key_node.start_mark,
            )
        seen[key] = key_node.start_mark.line
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping  # type: ignore[arg-type]
)


def read_yaml(path: Path) -> Any:
    """Parse one YAML file; raise ConfigError naming the file and line on any syntax problem."""
    try:
        with path.open("rb") as fh:
            return yaml.load(fh, Loader=_UniqueKeyLoader)  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError([f"{path}:{where}: invalid YAML: {problem}"]) from None
    except OSError as exc:
        raise ConfigError([f"{path}: cannot read: {exc.strerror}"]) from None


def _format_loc(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _validation_problems(prefix: str, exc: ValidationError) -> list[str]:
    problems = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        where = _format_loc(loc) or "(top level)"
        kind = err["type"]
        if kind == "enum":
            expected = err.get("ctx", {}).get("expected", "")
            msg = f"unknown {loc[-1] if loc else 'value'} '{err['input']}'; use one of {expected}"
        elif kind == "extra_forbidden":
            msg = "unknown key; check its spelling or remove it"
        elif kind == "missing":
            msg = "required key is missing"
        else:
            msg = err["msg"].removeprefix("Value error, ")
        problems.append(f"{prefix}: {where}: {msg}")
    return problems


def _check_upstream(upstream: str) -> str | None:
    parts = urlsplit(upstream)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "must be an http:// or https:// URL with a host, e.g. https://api.vendor.example"
    if parts.query or parts.fragment:
        return "must not carry a query string or fragment"
    return None


def _compile_message(
    prefix: str, where: str, message: MessageContract, problems: list[str],
    custom_entities: frozenset[str] = frozenset(),
) -> CompiledMessage:
    for name in message.headers:
        if name in FRAMING_HEADERS:
            problems.append(
                f"{prefix}: {where}.headers.{name}: the proxy always builds this header itself; "
                "remove it from the contract"
            )
    for name in message.content_types:
        if name not in CODECS:
            problems.append(
                f"{prefix}: {where}.content_types: unknown codec '{name}'; use one of "
                + ", ".join(sorted(CODECS))
            )
    rules: list[tuple[Any, FieldRule]] = []
    for key, rule in (message.body or {}).items():
        try:
            selector = parse_selector(key)
        except SelectorSyntaxError as exc:
            problems.append(f"{prefix}: {where}.body.'{key}': bad selector: {exc}")
            continue
        rules.append((selector, rule))
    _check_carriers(prefix, where, message, problems)
    problems.extend(f"{prefix}: {where}.{p}" for p in stream_problems(message))
    for section, mapping in (("headers", message.headers), ("query", message.query),
                             ("body", message.body or {}), ("cookies", message.cookies)):
        for key, rule in mapping.items():
            for entity in rule.entities or ():
                if entity not in KNOWN_ENTITIES and entity not in custom_entities:
                    problems.append(
                        f"{prefix}: {where}.{section}.'{key}': unknown entity '{entity}'; known: "
                        + ", ".join(sorted(KNOWN_ENTITIES | custom_entities))
                    )
    return CompiledMessage(
        contract=message,
        headers=dict(message.headers),
        query=dict(message.query),
        body_trie=build_trie(rules) if message.body is not None else None,
    )


_SCALAR_ONLY = {Action.REDACT: "redact (detection needs a text field)",
                Action.DROP: "drop (unlisted values are dropped already)"}
_FIELD_PATH = re.compile(r"[A-Za-z0-9_\-]+(?:\.[A-Za-z0-9_\-]+)*")


def _check_carriers(prefix: str, where: str, message: MessageContract, problems: list[str]) -> None:
    """Cookies and multipart files: the checks that need more than one field."""
    for name, rule in message.cookies.items():
        if rule.action is Action.REDACT:
            problems.append(f"{prefix}: {where}.cookies.{name}: redact does not apply to "
                            "cookies; use keep, pseudonymize, mask or generalize")
    if message.cookies:
        for header in ("cookie", "set-cookie"):
            if header in message.headers:
                problems.append(f"{prefix}: {where}.headers.{header}: the cookies section "
                                "governs this header; remove it from headers")
    if message.files and "multipart" not in message.content_types:
        problems.append(f"{prefix}: {where}.files: file parts only exist in multipart bodies; "
                        "add multipart to content_types")


def _check_route_extras(prefix: str, where: str, route: Route, template: RouteTemplate,
                        credentials: CredentialSpec | None, problems: list[str]) -> None:
    """Path parameter rules and the injected credential against the rest of the route."""
    for name, rule in route.params.items():
        if name not in template.params:
            problems.append(f"{prefix}: {where}.params.{name}: the path {route.path} has no "
                            f"{{{name}}}; use one of: " + (", ".join(template.params) or "none"))
        elif rule.action in _SCALAR_ONLY:
            problems.append(f"{prefix}: {where}.params.{name}: {_SCALAR_ONLY[rule.action]} "
                            "does not apply to path parameters; use keep, pseudonymize, mask "
                            "or generalize")
    if credentials is None:
        return
    header = credentials.header_name
    if header is not None:
        if header in FRAMING_HEADERS:
            problems.append(f"{prefix}: {where}.credentials.header: the proxy builds {header} "
                            "itself; choose another header")
        if header in route.request.headers:
            problems.append(f"{prefix}: {where}.request.headers.{header}: the proxy injects "
                            "this header from its credentials; remove it from headers")
    if credentials.field is not None:
        if not _FIELD_PATH.fullmatch(credentials.field):
            problems.append(f"{prefix}: {where}.credentials.field: use dotted plain keys, e.g. "
                            "api_key or auth.key")
            return
        if route.request.body is None or not {"form", "json", "multipart"} & set(
                route.request.content_types):
            problems.append(f"{prefix}: {where}.credentials.field: the route's request takes "
                            "no form, JSON or multipart body; add a body section or inject "
                            "a header")
        if getattr(route.request, "stream", None) is not None:
            problems.append(f"{prefix}: {where}.credentials.field: a streamed body cannot carry "
                            "an injected field; inject a header instead")
        first = credentials.field.split(".")[0]
        for key in route.request.body or {}:
            if key == first or key.startswith((first + ".", first + "[")):
                problems.append(f"{prefix}: {where}.request.body.'{key}': the proxy injects "
                                f"'{credentials.field}' from its credentials; remove this rule")


def _shadow_problems(prefix: str, where: str, route: Route,
                     credential: CredentialSpec | None) -> list[str]:
    """Shadow mode forwards the caller's bytes; what cannot be true of such a route."""
    problems = []
    if route.subject is not None:
        problems.append(f"{prefix}: {where}.mode: shadow would disclose data without the policy "
                        "checks its subject section asks for; enforce this route")
    if getattr(route.request, "stream", None) is not None or (
            route.response is not None and getattr(route.response, "stream", None) is not None):
        problems.append(f"{prefix}: {where}.mode: shadow mode is not available on streamed "
                        "routes; enforce this route")
    if credential is not None and credential.field is not None:
        problems.append(f"{prefix}: {where}.mode: shadow forwards the caller's body as sent, so "
                        "a credential field cannot be injected; inject a header instead")
    return problems


def compile_vendor(path: Path, contract: VendorContract, problems: list[str]) -> CompiledVendor:
    """Turn a validated contract into routes ready to match; append problems found."""
    prefix = f"{path}: vendor '{contract.vendor}'"
    upstream_problem = _check_upstream(contract.upstream)
    if upstream_problem:
        problems.append(f"{prefix}: upstream: {upstream_problem}")
    routes: list[CompiledRoute] = []
    seen: dict[tuple[str, tuple[str | None, ...]], int] = {}
    for index, route in enumerate(contract.routes):
        where = f"routes[{index}]"
        try:
            template = RouteTemplate.parse(route.path)
        except ValueError as exc:
            problems.append(f"{prefix}: {where}.path: {exc}")
            continue
        shape = (route.method, template.shape)
        if shape in seen:
            problems.append(
                f"{prefix}: {where}: duplicate route {route.method} {route.path} (same as "
                f"routes[{seen[shape]}]); merge the two entries"
            )
            continue
        seen[shape] = index
        _check_route_extras(prefix, where, route, template,
                            route.credentials or contract.credentials, problems)
        credential = route.credentials or contract.credentials
        if (route.mode or contract.mode) is Mode.SHADOW:
            problems.extend(_shadow_problems(prefix, where, route, credential))
        problems.extend(f"{prefix}: {where}{p}" for p in route_stream_problems(
            route, credential.field if credential is not None else None))
        custom = contract.detection.entities
        request = _compile_message(prefix, f"{where}.request", route.request, problems, custom)
        response = (
            _compile_message(prefix, f"{where}.response", route.response, problems, custom)
            if route.response is not None
            else None
        )
        routes.append(
            CompiledRoute(
                vendor=contract.vendor, route=route, template=template,
                request=request, response=response,
            )
        )
    return CompiledVendor(contract=contract, routes=tuple(routes), source=path)


def uses_action(vendors: dict[str, CompiledVendor], action: Action) -> bool:
    """Whether any rule of any route, either direction, uses ``action``."""
    for vendor in vendors.values():
        for route in vendor.routes:
            for message in (route.route.request, route.route.response):
                if message is None:
                    continue
                for mapping in (message.headers, message.query, message.body or {},
                                message.cookies, route.route.params):
                    if any(rule.action is action for rule in mapping.values()):
                        return True
    return False


def _validate(model: type[BaseModel], data: Any, prefix: str, problems: list[str]) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems.extend(_validation_problems(prefix, exc))
        return None


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
        digest.update(settings_path.read_bytes())
        data = read_yaml(settings_path) or {}
        validated = _validate(ProxySettings, data, str(settings_path), problems)
        settings = validated or settings

    policy: PrivacyPolicy | None = None
    policy_path = root / "policy.yaml"
    if policy_path.exists():
        digest.update(b"policy\0" + policy_path.read_bytes())
        try:
            policy = _validate(PrivacyPolicy, read_yaml(policy_path) or {}, str(policy_path),
                               problems)
        except ConfigError as exc:
            problems.extend(exc.problems)

    vendor_dir = root / "vendors"
    files = sorted(vendor_dir.glob("*.yaml")) + sorted(vendor_dir.glob("*.yml"))
    if not files and not (root / "partners").is_dir():  # a partners-only set-up is fine
        problems.append(f"{vendor_dir}: no vendor contracts (*.yaml) found")
    vendors: dict[str, CompiledVendor] = {}
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
        try:
            data = read_yaml(path)
        except ConfigError as exc:
            problems.extend(exc.problems)
            continue
        name = data.get("vendor") if isinstance(data, dict) else None
        prefix = f"{path}: vendor '{name}'" if isinstance(name, str) else f"{path}"
        if not isinstance(data, dict):
            problems.append(f"{path}: a contract is a mapping with vendor, upstream and routes")
            continue
        contract = _validate(VendorContract, data, prefix, problems)
        if contract is None:
            continue
        if contract.vendor in vendors:
            problems.append(
                f"{prefix}: vendor name already used by {vendors[contract.vendor].source}; "
                "each vendor has one file"
            )
            continue
        vendors[contract.vendor] = compile_vendor(path, contract, problems)
        check_contract(prefix, contract, policy, str(policy_path), problems)

    from proxy.partner import load_partners  # proxy.partner imports this module

    warnings: list[str] = []
    partners = load_partners(root, settings, policy, policy_path, set(vendors), problems,
                             warnings, digest)
    if problems:
        raise ConfigError(problems)
    return LoadedConfig(
        settings=settings, vendors=vendors, version=digest.hexdigest()[:12], directory=root,
        policy=policy, partners=partners, warnings=tuple(warnings),
    )
