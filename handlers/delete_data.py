"""/deletemydata: after a confirmation, forget the person and every link to their reports."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from services.i18n import Html
from handlers import callback_data as cb
from handlers.context import BotContext
from handlers.keyboards import button
from services.menus import drop_chat_commands


async def ask(update: Update, context: BotContext) -> None:
    """Explain what will be deleted and ask to confirm."""
    t = context.t
    markup = InlineKeyboardMarkup([[button(t, "delete.yes", cb.DeleteData("yes"))],
                                   [button(t, "delete.no", cb.DeleteData("no"))]])
    text = t("delete.ask")
    if context.person.role == "observer":  # accredited through an invite: that goes too, and they are told
        text = Html(f"{text}\n\n{t('delete.observer')}")
    await update.effective_chat.send_message(text, reply_markup=markup)


async def confirm(update: Update, context: BotContext) -> None:
    """Yes: drafts, settings and the person go; reports stay, unlinked. No: nothing changes."""
    query = update.callback_query
    t = context.t  # the language, before the setting that holds it is deleted
    await query.answer()
    if context.press(cb.DeleteData).answer == "no":
        await query.edit_message_text(t("delete.kept"))
        return
    observer = context.person.role == "observer"
    await context.services.delete_person(context.person)
    if observer:  # their accreditation went too: so do their counts' commands from their chat's menu
        await drop_chat_commands(context.bot, update.effective_chat.id)
    context.services.follow_ups.close(update.effective_chat.id)  # nothing of theirs stays, in memory either
    context.services.stories.drop(update.effective_chat.id)  # a story typed and not yet decided on
    await query.edit_message_text(t("delete.done"))


def handlers() -> list[BaseHandler]:
    return [
        CommandHandler("deletemydata", ask, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(confirm, pattern=cb.pattern(cb.DeleteData)),
    ]
