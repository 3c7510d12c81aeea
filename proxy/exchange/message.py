"""One message between the checks and the vendor: what minimization left and what detection
still has to fill in, and what the exchange needs from the detection engine."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from proxy.codecs import BodyCodec
from proxy.enforce.minimize import PendingRedaction
from proxy.enforce.report import MessageReport
from proxy.policy.gate import Screening
from recognizers.types import DetectionRequest, Span

if TYPE_CHECKING:
    from proxy.enforce.placeholders import PlaceholderBook
    from proxy.enforce.span_cache import SpanCache


class SupportsDetect(Protocol):
    """What the exchange needs from the detection engine (``recognizers.DetectionPool``)."""

    async def detect(self, requests: Sequence[DetectionRequest]) -> list[list[Span]]: ...


@dataclass
class CheckedMessage:
    """A message after minimization, before detection fills its redactions: the per-message
    enforcement state (headers, query, document and codec, pending work, report)."""

    headers: dict[str, str]
    query: list[list[str]]
    document: object = None  # minimized document, or None when no body passes
    codec: BodyCodec | None = None
    pending: list[PendingRedaction] = field(default_factory=list)
    report: MessageReport = field(default_factory=MessageReport)
    set_cookies: list[str] = field(default_factory=list)  # response: per the cookies section
    screening: Screening | None = None  # the privacy-policy step (routes with a subject)
    book: PlaceholderBook | None = None  # llm routes: the scope's placeholders (exchange.llm)
    span_cache: SpanCache | None = None  # llm routes: spans of texts checked before

    def encoded_body(self) -> tuple[bytes, str] | None:
        """The re-encoded body and its Content-Type, or None when no body passes."""
        if self.document is None or self.codec is None:
            return None
        return self.codec.encode(self.document)
