"""``make demo``, the model-API part: one streamed OpenAI chat request through the proxy.

A support agent asks a model to draft a reply to a ticket that names a customer, with an email
address and a phone number. The demo routes the ``openai`` and ``anthropic`` contracts to the
fake model vendor (``proxy.fake_model``, in-process on 127.0.0.1), which echoes the prompt's
placeholders in its answer, and prints three panels:

1. what our service sent (the prompt, with the personal data in it);
2. what the model vendor received (placeholders such as ``<PERSON_7f3a9c01>`` instead);
3. what our service got back (the answer assembled from the streamed deltas, values restored);

then the ``llm`` section of the exchange's audit record (counts, never values).

The placeholder mappings are sealed with ``PROXY_VAULT_KEY`` in the demo's own SQLite file under
``.demo/`` (git-ignored), never in ``var/``. Terminal output only, with made-up data.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import secrets
import shutil
import textwrap
from pathlib import Path
from typing import Any

import aiohttp

from proxy.config.loader import LoadedConfig
from proxy.fake_model import FakeModel, Received
from proxy.tools.demo_view import (
    COLUMN_SEPARATOR,
    KIND_STYLES,
    SIDE_BY_SIDE_MIN_COLUMNS,
    Line,
    Style,
    align,
    exchange_view,
    lookup,
    render_json,
    say,
    sent_kind,
    styled_cells,
)

DEMO_STATE_DIR = Path(".demo")  # relative to the working directory, like the default var/
DEMO_STATE_FILE = "privacy-state.sqlite3"
MODEL_VENDORS = ("openai", "anthropic")  # the sample contracts with llm: routes
CHAT_VENDOR = "openai"
CHAT_PATH = "/openai/v1/chat/completions"

PROMPT_HEADING = "WHAT OUR SERVICE SENT (the prompt, to the proxy)"
MODEL_HEADING = "WHAT THE MODEL VENDOR RECEIVED (from the proxy)"
ANSWER_HEADING = "WHAT OUR SERVICE GOT BACK (the streamed answer, restored by the proxy)"
LLM_AUDIT_HEADING = "THE AUDIT RECORD'S llm SECTION (counts, never values)"

CUSTOMER_NAME = "Maria Gonzalez"
CUSTOMER_EMAIL = "maria.g@example.net"
CUSTOMER_PHONE = "(415) 555-0134"
TICKET = (f"{CUSTOMER_NAME} ({CUSTOMER_EMAIL}, phone {CUSTOMER_PHONE}) wrote: my parcel was "
          "due last Friday and never arrived, and nobody answers the hotline. Please call me.")

# The demo's client sends only the headers it shows (no automatic Accept / User-Agent).
CLIENT_SKIP_AUTO_HEADERS = ("Accept", "Accept-Encoding", "User-Agent")
ANSWER_MAX_COLUMNS = 100  # the answer is prose: wrapped narrower than the panels
MODEL_ANSWER_WORDS = 24  # the fake model's answer length: long enough to stream, short to read
AUDIT_WAIT_S = 2.0  # a streamed exchange's record is written as its stream ends


# -- setup: the demo's state directory and the model vendors' upstream -------------------------

def with_demo_state(config: LoadedConfig, state_dir: Path = DEMO_STATE_DIR) -> LoadedConfig:
    """``config`` with its SQLite stores (placeholder mappings, vault, ledger) in ``state_dir``.

    A Redis backend is left as configured. The file is the demo's: made-up data, never a real
    deployment's ``var/``.
    """
    stores = config.settings.stores
    if stores.backend != "sqlite":
        return config
    moved = stores.model_copy(update={"sqlite_path": str(state_dir / DEMO_STATE_FILE)})
    settings = config.settings.model_copy(update={"stores": moved})
    return dataclasses.replace(config, settings=settings)


def model_overrides(config: LoadedConfig, model_url: str) -> dict[str, str]:
    """Per-vendor upstream overrides sending the sample model-API contracts to ``model_url``.

    ``upstream_overrides`` is keyed by the contract's ``vendor`` name, with ``"*"`` for every
    other vendor (``ExchangeSteps.target_url``); the caller keeps ``"*"`` for its own vendor.
    """
    return {name: model_url for name in MODEL_VENDORS if name in config.vendors}


async def start_model_vendor(model: FakeModel, style: Style) -> None:
    """Serve the fake model vendor on a free port of 127.0.0.1 and say where."""
    await model.start()
    say(f"demo model vendor listening on {model.url} (a fake OpenAI / Anthropic API that "
        "echoes the prompt's placeholders)")
    say(style(f"  placeholder mappings (sealed with the demo vault key) go to "
              f"{DEMO_STATE_DIR / DEMO_STATE_FILE}", "dim"))


# -- the example request -------------------------------------------------------------------------

def chat_headers(conversation: str) -> dict[str, str]:
    """Headers of the support tool: the API key and the conversation the placeholders belong to."""
    return {
        "Content-Type": "application/json",
        "Authorization": "Bearer sk-demo-not-a-real-key",
        "X-Conversation-Id": conversation,
    }


def chat_body() -> dict[str, Any]:
    """An OpenAI chat request, streamed: draft a reply to a ticket full of personal data."""
    return {
        "model": "gpt-4o-mini",
        "stream": True,
        "temperature": 0.3,
        "messages": [
            {"role": "system",
             "content": "You help support agents draft short, friendly replies to tickets."},
            {"role": "user",
             "content": f"Draft a reply to this ticket, addressing the customer by name. {TICKET}"},
        ],
    }


def assemble_stream(raw: bytes) -> tuple[str, int]:
    """The answer text of an OpenAI chat stream (its ``delta.content`` parts) and the number of
    ``data:`` events it came in."""
    parts: list[str] = []
    events = 0
    for line in raw.decode(errors="replace").splitlines():
        if not line.startswith("data: ") or line == "data: [DONE]":
            continue
        events += 1
        chunk = json.loads(line[len("data: "):])
        for choice in chunk.get("choices") or []:
            content = (choice.get("delta") or {}).get("content")
            if isinstance(content, str):
                parts.append(content)
    return "".join(parts), events


# -- panels --------------------------------------------------------------------------------------

def prompt_kind(line: Line, received: Any) -> str:
    """A line of the prompt is ``dropped`` when nothing at its path reached the vendor."""
    return sent_kind(line.path, received)


def model_kind(line: Line, sent: Any, received: Any) -> str:
    """A line the vendor received: ``same``, ``added`` (framing) or ``pseudonymized`` (the text
    now holds placeholders; shown in the same colour as the mail demo's replaced ids)."""
    if sent_kind(line.path, sent) == "dropped":  # nothing at this path in what was sent
        return "added"
    before = lookup(sent, line.path)
    after = lookup(received, line.path)
    if isinstance(after, (dict, list)) or before == after:
        return "same"
    return "pseudonymized"


def print_prompt_and_model(sent: dict[str, Any], received: dict[str, Any], style: Style) -> None:
    """Panels 1 and 2: next to each other, aligned by path, or one after the other when narrow."""
    columns = shutil.get_terminal_size((80, 24)).columns
    left_lines, right_lines = render_json(sent), render_json(received)
    if columns < SIDE_BY_SIDE_MIN_COLUMNS:
        width = max(columns - 1, 40)
        for heading, lines, kind in (
                (PROMPT_HEADING, left_lines, lambda ln: prompt_kind(ln, received)),
                (MODEL_HEADING, right_lines, lambda ln: model_kind(ln, sent, received))):
            say(style(heading, "bold"))
            for line in lines:
                for _, text in styled_cells(line, kind(line), width, style):
                    say(text)
            say()
        return
    width = (columns - len(COLUMN_SEPARATOR) - 1) // 2
    say(style(PROMPT_HEADING.ljust(width), "bold") + COLUMN_SEPARATOR
        + style(MODEL_HEADING, "bold"))
    say("─" * width + COLUMN_SEPARATOR.replace(" ", "─") + "─" * width)
    for left_line, right_line in align(left_lines, right_lines):
        left = styled_cells(left_line, prompt_kind(left_line, received) if left_line else "same",
                            width, style)
        right = styled_cells(right_line,
                             model_kind(right_line, sent, received) if right_line else "same",
                             width, style)
        for i in range(max(len(left), len(right))):
            plain, text = left[i] if i < len(left) else ("", "")
            right_text = right[i][1] if i < len(right) else ""
            say((text + " " * (width - len(plain)) + COLUMN_SEPARATOR + right_text).rstrip())
    say()


def print_answer(status: int, answer: str, events: int, style: Style) -> None:
    """Panel 3: the answer our service read from the stream, wrapped to the terminal."""
    width = max(min(shutil.get_terminal_size((80, 24)).columns, ANSWER_MAX_COLUMNS) - 3, 40)
    say(style(ANSWER_HEADING, "bold"))
    say(style(f"  HTTP {status}, text/event-stream: {events} events; their delta.content "
              "joined:", "dim"))
    for piece in textwrap.wrap(answer, width, break_long_words=False, break_on_hyphens=False):
        say("  " + style(piece, "green"))  # hyphens kept: a phone number stays on one line
    say()


def print_llm_audit(record: dict[str, Any], style: Style) -> None:
    """The audit record's ``llm`` section, and a legend of its counts and of panel 2's colour."""
    section = record.get("llm") or {}
    say(style(LLM_AUDIT_HEADING, "bold"))
    say(style(json.dumps(section, indent=2), "dim"))
    say()
    say(style("legend", "bold") + " (counts from the llm section above):")
    say("  " + style("placeholders", *KIND_STYLES["pseudonymized"])
        + f"  {section.get('placeholders', 0)} new in the prompt, stored (sealed) before it left")
    say(f"  restored      {section.get('restored', 0)} in the answer, turned back into the values")
    say(f"  unknown       {section.get('unknown', 0)} made up by the model, left as written")
    say(style("  free text goes with placeholders, other fields by the contract's rules", "dim"))
    say(style("  (config/vendors/openai.yaml)", "dim"))


# -- the exchange --------------------------------------------------------------------------------

async def post_streamed(url: str, headers: dict[str, str],
                        body: dict[str, Any]) -> tuple[int, bytes]:
    """POST ``body`` and read the whole event stream; the status and the raw bytes."""
    async with aiohttp.ClientSession(skip_auto_headers=CLIENT_SKIP_AUTO_HEADERS) as session, \
            session.post(url, data=json.dumps(body).encode(), headers=headers) as resp:
        raw = bytearray()
        async for chunk in resp.content.iter_any():
            raw += chunk
        return resp.status, bytes(raw)


async def llm_record(records: list[dict[str, Any]], first: int) -> dict[str, Any] | None:
    """The first audit record with an ``llm`` section from index ``first`` on (waits briefly:
    the record of a streamed exchange is written once the stream has ended)."""
    deadline = asyncio.get_running_loop().time() + AUDIT_WAIT_S
    while True:
        found = [r for r in records[first:] if r.get("llm") is not None]
        if found or asyncio.get_running_loop().time() > deadline:
            return found[0] if found else None
        await asyncio.sleep(0.02)


def received_view(received: Received) -> dict[str, Any]:
    """The vendor's side of panel 2: the headers and the JSON body it got."""
    return exchange_view(received.headers, received.json)


async def show_llm_exchange(proxy_url: str, config: LoadedConfig, model: FakeModel,
                            records: list[dict[str, Any]], style: Style) -> bool:
    """Send the streamed chat request through the proxy and print the three panels and the
    audit record's ``llm`` section; False if it did not get through."""
    if CHAT_VENDOR not in config.vendors:
        say(style(f"no '{CHAT_VENDOR}' contract in this configuration: model-API part "
                  "skipped", "yellow"))
        return True
    headers = chat_headers(f"demo-{secrets.token_hex(4)}")  # a fresh conversation each run
    body = chat_body()
    before, first_record = len(model.received), len(records)
    say(style(f"sending one streamed model-API request with PII: POST {proxy_url}{CHAT_PATH}",
              "cyan"))
    status, raw = await post_streamed(proxy_url + CHAT_PATH, headers, body)
    if status != 200 or len(model.received) == before:
        say(style(f"the proxy answered {status} and the model vendor received "
                  f"{len(model.received) - before} request(s):", "red", "bold"))
        say(raw.decode(errors="replace"))
        return False
    say()
    print_prompt_and_model(exchange_view(headers, body), received_view(model.received[-1]),
                           style)
    answer, events = assemble_stream(raw)
    print_answer(status, answer, events, style)
    record = await llm_record(records, first_record)
    if record is not None:
        print_llm_audit(record, style)
    say()
    return True
