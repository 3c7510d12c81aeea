"""What every fake API shares: the record of a request, the knobs, the answer and its pacing.

An answer is planned once per request (``Turn``): the placeholders found in the prompt, the text
that echoes them with filler words, the tool call (if asked for), and the random fragments a
stream cuts them into. The API modules only shape a ``Turn`` into their vendor's JSON or events.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import random
import re
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import web

PLACEHOLDER = re.compile(r"<[A-Z][A-Z0-9_]*_[0-9a-f]{8,16}>")
FILLER = ("the", "request", "is", "noted", "and", "we", "will", "follow", "up", "with", "a",
          "short", "summary", "of", "next", "steps", "today")
INVENTED_LABEL = "PERSON"
INVENTED_FIRST = 0xDEADBEEF


@dataclass(frozen=True)
class Received:
    """One request as the fake model saw it.

    ``header_lines`` keeps every header line in the order received, repeats included, names
    lowercased; ``json`` is the parsed body (``None`` when it was not JSON).
    """

    method: str
    path: str
    header_lines: tuple[tuple[str, str], ...]
    body: bytes
    json: Any

    @property
    def headers(self) -> dict[str, str]:
        """One entry per name; repeated values joined with ``", "`` (``getall`` splits them)."""
        combined: dict[str, str] = {}
        for name, value in self.header_lines:
            combined[name] = f"{combined[name]}, {value}" if name in combined else value
        return combined

    def getall(self, name: str) -> list[str]:
        """Every value received for ``name`` (any case), in order."""
        lowered = name.lower()
        return [value for line_name, value in self.header_lines if line_name == lowered]


class BadRequest(ValueError):
    """A request the fake refuses with 400 (a bad ``x-fake-*`` header, a bad body)."""


@dataclass(frozen=True)
class Knobs:
    """How to answer one request: constructor defaults overridden by ``x-fake-*`` headers."""

    seed: int = 0
    answer_tokens: int = 40
    first_token_ms: float = 0.0
    chunk_ms: float = 0.0
    invent: bool = False
    thinking: bool = False
    tool_call: str | None = None
    status: int | None = None

    def with_headers(self, headers: Mapping[str, str]) -> Knobs:
        """These knobs with the request's ``x-fake-*`` headers applied."""
        status = _number(headers, "x-fake-status", int, None)
        if status is not None and not 400 <= status <= 599:
            raise BadRequest("x-fake-status must be an error status (400-599)")
        tokens = _number(headers, "x-fake-answer-tokens", int, self.answer_tokens)
        if tokens < 0:
            raise BadRequest("x-fake-answer-tokens must not be negative")
        return Knobs(
            seed=_number(headers, "x-fake-seed", int, self.seed),
            answer_tokens=tokens,
            first_token_ms=max(0.0, _number(headers, "x-fake-first-token-ms", float,
                                            self.first_token_ms)),
            chunk_ms=max(0.0, _number(headers, "x-fake-chunk-ms", float, self.chunk_ms)),
            invent=headers.get("x-fake-invent", "") in ("1", "true", "yes"),
            thinking=headers.get("x-fake-thinking", "") in ("1", "true", "yes"),
            tool_call=headers.get("x-fake-tool-call") or None,
            status=status,
        )


def _number(headers: Mapping[str, str], name: str, kind: type, default: Any) -> Any:
    raw = headers.get(name)
    if raw is None:
        return default
    try:
        return kind(raw.strip())
    except ValueError:
        raise BadRequest(f"{name} is not a number") from None


def strings_in(value: Any) -> Iterator[str]:
    """Every string inside a JSON value (dict values, list items), depth first, in order."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


def collect_placeholders(values: Iterable[Any]) -> list[str]:
    """The distinct placeholders in ``values`` (JSON values), in order of first appearance."""
    found: dict[str, None] = {}
    for value in values:
        for text in strings_in(value):
            found.update(dict.fromkeys(PLACEHOLDER.findall(text)))
    return list(found)


def invented_placeholder(known: Iterable[str]) -> str:
    """A well-formed placeholder that is not in ``known`` (``<PERSON_deadbeef>`` if free)."""
    taken = set(known)
    candidate = INVENTED_FIRST
    while f"<{INVENTED_LABEL}_{candidate:08x}>" in taken:
        candidate += 1
    return f"<{INVENTED_LABEL}_{candidate:08x}>"


def word_count(values: Iterable[Any]) -> int:
    return sum(len(text.split()) for value in values for text in strings_in(value))


def _listing(placeholders: list[str]) -> str:
    if len(placeholders) < 2:
        return "".join(placeholders)
    return ", ".join(placeholders[:-1]) + " and " + placeholders[-1]


def answer_text(placeholders: list[str], words: int) -> str:
    """``Thanks. I will write to <A> and <B>.`` then filler words up to ``words`` words.

    Every placeholder is in the text even when that makes it longer than ``words``.
    """
    head = "Thanks."
    if placeholders:
        head += f" I will write to {_listing(placeholders)}."
    parts = head.split()
    filler = [FILLER[i % len(FILLER)] for i in range(max(0, words - len(parts)))]
    if filler:
        filler[-1] += "."
    return " ".join(parts + filler)


def tool_arguments(placeholders: list[str]) -> str:
    """The JSON text of a tool call's arguments; keys always in the same order."""
    note = f"Follow up with {_listing(placeholders)}." if placeholders else "Follow up."
    arguments = {"customer": placeholders[0] if placeholders else "", "mentions": placeholders,
                 "note": note}
    return json.dumps(arguments, ensure_ascii=False)


