"""Per-API rewriters of streamed answers (see ``proxy.exchange.llm.events``).

- OpenAI Chat Completions: ``chat.completion.chunk`` objects; text in
  ``choices[i].delta.content`` (and ``refusal``), arguments in
  ``choices[i].delta.tool_calls[j].function.arguments``; a block ends with the choice's
  ``finish_reason``.
- OpenAI Responses: typed events; ``response.output_text.delta`` per output item and content
  part, ending with ``response.output_text.done`` (whose ``text`` repeats the whole and is
  restored whole), ``response.function_call_arguments.delta`` / ``.done``, and
  ``response.completed`` repeating the whole answer (restored like a whole answer). Sequence
  numbers are renumbered when events are added or held.
- Anthropic Messages: ``content_block_delta`` with ``text_delta`` (restored per block) or
  ``input_json_delta`` (held until ``content_block_stop``); thinking and signature deltas pass
  untouched.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from proxy.contract.models import LlmApi
from proxy.exchange.llm.answers import restore_document
from proxy.exchange.llm.events import Restorers, Rewriter

if TYPE_CHECKING:
    from proxy.enforce.placeholders import PlaceholderBook
    from proxy.exchange.llm.answer_windows import AnswerWindows


class ChatRewriter(Restorers):
    """OpenAI ``chat.completion.chunk`` events."""

    def __init__(self, book: PlaceholderBook, windows: AnswerWindows | None = None) -> None:
        super().__init__(book, windows)
        self._last: dict[str, Any] = {}

    def rewrite(self, event: dict[str, Any]) -> list[dict[str, Any]] | None:
        if event.get("object", "chat.completion.chunk") != "chat.completion.chunk":
            return None
        self._last = {k: event[k] for k in ("id", "object", "created", "model") if k in event}
        for choice in event.get("choices") or ():
            if isinstance(choice, dict):
                self._choice(choice)
        return [event]

    def _choice(self, choice: dict[str, Any]) -> None:
        index = choice.get("index", 0)
        delta = choice.get("delta")
        if not isinstance(delta, dict):
            delta = choice["delta"] = {}
        for field in ("content", "refusal"):
            if isinstance(delta.get(field), str):
                delta[field] = self.feed((index, field), delta[field])
        for call in delta.get("tool_calls") or ():
            function = call.get("function") if isinstance(call, dict) else None
            if isinstance(function, dict) and isinstance(function.get("arguments"), str):
                self.hold((index, "call", call.get("index", 0)), function["arguments"])
                function["arguments"] = ""
        if choice.get("finish_reason") is not None:
            self._close(index, delta)

    def _close(self, index: Any, delta: dict[str, Any]) -> None:
        texts, calls = self.open_keys()
        for key in texts:
            if key[0] == index and (tail := self.flush(key)):
                delta[key[1]] = (delta.get(key[1]) or "") + tail
        for key in calls:
            if key[0] == index:
                arguments = self.arguments(key)
                delta.setdefault("tool_calls", []).append(
                    {"index": key[2], "function": {"arguments": arguments}})

    def finish(self) -> list[dict[str, Any]]:
        texts, calls = self.open_keys()
        indexes = sorted({key[0] for key in texts + calls}, key=str)
        out = []
        for index in indexes:
            delta: dict[str, Any] = {}
            self._close(index, delta)
            if delta:
                out.append({**self._last, "choices": [
                    {"index": index, "delta": delta, "finish_reason": None}]})
        return out


_RESPONSES_WHOLE = frozenset({
    "response.created", "response.in_progress", "response.completed", "response.failed",
    "response.incomplete", "response.queued", "response.output_item.added",
    "response.output_item.done", "response.content_part.added", "response.content_part.done",
    "response.refusal.done", "error", "response.reasoning_summary_part.added",
    "response.reasoning_summary_part.done", "response.reasoning_summary_text.delta",
    "response.reasoning_summary_text.done",
})


class ResponsesRewriter(Restorers):
    """OpenAI Responses API events."""

    def __init__(self, book: PlaceholderBook, windows: AnswerWindows | None = None) -> None:
        super().__init__(book, windows)
        self._sequence = 0

    def rewrite(self, event: dict[str, Any]) -> list[dict[str, Any]] | None:
        kind = event.get("type")
        out: list[dict[str, Any]]
        key = (event.get("output_index"), event.get("content_index"))
        if kind in ("response.output_text.delta", "response.refusal.delta"):
            event["delta"] = self.feed(key, str(event.get("delta", "")))
            out = [event] if event["delta"] else []
        elif kind == "response.output_text.done":
            tail = self.flush(key)
            # The tail as one more delta: the done event's fields but its copy of the text.
            head = {name: value for name, value in event.items() if name != "text"}
            out = [{**head, "type": "response.output_text.delta", "delta": tail}] if tail else []
            event["text"] = self._repeated(key, event.get("text"))
            out.append(event)
        elif kind == "response.function_call_arguments.delta":
            self.hold(event.get("output_index"), str(event.get("delta", "")))
            out = []
        elif kind == "response.function_call_arguments.done":
            held = self.arguments(event.get("output_index"))
            whole = self.book.restore_json_string(str(event.get("arguments", "")))
            out = [{**event, "type": "response.function_call_arguments.delta",
                    "delta": whole}] if held is not None else []
            event["arguments"] = whole
            out.append(event)
        elif kind in _RESPONSES_WHOLE:
            restore_document(event, self.book)
            if self.windows is not None:
                self._checked_repeats(event)
            out = [event]
        else:
            return None
        for item in out:
            if "sequence_number" in item:
                item["sequence_number"] = self._sequence
                self._sequence += 1
        return out

    def finish(self) -> list[dict[str, Any]]:
        return []  # the API ends every block with a done event; a cut stream ends unrestored

    def _repeated(self, key: Any, text: Any) -> str:
        """A done event's copy of a block's text: restored, or with ``llm.answer`` exactly the
        deltas that went out (text no window checked does not go out)."""
        if self.windows is None:
            return self.book.restore_text(str(text or ""))
        return self.windows.joined(key) or ""

    def _checked_repeats(self, event: dict[str, Any]) -> None:
        """The text parts that whole events repeat, replaced by what the windows let out."""
        parts: list[tuple[Any, Any]] = []
        if isinstance(part := event.get("part"), dict):
            parts.append(((event.get("output_index"), event.get("content_index")), part))
        items: list[tuple[Any, Any]] = []
        if isinstance(item := event.get("item"), dict):
            items.append((event.get("output_index"), item))
        if isinstance(response := event.get("response"), dict):
            items += list(enumerate(response.get("output") or ()))
        for index, item in items:
            contents = item.get("content") if isinstance(item, dict) else None
            parts += [((index, position), content)
                      for position, content in enumerate(contents or ())]
        for key, content in parts:
            for field in ("text", "refusal"):
                if isinstance(content, dict) and isinstance(content.get(field), str):
                    content[field] = self._repeated(key, content[field])


class AnthropicRewriter(Restorers):
    """Anthropic Messages events."""

    _PASS = frozenset({"message_delta", "message_stop", "ping", "error"})

    def rewrite(self, event: dict[str, Any]) -> list[dict[str, Any]] | None:
        kind = event.get("type")
        index = event.get("index")
        if kind == "message_start" or kind == "content_block_start":
            restore_document(event, self.book)
            return [event]
        if kind == "content_block_delta":
            delta = event.get("delta")
            if not isinstance(delta, dict):
                return None
            delta_kind = delta.get("type")
            if delta_kind == "text_delta":
                delta["text"] = self.feed(index, str(delta.get("text", "")))
                return [event] if delta["text"] else []
            if delta_kind == "input_json_delta":
                self.hold(index, str(delta.get("partial_json", "")))
                return []
            if delta_kind in ("thinking_delta", "signature_delta", "citations_delta"):
                return [event]
            return None
        if kind == "content_block_stop":
            out = []
            if tail := self.flush(index):
                out.append({"type": "content_block_delta", "index": index,
                            "delta": {"type": "text_delta", "text": tail}})
            arguments = self.arguments(index)
            if arguments is not None:
                out.append({"type": "content_block_delta", "index": index,
                            "delta": {"type": "input_json_delta", "partial_json": arguments}})
            return [*out, event]
        if kind in self._PASS:
            return [event]
        return None

    def finish(self) -> list[dict[str, Any]]:
        return []


def rewriter_for(api: LlmApi, book: PlaceholderBook,
                 windows: AnswerWindows | None = None) -> Rewriter | None:
    """The answer-stream rewriter of an API (embeddings do not stream)."""
    if api is LlmApi.OPENAI_CHAT:
        return ChatRewriter(book, windows)
    if api is LlmApi.OPENAI_RESPONSES:
        return ResponsesRewriter(book, windows)
    if api is LlmApi.ANTHROPIC_MESSAGES:
        return AnthropicRewriter(book, windows)
    return None
