"""Telegram's flood limits, kept by the bot itself so that Telegram never has to refuse a call:
AIORateLimiter's 30 a second overall and 20 a minute per group, plus one message a second per
private chat, which AIORateLimiter does not cover."""

from __future__ import annotations

import time
from typing import Any, Callable, Coroutine

from aiolimiter import AsyncLimiter
from telegram.ext import AIORateLimiter

# Methods that put a new message in a chat: the ones Telegram counts per chat.
SENDING = frozenset({
    "sendMessage", "sendPhoto", "sendDocument", "sendVideo", "sendVoice", "sendAudio", "sendVideoNote",
    "sendMediaGroup", "sendLocation", "copyMessage", "forwardMessage", "sendAnimation", "sendSticker",
})
_PRUNE_AT = 10_000


class TelegramRateLimiter(AIORateLimiter):
    """AIORateLimiter with a per-private-chat limiter for messages (about one a second;
    ``per_chat_period`` 0 turns it off)."""

    def __init__(self, per_chat_period: float = 1.05, max_retries: int = 5) -> None:
        super().__init__(max_retries=max_retries)
        # A little over a second: Telegram measures the second on its side of the network.
        self._period = per_chat_period
        self._chats: dict[int, tuple[AsyncLimiter, float]] = {}

    async def process_request(self, callback: Callable[..., Coroutine[Any, Any, Any]], args: Any,
                              kwargs: dict[str, Any], endpoint: str, data: dict[str, Any],
                              rate_limit_args: int | None) -> Any:
        chat_id = _private_chat(data.get("chat_id"))
        if endpoint not in SENDING or chat_id is None or not self._period:
            return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
        async with self._limiter(chat_id):
            return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)

    def _limiter(self, chat_id: int) -> AsyncLimiter:
        now = time.monotonic()
        limiter = self._chats.get(chat_id, (None, 0.0))[0] or AsyncLimiter(1, self._period)
        self._chats[chat_id] = (limiter, now)
        if len(self._chats) > _PRUNE_AT:
            idle = [key for key, (_, used) in self._chats.items() if now - used > 60]
            for key in idle:
                del self._chats[key]
        return limiter


def _private_chat(chat_id: object) -> int | None:
    try:
        value = int(chat_id)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return value if value > 0 else None
