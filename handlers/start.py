"""/start: greeting and the main menu."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot import callback_data as cb
from bot.services import BotContext
from handlers import keyboards


async def start(update: Update, context: BotContext) -> None:
    """Greet the user in their language and show the main menu."""
    await show_main_menu(update, context)


async def show_main_menu(update: Update, context: BotContext) -> None:
    t = context.t
    await update.effective_chat.send_message(
        t("start.greeting"), reply_markup=keyboards.main_menu(t)
    )


def handlers() -> list[BaseHandler]:
    return [CommandHandler("start", start)]
