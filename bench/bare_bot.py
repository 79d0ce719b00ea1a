"""The floor: a bare python-telegram-bot bot that answers every update with one text and one
button (on python-telegram-bot's default transport, or with BARE_TRANSPORT=aiohttp on the bot's
own; with BARE_RATE_LIMITER=aiorate, paced by python-telegram-bot's AIORateLimiter, what a
python-telegram-bot user would pick under Telegram's limits)."""

from __future__ import annotations

import os

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from bot.telegram_http import AiohttpRequest
from telegram.ext import AIORateLimiter, ApplicationBuilder, CallbackQueryHandler, ContextTypes, MessageHandler, filters

BUTTON = InlineKeyboardMarkup([[InlineKeyboardButton("ok", callback_data="ok")]])


async def answer_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_chat.send_message("ok", reply_markup=BUTTON)


async def answer_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.callback_query.answer()
    await update.effective_chat.send_message("ok", reply_markup=BUTTON)


def main() -> None:
    root = os.environ["TELEGRAM_API_URL"]
    builder = ApplicationBuilder().token(os.environ["BOT_TOKEN"]).base_url(f"{root}/bot").base_file_url(f"{root}/file/bot")
    if os.environ.get("BARE_TRANSPORT") == "aiohttp":
        # The same HTTP transport as our bot: the floor without the difference in transports.
        builder = builder.request(AiohttpRequest()).get_updates_request(AiohttpRequest(connections=1))
    if os.environ.get("BARE_RATE_LIMITER") == "aiorate":
        # Retries after a 429 as many times as our bot does (bot.rate_limit: max_retries=5).
        builder = builder.rate_limiter(AIORateLimiter(max_retries=5))
    if os.environ.get("BARE_CONCURRENT_UPDATES"):  # python-telegram-bot's default: one at a time
        builder = builder.concurrent_updates(int(os.environ["BARE_CONCURRENT_UPDATES"]))
    application = builder.build()
    application.add_handler(MessageHandler(filters.ALL, answer_message))
    application.add_handler(CallbackQueryHandler(answer_button))
    application.run_polling(allowed_updates=Update.ALL_TYPES)


if __name__ == "__main__":
    main()
