"""The outbox's runs started by ``deliveries.soon`` (after every Send) go one at a time: a Send
that comes while a run is under way asks it to look again instead of starting another (runs that
overlapped chased the same item, each chase a write transaction on the one connection: 19 a
report at 100 Sends a second, issue #26); nothing asked for during a run is left undelivered."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

from handlers import deliveries


class Jobs:
    """The job queue's run_once and get_jobs_by_name, as python-telegram-bot's behave: a job is
    listed until it starts."""

    def __init__(self) -> None:
        self.pending: set[str] = set()
        self.tasks: list[asyncio.Task] = []
        self.context = None

    def get_jobs_by_name(self, name: str) -> list[str]:
        return [name] if name in self.pending else []

    def run_once(self, callback, when, name: str) -> None:
        self.pending.add(name)

        async def start() -> None:
            await asyncio.sleep(when)
            self.pending.discard(name)
            await callback(self.context)
        self.tasks.append(asyncio.ensure_future(start()))


async def test_sends_during_a_run_make_it_look_again_and_start_no_second_one(monkeypatch):
    jobs = Jobs()
    context = SimpleNamespace(application=SimpleNamespace(bot_data={}, running=True), job_queue=jobs)
    jobs.context = context
    first_run_waits = asyncio.Event()
    state = {"now": 0, "most": 0, "runs": 0}

    async def deliver_due(_context) -> None:
        state["now"] += 1
        state["runs"] += 1
        state["most"] = max(state["most"], state["now"])
        if state["runs"] == 1:
            await first_run_waits.wait()  # a run held up (by the group's window, a slow disk)
        state["now"] -= 1

    monkeypatch.setattr(deliveries, "deliver_due", deliver_due)
    deliveries.soon(context)
    while state["runs"] == 0:
        await asyncio.sleep(0)
    for _ in range(5):  # five Sends while it runs
        deliveries.soon(context)
        await asyncio.sleep(0)
    first_run_waits.set()
    while jobs.tasks:
        await jobs.tasks.pop()
    assert state["most"] == 1  # never two runs at once
    assert state["runs"] == 2  # and the run looked again for what the five Sends left due
    deliveries.soon(context)  # once it ended, the next Send starts a run as before
    while jobs.tasks:
        await jobs.tasks.pop()
    assert state["runs"] == 3
