"""Personal commands sent in a group: the bot answers that they work in private only."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, filters

from handlers.context import BotContext

PERSONAL = ["start", "report", "myreports", "language", "deletemydata", "cancel", "privacy"]


async def private_only(update: Update, context: BotContext) -> None:
    """Reports are never written where others can read them."""
    await update.effective_message.reply_text(
        context.t("group.private_only", bot=f"@{context.bot.username}")
    )


def handlers() -> list[BaseHandler]:
    return [CommandHandler(PERSONAL, private_only, filters=filters.ChatType.GROUPS)]
