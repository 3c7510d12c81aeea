"""Replace detected entities in free text by ``<ENTITY_TYPE>``; fill pending redactions.

Overlapping spans are merged into one replacement so no fragment of an entity survives between
two labels; the merged span takes the label of its highest-scoring part.
"""

from __future__ import annotations

from collections.abc import Sequence

from proxy.enforce.minimize import PendingRedaction
from proxy.enforce.report import MessageReport
from recognizers.custom import DetectionConfig
from recognizers.types import DetectionRequest, Span


def merge_spans(spans: Sequence[Span], touching: bool = False) -> list[Span]:
    """Merge overlapping spans (and, with ``touching``, adjacent ones); keep the label of the
    highest score (longer wins a tie)."""
    merged: list[Span] = []
    reach = 1 if touching else 0
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if merged and span.start < merged[-1].end + reach:
            last = merged[-1]
            if (span.score, span.end - span.start) > (last.score, last.end - last.start):
                label, score = span.entity_type, span.score
            else:
                label, score = last.entity_type, last.score
            merged[-1] = Span(last.start, max(last.end, span.end), label, score)
        else:
            merged.append(span)
    return merged


def redact_text(text: str, spans: Sequence[Span]) -> tuple[str, list[str]]:
    """Return the text with each merged span replaced, and the entity types replaced."""
    parts: list[str] = []
    types: list[str] = []
    cursor = 0
    for span in merge_spans(spans):
        parts.append(text[cursor : span.start])
        parts.append(f"<{span.entity_type}>")
        types.append(span.entity_type)
        cursor = span.end
    parts.append(text[cursor:])
    return "".join(parts), types


def detection_requests(
    pending: Sequence[PendingRedaction],
    default_entities: tuple[str, ...] | None = None,
    options: DetectionConfig | None = None,
    vendor: str = "",
) -> list[DetectionRequest]:
    """The detector's input for a list of pending redactions, in the same order.

    ``options`` is the vendor contract's ``detection:`` section: its sensitivity (which types a
    rule without ``entities`` removes), allow and deny lists, and its custom recognizers
    (registered with the workers as ``vendor/name``) and phone regions.
    """
    if default_entities is None:
        default_entities = (options or DetectionConfig()).default_entities()
    allow = options.allow_list if options is not None else ()
    deny = options.deny_list if options is not None else ()
    custom = tuple(f"{vendor}/{spec.name}" for spec in options.recognizers) if options else ()
    regions = options.phone_regions if options is not None else None
    return [
        DetectionRequest(
            text=item.text,
            entities=item.rule.entities if item.rule.entities is not None else default_entities,
            score_threshold=item.rule.score_threshold,
            allow_list=allow,
            deny_list=deny,
            recognizers=custom,
            phone_regions=regions,
        )
        for item in pending
    ]


def apply_redactions(
    pending: Sequence[PendingRedaction],
    results: Sequence[Sequence[Span]],
    report: MessageReport,
) -> None:
    """Write the redacted texts into their slots and count entities in the report."""
    if len(results) != len(pending):  # a detector that lost a result must not pass text through
        raise ValueError("detector returned a different number of results")
    for item, spans in zip(pending, results, strict=False):
        redacted, types = redact_text(item.text, spans)
        item.container[item.key] = redacted  # type: ignore[index]
        report.entities.update(types)
        report.transform(item.path, "redact")
        if types:
            report.found_in(item.path, types)
