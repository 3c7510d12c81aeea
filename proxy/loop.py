"""Run a coroutine on uvloop when it is installed (it is a dependency), else on asyncio's loop.

uvloop's libuv-based loop moves HTTP bytes markedly faster than the default selector loop; the
benchmark's pass-through baseline uses the same function, so comparisons stay fair.
"""

from __future__ import annotations

import asyncio
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
