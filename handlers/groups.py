"""Personal commands sent in a group: the bot answers that they work in private only."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, filters

from domain.rules import USER_COMMANDS
from handlers.context import BotContext

# Everything but what only informs (/help, /rights answer in a group too).
PERSONAL = [command for command in USER_COMMANDS if command not in ("help", "rights")]


async def private_only(update: Update, context: BotContext) -> None:
    """Reports are never written where others can read them."""
    await update.effective_message.reply_text(
        context.t("group.private_only", bot=f"@{context.bot.username}")
    )


def handlers() -> list[BaseHandler]:
    return [CommandHandler(PERSONAL, private_only, filters=filters.ChatType.GROUPS)]
