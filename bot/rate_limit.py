"""Telegram's flood limits, kept by the bot itself so that Telegram never has to refuse a call:
30 new messages a second overall, 20 a minute per group, one a second per private chat; each
item of an album counts as a message, as Telegram counts it.

AIORateLimiter's leaky buckets let a group receive 21 messages within a minute after a burst, and
it does not pace private chats at all; here each limit is a sliding window that counts a message
from the moment Telegram answered it, so a message can never reach Telegram less than the window
after the one it follows. AIORateLimiter is kept for what it does well: retrying after a 429.

In a group, answers to people go first: what is sent in the background (bot.services.pacing:
the outbox's cards, evidence and summaries, the jobs' alerts) waits while an answer waits, and
may fill only the window less a reserve (a quarter: 15 of a group's 20 a minute), so a
moderator's /queue or button press is answered at once however many cards are queued.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any, AsyncIterator, Callable, Coroutine

from telegram.error import NetworkError
from telegram.ext import AIORateLimiter

from bot import late_answers
from bot.services import pacing

# Methods that put a new message in a chat: what Telegram's limits count.
SENDING = frozenset({
    "sendMessage", "sendPhoto", "sendDocument", "sendVideo", "sendVoice", "sendAudio", "sendVideoNote",
    "sendMediaGroup", "sendLocation", "copyMessage", "forwardMessage", "sendAnimation", "sendSticker",
})
OVERALL, OVERALL_PERIOD = 30, 1.0
PER_GROUP, PER_GROUP_PERIOD = 20, 60.0
PER_CHAT, PER_CHAT_PERIOD = 1, 1.0
GROUP_RESERVE = 0.25  # of a group's window, kept for answers to people
_PRUNE_AT = 10_000


STOP_CHECK = 0.25  # seconds between a waiting background call's looks at whether the bot stops


class Stopping(NetworkError):
    """A background call given up because the bot stops (the outbox sends it at the next start)."""


class SlidingWindow:
    """At most ``limit`` calls in any ``period`` seconds, counting each call as it completes
    (a call in flight holds its place until then). With a ``reserve`` (a group's window), calls
    in the background go only when no other call waits, and only within ``limit - reserve``."""

    def __init__(self, limit: int, period: float, reserve: int | None = None) -> None:
        self.limit, self.period = limit, period
        self.reserve = reserve
        self._done: deque[float] = deque()
        self._in_flight = 0
        self._answers_waiting = 0
        self._changed = asyncio.Condition()
        self.last_used = time.monotonic()

    @asynccontextmanager
    async def slot(self, weight: int = 1, background: bool = False,
                   stopping: Callable[[], bool] | None = None) -> AsyncIterator[None]:
        """Room for one call that counts as ``weight`` messages (an album: one per item; never
        more than the whole window, or it could not go at all). A call in the background gives
        up its wait once ``stopping`` says so (raising Stopping), so a stop never waits most of
        a group's minute for a card or a photo that the next start sends anyway."""
        weight = max(1, min(weight, self.limit))
        background = background and self.reserve is not None
        async with self._changed:
            if not background:
                self._answers_waiting += 1
            try:
                while (wait := self._wait(weight, background)) is not None:
                    if background and stopping is not None:
                        if stopping():
                            raise Stopping("the bot is stopping: sent at the next start")
                        wait = min(wait or STOP_CHECK, STOP_CHECK)
                    try:
                        await asyncio.wait_for(self._changed.wait(), wait or None)
                    except asyncio.TimeoutError:
                        pass
            finally:
                if not background:
                    self._answers_waiting -= 1
                    self._changed.notify_all()  # the background may go again
            self._in_flight += weight
        try:
            yield
        finally:
            async with self._changed:
                self._in_flight -= weight
                self._done.extend([time.monotonic()] * weight)
                self.last_used = time.monotonic()
                self._changed.notify_all()

    def _wait(self, weight: int, background: bool = False) -> float | None:
        """None when a call may go now; otherwise how long to wait (0: until something changes)."""
        now = time.monotonic()
        while self._done and now - self._done[0] >= self.period:
            self._done.popleft()
        limit = self.limit
        if background:
            if self._answers_waiting:
                return 0
            limit -= self.reserve or 0
            weight = min(weight, limit)
        if len(self._done) + self._in_flight + weight <= limit:
            return None
        if not self._done:
            return 0
        # The oldest messages must leave the window until this call's weight fits.
        needed = len(self._done) + self._in_flight + weight - limit
        return self._done[min(needed, len(self._done)) - 1] + self.period - now


class TelegramRateLimiter(AIORateLimiter):
    """Sliding windows for new messages, overall, per group and per private chat; ``pacing``
    False leaves only the retries after a 429 (for benchmarks of the bot's own cost)."""

    def __init__(self, pacing: bool = True, max_retries: int = 5) -> None:
        super().__init__(overall_max_rate=0, group_max_rate=0, max_retries=max_retries)
        self._pacing = pacing
        self._overall = SlidingWindow(OVERALL, OVERALL_PERIOD)
        self._chats: dict[int | str, SlidingWindow] = {}
        self.stopping: Callable[[], bool] = lambda: False  # set by the application it serves

    async def process_request(self, callback: Callable[..., Coroutine[Any, Any, Any]], args: Any,
                              kwargs: dict[str, Any], endpoint: str, data: dict[str, Any],
                              rate_limit_args: int | None) -> Any:
        if endpoint == late_answers.METHOD:  # a refusal as too old is no failure of the press
            return await late_answers.tolerate(
                super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args))
        chat = data.get("chat_id")
        if not self._pacing or endpoint not in SENDING or chat is None:
            return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
        weight = len(data.get("media") or ()) if endpoint == "sendMediaGroup" else 1
        async with AsyncExitStack() as stack:
            # The chat's own window first, so a busy chat does not sit on an overall place.
            await stack.enter_async_context(self._window(chat).slot(weight, pacing.in_background(), self.stopping))
            await stack.enter_async_context(self._overall.slot(weight))
            return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)

    def group_budget(self) -> tuple[int, float] | None:
        """How many messages the background may send to a group in how many seconds (None when
        the bot does not pace itself: it then knows no rate to plan by)."""
        return (PER_GROUP - _reserve(), PER_GROUP_PERIOD) if self._pacing else None

    def _window(self, chat: object) -> SlidingWindow:
        key = _chat_key(chat)
        window = self._chats.get(key)
        if window is None:
            is_group = isinstance(key, str) or key < 0
            window = (SlidingWindow(PER_GROUP, PER_GROUP_PERIOD, _reserve()) if is_group
                      else SlidingWindow(PER_CHAT, PER_CHAT_PERIOD))
            self._chats[key] = window
            if len(self._chats) > _PRUNE_AT:
                self._prune()
        return window

    def _prune(self) -> None:
        now = time.monotonic()
        for key in [k for k, w in self._chats.items() if now - w.last_used > PER_GROUP_PERIOD * 2]:
            del self._chats[key]


def _reserve() -> int:
    return int(PER_GROUP * GROUP_RESERVE)


def _chat_key(chat: object) -> int | str:
    try:
        return int(chat)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(chat)  # @channelusername
