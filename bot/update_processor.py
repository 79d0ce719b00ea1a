"""Updates of one chat in order, updates of different chats at the same time.

python-telegram-bot handles one update at a time by default, so one person's 20 MB download
would hold up everyone's next reply. Here each chat has its own queue (an asyncio.Lock, which
wakes waiters in arrival order) and only the update at the head of a chat's queue holds one of
the ``max_concurrent_updates`` slots, so a chat that floods cannot take the slots of others.
An update waiting for a file's download lends its slot meanwhile (handlers.update_slot).
"""

from __future__ import annotations

import asyncio
from typing import Any, Awaitable

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from handlers import update_slot


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Serial per chat, concurrent across chats, bounded overall."""

    def __init__(self, max_concurrent_updates: int = 64) -> None:
        super().__init__(max_concurrent_updates)
        self._chats: dict[int, tuple[asyncio.Lock, int]] = {}

    async def process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = _chat_key(update)
        if key is None:
            await super().process_update(update, coroutine)
            return
        lock, waiting = self._chats.get(key, (None, 0))
        if lock is None:
            lock = asyncio.Lock()
        self._chats[key] = (lock, waiting + 1)
        try:
            async with lock:
                await self._in_a_slot(coroutine)
        finally:
            lock, waiting = self._chats[key]
            if waiting == 1:
                del self._chats[key]  # nobody else queued for this chat: keep memory flat
            else:
                self._chats[key] = (lock, waiting - 1)

    async def _in_a_slot(self, coroutine: Awaitable[Any]) -> None:
        slot = update_slot.Slot(self._semaphore)
        try:
            try:
                await slot.take()
            except BaseException:
                getattr(coroutine, "close", lambda: None)()  # never to run: no "never awaited" warning
                raise
            token = update_slot.holding(slot)
            try:
                await coroutine
            finally:
                update_slot.done(token)
        finally:
            slot.give_back()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        await coroutine

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass


def _chat_key(update: object) -> int | None:
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:
        return update.effective_user.id
    return None
