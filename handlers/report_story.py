"""A story typed at the main menu: asked whether it starts a report as its description.

Until the person says Yes the text is held in memory only (services.chat_memory), for a few
minutes, keyed by chat: never in the database, never in a log. A restart loses it; they send it
again (it is still in their chat)."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from services.text import clean
from domain.rules import DESCRIPTION_MAX, DESCRIPTION_MIN
from handlers import callback_data as cb
from handlers import keyboards, live_keyboard
from handlers.context import BotContext
from handlers.keyboards import button

YES = cb.pattern(cb.Story, answer="yes")
NO = cb.pattern(cb.Story, answer="no")


async def offered(update: Update, context: BotContext) -> bool:
    """A text long enough to be a description, typed in private with no report open: ask
    whether it starts one. False for anything else, which the caller answers as before."""
    message = update.message
    # A reply answers the message it quotes (a moderator's question, a list): it is no new story.
    if message is None or not message.text or message.text.startswith("/") or message.reply_to_message \
            or update.effective_chat.type != "private":
        return False
    text = clean(message.text)
    # The description step's own bounds: a story is never a description the step would refuse.
    if not DESCRIPTION_MIN <= len(text) <= DESCRIPTION_MAX:
        return False
    t = context.t
    context.services.stories.hold(update.effective_chat.id, text)
    markup = InlineKeyboardMarkup([[button(t, "story.yes", cb.Story("yes"))], [button(t, "story.no", cb.Story("no"))]])
    await live_keyboard.send(update, context, t("story.ask"), markup)
    return True


async def taken(update: Update, context: BotContext) -> str | None:
    """Yes: the story held for this chat, for the wizard to start a report with (its entry point,
    handlers.report_wizard.from_story); None, with the person told, when it is gone."""
    query = update.callback_query
    story = context.services.stories.take(update.effective_chat.id)
    if story is None:  # kept too long, or the bot restarted since
        await query.answer()
        await query.edit_message_text(context.t("story.gone"))
        live_keyboard.forget(context, update.effective_chat.id, query.message.message_id)
    return story


async def declined(update: Update, context: BotContext) -> None:
    """No: the story is dropped, and the question becomes the main menu."""
    query = update.callback_query
    context.services.stories.drop(update.effective_chat.id)
    await query.answer()
    t = context.t
    await query.edit_message_text(t("story.declined"), reply_markup=keyboards.main_menu(t, context.person))
    await live_keyboard.shown(context, update.effective_chat.id, query.message.message_id)


def handlers() -> list[BaseHandler]:
    # Yes is an entry point of the report wizard's conversation (handlers.report_wizard).
    return [CallbackQueryHandler(declined, pattern=NO)]
