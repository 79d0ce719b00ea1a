"""The floor: a bare python-telegram-bot bot that answers every update with one text (on
python-telegram-bot's default transport, or with BARE_TRANSPORT=aiohttp on the bot's own)."""

from __future__ import annotations

import os

from telegram import Update
from bot.telegram_http import AiohttpRequest
from telegram.ext import ApplicationBuilder, CallbackQueryHandler, ContextTypes, MessageHandler, filters


async def answer_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_chat.send_message("ok")


async def answer_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.callback_query.answer()
    await update.effective_chat.send_message("ok")


def main() -> None:
    root = os.environ["TELEGRAM_API_URL"]
    builder = ApplicationBuilder().token(os.environ["BOT_TOKEN"]).base_url(f"{root}/bot").base_file_url(f"{root}/file/bot")
    if os.environ.get("BARE_TRANSPORT") == "aiohttp":
        # The same HTTP transport as our bot: the floor without the difference in transports.
        builder = builder.request(AiohttpRequest()).get_updates_request(AiohttpRequest(connections=1))
    application = builder.build()
    application.add_handler(MessageHandler(filters.ALL, answer_message))
    application.add_handler(CallbackQueryHandler(answer_button))
    application.run_polling(allowed_updates=Update.ALL_TYPES)


if __name__ == "__main__":
    main()
