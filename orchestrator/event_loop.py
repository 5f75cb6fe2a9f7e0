"""Which asyncio event loop the orchestrator runs on.

uvloop (libuv) by default: every request crosses the loop several times (four ext_proc
messages, the Triton call, the cache). On the 2-core machine, in four pairs of
`bench/overhead.py` runs alternated in both orders, uvloop took 8-28% less orchestrator CPU
per routed request at concurrency 32 in 7 of 8 cells (1% more in the eighth) and served more
routed requests/s in 7 of 8, one equal (bench/RESULTS.md, 2026-11-23). `asyncio` is the
standard library's loop, for platforms without uvloop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any, Literal, TypeVar

EventLoopName = Literal["uvloop", "asyncio"]
T = TypeVar("T")


def loop_factory(name: EventLoopName) -> Callable[[], asyncio.AbstractEventLoop] | None:
    """None means asyncio's default loop."""
    if name == "uvloop":
        import uvloop

        return uvloop.new_event_loop
    return None


def run(main: Coroutine[Any, Any, T], name: EventLoopName) -> T:
    with asyncio.Runner(loop_factory=loop_factory(name)) as runner:
        return runner.run(main)
