"""The door of every button press: its callback data is read once (handlers.callback_data) into
the typed object its kind declares, before any handler sees it; data no button of this bot
carries (forged, cut, of a kind since retired) is answered as out of date here and goes no
further, so no handler ever reads the raw string."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ApplicationHandlerStop, BaseHandler, TypeHandler

from handlers import callback_data as cb
from handlers.context import BotContext


async def door(update: Update, context: BotContext) -> None:
    """Read the press into ``context.pressed``, or answer it as an old button and stop it."""
    query = update.callback_query
    if query is None:
        return
    pressed = cb.parse(query.data)
    if pressed is None:
        await query.answer(context.t("common.stale_button"))
        raise ApplicationHandlerStop
    context.pressed = pressed


def handler() -> BaseHandler:
    return TypeHandler(Update, door)
