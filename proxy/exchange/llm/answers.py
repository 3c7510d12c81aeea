"""A whole (JSON) model answer with the scope's placeholders put back.

Every string of the answer is restored: the model may quote a placeholder in its text, in a tool
call's arguments (a JSON string in the OpenAI APIs, restored as JSON so a value with quotes
stays valid), in a tool_use input object, or in a refusal. Signed reasoning is the exception:
Anthropic ``thinking`` / ``redacted_thinking`` blocks and OpenAI ``encrypted_content`` go back
byte for byte, because the next request sends them back and a changed one is refused by the
vendor (they keep the placeholders, which is also what the vendor saw).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from proxy.enforce.placeholders import PlaceholderBook

SIGNED_BLOCKS = frozenset({"thinking", "redacted_thinking"})
_UNTOUCHED_KEYS = frozenset({"signature", "encrypted_content", "id", "call_id", "tool_call_id",
                             "type", "object", "model", "role"})
_JSON_STRINGS = frozenset({"arguments"})


def string_slots(document: Any) -> Iterator[tuple[Any, Any, str]]:
    """``(container, key, value)`` of every string of ``document`` outside signed blocks."""
    stack = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if node.get("type") in SIGNED_BLOCKS:
                continue
            items: Any = node.items()
        elif isinstance(node, list):
            items = enumerate(node)
        else:
            continue
        for key, value in list(items):
            if isinstance(value, str):
                yield node, key, value
            elif isinstance(value, (dict, list)):
                stack.append(value)


def restore_document(document: Any, book: PlaceholderBook) -> None:
    """Restore placeholders in every string of ``document``, in place."""
    for node, key, value in string_slots(document):
        if key not in _UNTOUCHED_KEYS:
            node[key] = (book.restore_json_string(value) if key in _JSON_STRINGS
                         else book.restore_text(value))
