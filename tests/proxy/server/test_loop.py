"""The serving process's collector settings (proxy.server.loop.settle_gc)."""

from __future__ import annotations

import gc

from proxy.server.loop import SERVING_GC_THRESHOLD, settle_gc


def test_settle_gc_freezes_start_up_objects_and_raises_the_young_threshold() -> None:
    before = gc.get_threshold()
    try:
        settle_gc()
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold() == (SERVING_GC_THRESHOLD, before[1], before[2])
        assert gc.isenabled()  # cycles are still collected, only less often
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
