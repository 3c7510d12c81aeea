"""Streaming bodies: NDJSON, JSON arrays, SSE and plain text, record by record, bounded.

A route opts in per direction with ``stream:`` (``proxy.contract.models.StreamSpec``). Modules:

- ``framing``: cut bytes into records whatever the chunking (NDJSON lines, JSON array
  elements at a path, SSE events), each bounded by ``max_record_bytes``.
- ``records``: parse, minimize (the route's body rules apply to one record), redact a batch of
  consecutive records with one detector call, re-encode.
- ``text_window``: redact a text stream holding back a window, so entities split across
  chunks are found and the output does not depend on the chunking.
- ``pipeline``: the bounded queue, batching and in-order delivery with backpressure.
- ``streamed``: one exchange, both directions, failures and the audit ``stream`` section.
(Contract checks for ``stream:`` live in ``proxy.config.stream_checks``.)
"""

from proxy.exchange.streaming.streamed import StreamingExchange, streams

__all__ = ["StreamingExchange", "streams"]
