"""What a prompt may hold, per API: content part types, media parts and token arrays.

Selectors decide which fields pass; they cannot tell a content part the API defines from one it
does not (a new part type could carry text no rule checks). So before minimization each API's
parts are checked against the types it documents: an unknown type is refused with nothing sent
(``400 llm_unknown_part``), media parts (images, audio, files: not text detection can check) are
dropped unless the contract keeps them, and embeddings given as token ids are refused unless the
contract allows them (``400 llm_token_array``).
"""

from __future__ import annotations

from typing import Any

from proxy.contract.models import LlmApi, LlmSpec
from proxy.errors import BadRequest

# Part types each API documents, split into text-like parts (checked by the route's selectors)
# and media parts (dropped unless ``images: keep``).
_CHAT_TEXT = frozenset({"text", "refusal"})
_CHAT_MEDIA = frozenset({"image_url", "input_audio", "file"})
_RESPONSES_TEXT = frozenset({"input_text", "output_text", "refusal", "summary_text"})
_RESPONSES_MEDIA = frozenset({"input_image", "input_file", "input_audio"})
_RESPONSES_ITEMS = frozenset({"message", "function_call", "function_call_output", "reasoning",
                              "item_reference"})
_ANTHROPIC_TEXT = frozenset({"text", "tool_use", "tool_result", "thinking",
                             "redacted_thinking"})
_ANTHROPIC_MEDIA = frozenset({"image", "document"})


def _unknown(where: str, kind: object) -> BadRequest:
    name = kind if isinstance(kind, str) and len(kind) <= 40 else "?"
    return BadRequest(f"{where}: content part type '{name}' is not one this route can check; "
                      "nothing was sent", reason="llm_unknown_part")


def _parts(parts: list[Any], where: str, text: frozenset[str], media: frozenset[str],
           keep_media: bool, nested: str | None = None) -> tuple[list[Any], bool]:
    """The parts that pass (media dropped unless kept); refuses unknown part types."""
    out: list[Any] = []
    changed = False
    for index, part in enumerate(parts):
        kind = part.get("type") if isinstance(part, dict) else None
        if kind in media:
            if keep_media:
                out.append(part)
            else:
                changed = True
            continue
        if kind not in text:
            raise _unknown(f"{where}[{index}]", kind)
        if nested is not None and kind == nested and isinstance(part.get("content"), list):
            part["content"], inner = _parts(part["content"], f"{where}[{index}].content", text,
                                            media, keep_media)
            changed = changed or inner
        out.append(part)
    return out, changed


def _messages(messages: Any, where: str, text: frozenset[str], media: frozenset[str],
              keep_media: bool, nested: str | None = None) -> bool:
    changed = False
    if not isinstance(messages, list):
        return False
    for index, message in enumerate(messages):
        if isinstance(message, dict) and isinstance(message.get("content"), list):
            message["content"], dropped = _parts(message["content"],
                                                 f"{where}[{index}].content", text, media,
                                                 keep_media, nested)
            changed = changed or dropped
    return changed


def _responses_input(items: Any, keep_media: bool) -> bool:
    if not isinstance(items, list):
        return False
    changed = False
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise _unknown(f"input[{index}]", None)
        kind = item.get("type", "message")  # a message may omit its type
        if kind not in _RESPONSES_ITEMS:
            raise _unknown(f"input[{index}]", kind)
        if kind == "message" and isinstance(item.get("content"), list):
            item["content"], dropped = _parts(item["content"], f"input[{index}].content",
                                              _RESPONSES_TEXT, _RESPONSES_MEDIA, keep_media)
            changed = changed or dropped
    return changed


def _token_ids(value: Any) -> bool:
    if isinstance(value, list) and value:
        first = value[0]
        if isinstance(first, int) and not isinstance(first, bool):
            return True
        return isinstance(first, list)
    return False


def check_prompt(spec: LlmSpec, document: Any) -> bool:
    """Check (and trim) a request document in place; True when it was changed."""
    if not isinstance(document, dict):
        return False  # the route's selectors refuse a body of another shape
    keep = spec.images == "keep"
    if spec.api is LlmApi.OPENAI_CHAT:
        return _messages(document.get("messages"), "messages", _CHAT_TEXT, _CHAT_MEDIA, keep)
    if spec.api is LlmApi.OPENAI_RESPONSES:
        return _responses_input(document.get("input"), keep)
    if spec.api is LlmApi.ANTHROPIC_MESSAGES:
        changed = False
        if isinstance(document.get("system"), list):
            document["system"], changed = _parts(document["system"], "system", _ANTHROPIC_TEXT,
                                                 _ANTHROPIC_MEDIA, keep)
        inner = _messages(document.get("messages"), "messages", _ANTHROPIC_TEXT,
                          _ANTHROPIC_MEDIA, keep, nested="tool_result")
        return changed or inner
    if _token_ids(document.get("input")) and spec.token_arrays == "refuse":
        raise BadRequest("input: token ids cannot be checked for personal data; send text, or "
                         "set llm.token_arrays: allow in the contract", reason="llm_token_array")
    return False
