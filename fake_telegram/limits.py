"""Telegram's limits as the fake Bot API enforces them, and its optional flood control."""

from __future__ import annotations

import time
from collections import defaultdict, deque
from typing import Any

from fake_telegram.refusal import Refusal

MESSAGE_TEXT = 4096
CAPTION = 1024
CALLBACK_DATA = 64
CALLBACK_ANSWER = 200
INLINE_BUTTONS = 100
MEDIA_GROUP_MIN = 2
MEDIA_GROUP_MAX = 10
GET_FILE_BYTES = 20 * 1024 * 1024
PHOTO_UPLOAD = 10 * 1024 * 1024
PHOTO_DIMENSIONS_SUM = 10_000  # a photo's width and height together
PHOTO_RATIO = 20  # neither side more than this times the other
DOCUMENT_UPLOAD = 50 * 1024 * 1024

SENDING = {
    "sendMessage", "sendPhoto", "sendDocument", "sendVideo", "sendVoice", "sendAudio",
    "sendVideoNote", "sendMediaGroup", "sendLocation", "copyMessage", "forwardMessage",
}


class RateLimits:
    """Telegram's flood limits for sending: 30 a second overall, 1 a second per private chat,
    20 a minute per group, each item of an album counting as a message; beyond them a 429 with
    retry_after, as Telegram answers."""

    def __init__(self, overall: int = 30, per_chat_per_second: int = 1, per_group_per_minute: int = 20,
                 group_period: float = 60.0):
        self.overall, self.per_chat, self.per_group = overall, per_chat_per_second, per_group_per_minute
        self.group_period = group_period
        self._all: deque[float] = deque()
        self._chats: dict[int, deque[float]] = defaultdict(deque)

    def check(self, method: str, params: dict[str, Any]) -> None:
        if method not in SENDING:
            return
        now = time.monotonic()
        chat_id = int(params.get("chat_id") or 0)
        window, allowed = (self.group_period, self.per_group) if chat_id < 0 else (1.0, self.per_chat)
        _trim(self._all, now, 1.0)
        chat = self._chats[chat_id]
        _trim(chat, now, window)
        items = _items(params) if method == "sendMediaGroup" else 1
        if len(self._all) + items > self.overall or len(chat) + items > allowed:
            raise Refusal(429, "Too Many Requests: retry after 1", retry_after=1)
        self._all.extend([now] * items)
        chat.extend([now] * items)


def _items(params: dict[str, Any]) -> int:
    media = params.get("media") or []
    if isinstance(media, str):
        import json
        media = json.loads(media)
    return max(1, len(media))


def _trim(times: deque[float], now: float, window: float) -> None:
    while times and now - times[0] >= window:
        times.popleft()