def thinking_text(placeholders: list[str]) -> str:
    about = f" about {_listing(placeholders)}" if placeholders else ""
    return f"The user asks{about}. I should answer briefly and keep the names as they are."


def signature_of(text: str) -> str:
    """A stand-in for a thinking block's signature: stable, opaque, base64."""
    return base64.b64encode(hashlib.sha256(text.encode()).digest() * 2).decode()


def fragments(text: str, rng: random.Random, shortest: int, longest: int) -> list[str]:
    """``text`` cut into pieces of ``shortest`` to ``longest`` characters, drawn from ``rng``."""
    pieces: list[str] = []
    start = 0
    while start < len(text):
        end = start + rng.randint(shortest, longest)
        pieces.append(text[start:end])
        start = end
    return pieces


def new_id(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:24]}"


@dataclass(frozen=True)
class Turn:
    """One planned answer: the text or the tool call, and the pieces a stream sends."""

    knobs: Knobs
    placeholders: list[str]
    prompt_tokens: int
    text: str
    text_pieces: list[str]
    tool_name: str | None
    arguments: str
    argument_pieces: list[str]
    thinking: str
    thinking_pieces: list[str]

    @property
    def answer_tokens(self) -> int:
        return len(self.text.split()) + len(self.arguments.split()) + len(self.thinking.split())

    def delay_s(self) -> float:
        """How long the whole answer takes, for a non-streamed reply."""
        deltas = len(self.text_pieces) + len(self.argument_pieces) + len(self.thinking_pieces)
        return (self.knobs.first_token_ms + self.knobs.chunk_ms * max(0, deltas - 1)) / 1000


def plan_turn(knobs: Knobs, prompt: list[Any], tool_names: list[str]) -> Turn:
    """The answer to a prompt (its JSON values) given the tools the request declared."""
    placeholders = collect_placeholders(prompt)
    if knobs.invent:
        placeholders.append(invented_placeholder(placeholders))
    rng = random.Random(knobs.seed)
    tool_name = knobs.tool_call if knobs.tool_call in tool_names else None
    thinking = thinking_text(placeholders) if knobs.thinking else ""
    text = "" if tool_name else answer_text(placeholders, knobs.answer_tokens)
    arguments = tool_arguments(placeholders) if tool_name else ""
    return Turn(
        knobs=knobs, placeholders=placeholders, prompt_tokens=word_count(prompt), text=text,
        text_pieces=fragments(text, rng, 1, 3), tool_name=tool_name, arguments=arguments,
        argument_pieces=fragments(arguments, rng, 1, 5), thinking=thinking,
        thinking_pieces=fragments(thinking, rng, 1, 3),
    )


class Pacer:
    """Waits before each content delta: ``first_token_ms`` before the first, ``chunk_ms`` after."""

    def __init__(self, knobs: Knobs) -> None:
        self._knobs = knobs
        self._started = False

    async def tick(self) -> None:
        delay_ms = self._knobs.chunk_ms if self._started else self._knobs.first_token_ms
        self._started = True
        if delay_ms > 0:
            await asyncio.sleep(delay_ms / 1000)


def sse_event(data: Any, event: str | None = None) -> bytes:
    """One server-sent event: an optional ``event:`` line and one ``data:`` line."""
    payload = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False,
                                                            separators=(",", ":"))
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {payload}\n\n".encode()


async def open_stream(request: web.Request) -> web.StreamResponse:
    """A prepared ``text/event-stream`` answer."""
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream; charset=utf-8",
                                           "Cache-Control": "no-cache"})
    await response.prepare(request)
    return response


ANTHROPIC_ERRORS = {400: "invalid_request_error", 401: "authentication_error",
                    403: "permission_error", 404: "not_found_error", 413: "request_too_large",
                    429: "rate_limit_error", 529: "overloaded_error"}
OPENAI_ERRORS = {400: "invalid_request_error", 401: "invalid_request_error",
                 403: "invalid_request_error", 404: "invalid_request_error",
                 429: "rate_limit_exceeded"}


def error_answer(path: str, status: int, message: str) -> web.Response:
    """The error JSON of the API that ``path`` belongs to (Anthropic for ``/v1/messages``)."""
    if path.startswith("/v1/messages"):
        kind = ANTHROPIC_ERRORS.get(status, "api_error")
        body: dict[str, Any] = {"type": "error", "error": {"type": kind, "message": message}}
    else:
        kind = OPENAI_ERRORS.get(status, "server_error")
        body = {"error": {"message": message, "type": kind, "param": None, "code": None}}
    return web.json_response(body, status=status)
