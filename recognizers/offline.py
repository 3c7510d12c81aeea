"""Keep the detection engine offline at run time.

Presidio's ``EmailRecognizer`` validates domains with ``tldextract.extract``. The module-level
extractor behind that function fetches the public suffix list over HTTPS on first use (and
caches it on disk). We replace it with an extractor that only reads the snapshot bundled with
the package: no network, no cache directory writes.
"""

from __future__ import annotations

import threading

import tldextract
import tldextract.tldextract

_lock = threading.Lock()
_offline_extractor: tldextract.TLDExtract | None = None


def make_offline() -> None:
    """Point ``tldextract.extract`` at the bundled public suffix snapshot. Idempotent.

    Must run in every process before any analysis (``build_analyzer`` calls it).
    """
    global _offline_extractor
    with _lock:
        if _offline_extractor is not None and (
            tldextract.tldextract.TLD_EXTRACTOR is _offline_extractor
        ):
            return
        extractor = tldextract.TLDExtract(
            suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True
        )
        # `tldextract.extract` looks the global up at call time, so rebinding it is enough.
        tldextract.tldextract.TLD_EXTRACTOR = extractor
        _offline_extractor = extractor
