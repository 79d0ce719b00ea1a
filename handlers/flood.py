"""Per-person flood control: a burst over the limit is dropped with one polite notice."""

from __future__ import annotations

import time

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.services.flood import FloodGuard
from handlers.context import BotContext


def _album(update: Update) -> str | None:
    message = update.effective_message
    return message.media_group_id if message else None


async def guard(update: object, context: BotContext) -> None:
    """Runs right after the person is known; stops the update when they are over the limit."""
    if context.person is None or not isinstance(update, Update):
        return
    flood: FloodGuard = context.services.flood
    now = time.monotonic()
    if flood.allow(context.person.pseudonym, now, _album(update)):
        return
    if update.callback_query:
        await update.callback_query.answer(context.t("flood.updates"))
    elif flood.should_warn(context.person.pseudonym, now) and update.effective_chat:
        await update.effective_chat.send_message(context.t("flood.updates"))
    raise ApplicationHandlerStop
