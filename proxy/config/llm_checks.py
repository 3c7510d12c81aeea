"""Checks of a route's ``llm:`` section and of the rules only model APIs use.

``placeholder`` needs a book to write into and an answer path that restores it, which only an
``llm:`` route has; it applies to request body fields (the prompt). ``json: true`` describes a
body value. A model API streams its answer by itself (``stream: true`` in the prompt), so an
``llm:`` route takes no ``stream:`` section.
"""

from __future__ import annotations

from proxy.contract.models import Action, FieldRule, Route


def _carriers(route: Route) -> list[tuple[str, dict[str, FieldRule]]]:
    out: list[tuple[str, dict[str, FieldRule]]] = [("params", route.params)]
    for side, message in (("request", route.request), ("response", route.response)):
        if message is None:
            continue
        out += [(f"{side}.headers", message.headers), (f"{side}.query", message.query),
                (f"{side}.cookies", message.cookies)]
        if side == "response":
            out.append(("response.body", message.body or {}))
    return out


def llm_problems(route: Route) -> list[str]:
    """Problems, each starting with the key under the route (the caller adds file and route)."""
    problems = []
    body = route.request.body or {}
    placeholders = [key for key, rule in body.items() if rule.action is Action.PLACEHOLDER]
    if placeholders and route.llm is None:
        problems.append(f".request.body.'{placeholders[0]}': placeholder needs the route's llm "
                        "section (llm: {api: openai_chat}, for example), which restores the "
                        "answers; use redact on other routes")
    for where, rules in _carriers(route):
        for key, rule in rules.items():
            if rule.action is Action.PLACEHOLDER:
                problems.append(f".{where}.{key}: placeholder applies to request body fields "
                                "(the prompt) only; use redact or drop here")
            elif rule.json_value and not where.endswith("body"):
                problems.append(f".{where}.{key}: json applies to body fields only")
    answer = route.llm.answer if route.llm is not None else None
    if answer is not None and answer.action is not Action.REDACT:
        problems.append(f".llm.answer: {answer.action.value} does not apply to a model's answer; "
                        "use {action: redact, entities: [...]} or remove it")
    if answer is not None and route.llm is not None and not route.llm.restore:
        problems.append(".llm.answer: answer redaction runs where the answer is restored; "
                        "remove restore: false or the answer rule")
    if route.llm is not None and (route.request.stream is not None or (
            route.response is not None and route.response.stream is not None)):
        problems.append(".stream: an llm route streams its answer when the prompt asks for it "
                        "(stream: true); remove the stream section")
    return problems
