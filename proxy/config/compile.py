"""Compiling a validated contract into routes ready to match, with every located problem.

``compile_vendor`` checks what the models cannot (upstream URL, selectors, carriers, actions
per value shape, streaming, shadow mode) and builds the selector tries and route templates.
Nothing here reads files or needs the NLP model.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from proxy.codecs import CODECS
from proxy.config.llm_checks import llm_problems
from proxy.config.stream_checks import route_stream_problems, stream_problems
from proxy.contract.models import (
    Action,
    CredentialSpec,
    FieldRule,
    MessageContract,
    Mode,
    Route,
    VendorContract,
)
from proxy.contract.routing import CompiledMessage, CompiledRoute, CompiledVendor, RouteTemplate
from proxy.contract.selectors import SelectorSyntaxError, build_trie, parse_selector
from proxy.enforce.headers import FRAMING_HEADERS
from recognizers.entities import KNOWN_ENTITIES


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
            problems += unknown_entities(f"{prefix}: {where}.{section}.'{key}'", rule,
                                         custom_entities)
    return CompiledMessage(
        contract=message,
        headers=dict(message.headers),
        query=dict(message.query),
        body_trie=build_trie(rules) if message.body is not None else None,
    )


def unknown_entities(where: str, rule: FieldRule, custom_entities: frozenset[str]) -> list[str]:
    """A problem for each entity type of ``rule`` that no recognizer finds."""
    return [f"{where}: unknown entity '{entity}'; known: "
            + ", ".join(sorted(KNOWN_ENTITIES | custom_entities))
            for entity in rule.entities or ()
            if entity not in KNOWN_ENTITIES and entity not in custom_entities]


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
        problems.extend(f"{prefix}: {where}{p}" for p in llm_problems(route))
        custom = contract.detection.entities
        if route.llm is not None and route.llm.answer is not None:
            problems += unknown_entities(f"{prefix}: {where}.llm.answer", route.llm.answer,
                                         custom)
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
    return any(rule.action is action for vendor in vendors.values()
               for route in vendor.routes for rule in route.route.iter_rules())
