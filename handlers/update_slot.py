"""An update's place among those handled at once, lent while it waits for a file's download:
a wave of photos on a loaded machine must not take every place (MAX_CONCURRENT_UPDATES) while
their downloads and image checks run, and leave everyone else's next button queued behind them
(BENCHMARKS.md, issue #26). The update keeps its chat's turn: that chat's next update still
waits for it, and what its sender is told after the photo does not change."""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import AsyncIterator


class Slot:
    """One place, taken from the processor's semaphore; lent and taken back at most once each
    way, so that a cancellation anywhere never gives back a place it does not hold."""

    def __init__(self, places: asyncio.Semaphore) -> None:
        self._places, self.held = places, False

    async def take(self) -> None:
        await self._places.acquire()
        self.held = True

    def give_back(self) -> None:
        if self.held:
            self.held = False
            self._places.release()


_current: ContextVar[Slot | None] = ContextVar("update_slot", default=None)


def holding(slot: Slot) -> object:
    """Mark ``slot`` as the place of the update handled in this context (the processor)."""
    return _current.set(slot)


def done(token: object) -> None:
    _current.reset(token)  # type: ignore[arg-type]


@asynccontextmanager
async def lent() -> AsyncIterator[None]:
    """The update's place is free for others while the block waits, and taken back after it
    (waiting for a place like any update). Outside an update handled by the processor, nothing."""
    slot = _current.get()
    if slot is None or not slot.held:
        yield
        return
    slot.give_back()
    try:
        yield
    finally:
        await slot.take()
