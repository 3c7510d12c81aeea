"""Run a coroutine on uvloop when it is installed (it is a dependency), else on asyncio's loop.

uvloop's libuv-based loop moves HTTP bytes markedly faster than the default selector loop; the
benchmark's pass-through baseline uses the same function, so comparisons stay fair.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is a dependency on Linux
        return None
    return uvloop.new_event_loop


def run(main: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run`` with the fastest available loop."""
    with asyncio.Runner(loop_factory=loop_factory()) as runner:
        return runner.run(main)


# Young-generation threshold while serving (CPython's default: 700). An exchange allocates a few
# hundred container objects that reference counting frees; a collection scans the survivors,
# i.e. the exchanges in flight, so fewer collections mean proportionally less scanning. Still
# bounded: cyclic garbage waits for at most this many allocations.
SERVING_GC_THRESHOLD = 10_000


def settle_gc() -> None:
    """Call once the server is up: what start-up built (modules, contracts, compiled tries)
    lives as long as the process, so it leaves the collector's generations (``gc.freeze``)
    instead of being walked by every full collection; young collections become rarer."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(SERVING_GC_THRESHOLD, middle, old)
