"""The pacing windows cost nothing while people wait: a completion lets the next callers go and
wakes no one else, in the order they asked."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

from bot import rate_limit


class Counted(Coroutine):
    """A coroutine that counts how often the event loop resumes it: what a wake-up costs."""

    def __init__(self, inner: Coroutine, counter: list[int]) -> None:
        self.inner, self.counter = inner, counter

    def send(self, value: Any) -> Any:
        self.counter[0] += 1
        return self.inner.send(value)

    def throw(self, *args: Any) -> Any:
        self.counter[0] += 1
        return self.inner.throw(*args)

    def close(self) -> None:
        self.inner.close()

    def __await__(self):  # pragma: no cover - a task drives it through send
        return self.inner.__await__()


async def test_waiters_are_let_go_in_order_and_woken_once():
    """Two hundred callers on a window of ten a few milliseconds: each is resumed a handful of
    times whatever the queue's length (a condition woken for all would resume each one at every
    completion: thousands), and they go in the order they asked."""
    window = rate_limit.SlidingWindow(10, 0.01)
    order: list[int] = []
    resumes = [0]

    async def call(n: int) -> None:
        async with window.slot():
            order.append(n)
            await asyncio.sleep(0)

    tasks = []
    for n in range(200):
        tasks.append(asyncio.get_running_loop().create_task(Counted(call(n), resumes)))
    await asyncio.gather(*tasks)
    assert order == list(range(200))
    assert resumes[0] <= 200 * 4, resumes[0]


async def test_a_background_waiter_leaves_its_place_when_the_bot_stops():
    """A card waiting for the group's window gives up once the bot stops, and its place is not
    lost to the next caller."""
    window = rate_limit.SlidingWindow(2, 30, reserve=1)
    stopping = False

    async def card() -> None:
        async with window.slot(background=True, stopping=lambda: stopping):
            pass

    await card()  # the background's share (2 less 1) is used
    waiting = asyncio.get_running_loop().create_task(card())
    await asyncio.sleep(0)
    assert not waiting.done()
    stopping = True
    try:
        await asyncio.wait_for(waiting, rate_limit.STOP_CHECK * 4)
        raise AssertionError("the card went while the bot was stopping")
    except rate_limit.Stopping:
        pass
    async with window.slot():  # an answer still has the reserved place at once
        pass
