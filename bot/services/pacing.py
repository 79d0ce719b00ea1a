"""Who waits for a message: a person who just asked (a command, a button press) or nobody in
particular (the outbox's cards, evidence and summaries, the jobs' alerts and digests).

Sending that nobody waits for runs inside ``background()``; the rate limiter (bot.rate_limit)
lets everything else go first in a group and keeps a share of each group's window for it, so a
moderator's answer never queues behind a backlog of cards.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterator

_background: ContextVar[bool] = ContextVar("background_sending", default=False)


@contextmanager
def background() -> Iterator[None]:
    """What is sent inside this block (in this task) waits for answers to people."""
    token = _background.set(True)
    try:
        yield
    finally:
        _background.reset(token)


def in_background() -> bool:
    return _background.get()
