"""What no journey took: unknown or forged button presses are answered, never trusted."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.services import BotContext


async def unknown_button(update: Update, context: BotContext) -> None:
    """Telegram shows a spinner until a press is answered: answer it, and change nothing."""
    await update.callback_query.answer(context.t("common.stale_button"))


def handlers() -> list[BaseHandler]:
    return [CallbackQueryHandler(unknown_button)]
