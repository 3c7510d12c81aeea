"""Contract checks for ``stream:`` sections; each problem is ``key: what to do``."""

from __future__ import annotations

from proxy.codecs import TEXT_KEY
from proxy.contract.models import Action, MessageContract, Route
from proxy.contract.selectors import records_path


def stream_problems(message: MessageContract) -> list[str]:
    """Problems of one message's ``stream:`` section, keys relative to the message."""
    spec = message.stream
    if spec is None:
        return []
    problems: list[str] = []
    if spec.kind == "json_array":
        try:
            records_path(spec.records)
        except ValueError as exc:
            problems.append(f"stream.records: {exc}")
    elif spec.records is not None:
        problems.append("stream.records: only json_array streams have a records path")
    if spec.kind != "sse" and (spec.sse_data != "json" or spec.sse_fields):
        problems.append("stream: sse_data and sse_fields apply to kind: sse only")
    if spec.kind != "text" and spec.window is not None:
        problems.append("stream.window: applies to kind: text only")
    if spec.kind == "text" or (spec.kind == "sse" and spec.sse_data == "text"):
        body = message.body or {}
        extra = sorted(key for key in body if key != TEXT_KEY)
        if extra:
            problems.append(f"body: a text stream has one field, {TEXT_KEY}; remove "
                            + ", ".join(repr(k) for k in extra))
        rule = body.get(TEXT_KEY)
        if rule is not None and rule.action not in (Action.KEEP, Action.REDACT):
            problems.append(f"body.{TEXT_KEY}: a text stream takes keep or redact")
    return problems


def route_stream_problems(route: Route, credential_field: str | None) -> list[str]:
    """Route-level problems: features that need the whole body."""
    streaming = route.request.stream is not None or (
        route.response is not None and route.response.stream is not None)
    if not streaming:
        return []
    problems = []
    if route.subject is not None:
        problems.append(".subject: subject screening needs the whole body; it is not "
                        "available on streaming routes yet")
    if credential_field is not None and route.request.stream is not None:
        problems.append(".credentials.field: a streamed request cannot carry a body "
                        "credential; inject a header")
    return problems
