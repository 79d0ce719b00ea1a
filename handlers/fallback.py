"""What no journey took: unknown buttons are answered, never trusted; stray messages in a
private chat get the main menu (a story long enough to be a report is asked about first), so
nobody is left without an answer."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, MessageHandler, filters

from handlers.context import BotContext
from handlers import keyboards, live_keyboard, report_story


async def unknown_button(update: Update, context: BotContext) -> None:
    """Telegram shows a spinner until a press is answered: answer it, and change nothing."""
    await update.callback_query.answer(context.t("common.stale_button"))


async def unknown_message(update: Update, context: BotContext) -> None:
    """Text, files or commands outside any step: say what the bot can do."""
    if await report_story.offered(update, context):
        return
    t = context.t
    message = update.message
    # A file or a location outside any step: most likely meant for an urgent report whose time
    # to add ran out, or whose link a restart dropped (held in memory only): say so, and how.
    sent_file = message is not None and message.text is None and (
        message.effective_attachment is not None and message.sticker is None and message.poll is None
        and message.contact is None)
    await live_keyboard.send(update, context, t("common.file_outside" if sent_file else "common.unknown"),
                             keyboards.main_menu(t, context.person))


def handlers() -> list[BaseHandler]:
    return [
        CallbackQueryHandler(unknown_button),
        # An edit needs no answer: "I did not understand" after correcting a typo would only confuse.
        MessageHandler(filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE & ~filters.StatusUpdate.ALL, unknown_message),
    ]
