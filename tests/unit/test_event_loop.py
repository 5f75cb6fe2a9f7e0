import asyncio

import uvloop

from orchestrator.event_loop import run


async def running_loop() -> asyncio.AbstractEventLoop:
    return asyncio.get_running_loop()


def test_run_uses_the_named_loop() -> None:
    assert isinstance(run(running_loop(), "uvloop"), uvloop.Loop)
    default = run(running_loop(), "asyncio")
    assert not isinstance(default, uvloop.Loop)
    assert isinstance(default, asyncio.BaseEventLoop)
