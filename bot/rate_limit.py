"""Telegram's flood limits, kept by the bot itself so that Telegram never has to refuse a call:
30 new messages a second overall, 20 a minute per group, one a second per private chat; each
item of an album counts as a message, as Telegram counts it.

AIORateLimiter's leaky buckets let a group receive 21 messages within a minute after a burst, and
it does not pace private chats at all; here each limit is a sliding window that counts a message
from the moment Telegram answered it, so a message can never reach Telegram less than the window
after the one it follows. AIORateLimiter is kept for what it does well: retrying after a 429.

In a group, answers to people go first: what is sent in the background (services.pacing:
the outbox's cards, evidence and summaries, the jobs' alerts) waits while an answer waits, and
may fill only the window less a reserve (a quarter: 15 of a group's 20 a minute), so a
moderator's /queue or button press is answered at once however many cards are queued. The
background goes first come, first served, so the outbox can reckon how long a card would wait
(``group_wait``) and a card is never overtaken again and again by later ones. Just before a call
reaches Telegram, its sender's hook is called (services.pacing.depart): the outbox records
then, not while the call waited, that the message is on its way.
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
from services import pacing

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


class _Waiter:
    """A call waiting for room: its weight, and the future that lets it go."""

    __slots__ = ("weight", "future")

    def __init__(self, weight: int) -> None:
        self.weight = weight
        self.future: asyncio.Future[None] = asyncio.get_running_loop().create_future()


class SlidingWindow:
    """At most ``limit`` calls in any ``period`` seconds, counting each call as it completes
    (a call in flight holds its place until then). With a ``reserve`` (a group's window), calls
    in the background go only when no answer waits, and only within ``limit - reserve``.

    Waiters queue in order, answers ahead of the background, and are let go one by one by the
    window itself: when a call completes, or by one timer when the oldest message leaves the
    window. A completion therefore wakes at most the callers that now fit, never every waiter
    (hundreds of people waiting for the overall window cost nothing while they wait)."""

    def __init__(self, limit: int, period: float, reserve: int | None = None) -> None:
        self.limit, self.period = limit, period
        self.reserve = reserve
        self._done: deque[float] = deque()
        self._in_flight = 0
        self._answers: deque[_Waiter] = deque()
        self._background: deque[_Waiter] = deque()
        self._timer: asyncio.TimerHandle | None = None
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
        if background:
            weight = min(weight, self.limit - (self.reserve or 0))
        queue = self._background if background else self._answers
        if not queue and (not background or not self._answers) and self._room(weight, background):
            self._in_flight += weight  # the common case: no queue, no future, no wake-up
        else:
            await self._wait_turn(_Waiter(weight), queue, background, stopping)
        try:
            yield
        finally:
            self._in_flight -= weight
            now = time.monotonic()
            self._done.extend([now] * weight)
            self.last_used = now
            self._let_go()

    async def _wait_turn(self, waiter: _Waiter, queue: deque[_Waiter], background: bool,
                         stopping: Callable[[], bool] | None) -> None:
        """Queue ``waiter`` and return once the window let it go (its place already counted)."""
        queue.append(waiter)
        self._let_go()
        try:
            if background and stopping is not None:
                while not waiter.future.done():
                    if stopping():
                        raise Stopping("the bot is stopping: sent at the next start")
                    await asyncio.wait([waiter.future], timeout=STOP_CHECK)
            else:
                await waiter.future
        except BaseException:
            if waiter.future.done() and not waiter.future.cancelled():
                self._in_flight -= waiter.weight  # let go, but will not send: give the place back
            else:
                waiter.future.cancel()
                if waiter in queue:
                    queue.remove(waiter)
            self._let_go()
            raise

    def _let_go(self) -> None:
        """Let the waiters at the head of the queues go while they fit, answers first; if one is
        left waiting, wake again when the oldest message leaves the window."""
        self._prune(time.monotonic())
        for queue, background in ((self._answers, False), (self._background, True)):
            while queue:
                head = queue[0]
                if head.future.done():  # cancelled while queued
                    queue.popleft()
                    continue
                if background and self._answers:
                    return
                if not self._room(head.weight, background):
                    self._wake_later()
                    return
                queue.popleft()
                self._in_flight += head.weight
                head.future.set_result(None)

    def _wake_later(self) -> None:
        """One timer for when the oldest message leaves the window (none while every place is a
        call in flight: its completion wakes the queue)."""
        if not self._done or (self._timer is not None and not self._timer.cancelled()
                              and self._timer.when() <= self._done[0] + self.period):
            return
        if self._timer is not None:
            self._timer.cancel()
        loop = asyncio.get_running_loop()
        delay = max(0.0, self._done[0] + self.period - time.monotonic())
        self._timer = loop.call_later(delay + 0.001, self._on_timer)

    def _on_timer(self) -> None:
        self._timer = None
        self._let_go()

    def wait_for(self, position: int) -> float:
        """Seconds until the ``position``-th background message from now may go, if each went as
        soon as the window lets it (what the window holds now counted, answers to come not)."""
        now = time.monotonic()
        limit = self.limit - (self.reserve or 0)
        # Counted in seconds from now, not in the clock's values: (now + 60.0) - now is not always
        # 60.0 in floating point, and a card due exactly a window from now was taken for a later
        # one (seen in a clean-clone run of the threshold's test).
        times = sorted([at - now for at in self._done if now - at < self.period] + [0.0] * self._in_flight)
        at = 0.0
        for _ in range(position):
            # The limit-th latest message must have left the window before one more may go.
            at = max(at, times[-limit] + self.period) if len(times) >= limit else at
            times.append(at)
        return at

    def _prune(self, now: float) -> None:
        while self._done and now - self._done[0] >= self.period:
            self._done.popleft()

    def _room(self, weight: int, background: bool) -> bool:
        """Whether a call of ``weight`` fits in the window now (the background within its share)."""
        self._prune(time.monotonic())
        limit = self.limit - (self.reserve or 0) if background else self.limit
        return len(self._done) + self._in_flight + weight <= limit


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
            if endpoint in SENDING:
                await pacing.depart()
            return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
        weight = len(data.get("media") or ()) if endpoint == "sendMediaGroup" else 1
        async with AsyncExitStack() as stack:
            # The chat's own window first, so a busy chat does not sit on an overall place.
            await stack.enter_async_context(self._window(chat).slot(weight, pacing.in_background(), self.stopping))
            await stack.enter_async_context(self._overall.slot(weight))
            await pacing.depart()  # its place is granted: now the sender records that it goes
            return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)

    def group_budget(self) -> tuple[int, float] | None:
        """How many messages the background may send to a group in how many seconds (None when
        the bot does not pace itself: it then knows no rate to plan by)."""
        return (PER_GROUP - _reserve(), PER_GROUP_PERIOD) if self._pacing else None

    def group_wait(self, chat: object, position: int) -> float:
        """Seconds from now until the ``position``-th message sent in the background from now on
        (1: the next) may reach this group, by what its window holds now."""
        return self._window(chat).wait_for(position)

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
