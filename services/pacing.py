"""Who waits for a message: a person who just asked (a command, a button press) or nobody in
particular (the outbox's cards, evidence and summaries, the jobs' alerts and digests).

Sending that nobody waits for runs inside ``background()``; the rate limiter (bot.rate_limit)
lets everything else go first in a group and keeps a share of each group's window for it, so a
moderator's answer never queues behind a backlog of cards.

A sender that must know whether a message may already be in the chat (the outbox: a card or an
album sent twice after a kill or a lapsed lease) runs it inside ``departing(hook)``: the rate
limiter calls the hook once the message's place in the window is granted, just before the call
reaches Telegram, so the sender records its intent then, not while it waited for the window.
The hook returns False when the message must not go after all (it was summarised meanwhile,
or another runner sent it): the call is then withdrawn (``Withdrawn``) without reaching Telegram.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Awaitable, Callable, Iterator

_background: ContextVar[bool] = ContextVar("background_sending", default=False)
_departure: ContextVar[Callable[[], Awaitable[bool]] | None] = ContextVar("departure_hook", default=None)


class Withdrawn(Exception):
    """A call not made: its sender's hook said the message must not go (see the module's docstring)."""


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


@contextmanager
def departing(hook: Callable[[], Awaitable[bool]]) -> Iterator[None]:
    """Each message sent inside this block calls ``hook`` just before it reaches Telegram."""
    token = _departure.set(hook)
    try:
        yield
    finally:
        _departure.reset(token)


async def depart() -> None:
    """Called by the rate limiter with a message's place granted: its sender records its intent,
    or withdraws the message (raising Withdrawn)."""
    hook = _departure.get()
    if hook is not None and not await hook():
        raise Withdrawn("the message is not to be sent")
