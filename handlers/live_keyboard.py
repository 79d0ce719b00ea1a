"""One live keyboard per private chat: when a wizard prompt or the main menu is shown, the
buttons of the one shown before it are taken off, so an old screen far up the chat cannot be
pressed (and a chat is not a column of identical menus)."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import TelegramError

from services.i18n import Html
from handlers.context import BotContext

log = logging.getLogger(__name__)


async def shown(context: BotContext, chat_id: int, message_id: int) -> None:
    """``message_id`` now carries the chat's live buttons: the previous live message's are
    taken off, unless it is this very message (edited in place: its buttons were replaced with
    it, and another edit would cost a call for nothing)."""
    previous = context.services.keyboards.swap(chat_id, message_id)
    if previous is not None and previous != message_id:
        await remove(context, chat_id, previous)


async def remove(context: BotContext, chat_id: int, message_id: int) -> None:
    """Take a message's buttons off. Never fails the step that asks: the message may be gone
    (deleted by its reader), without buttons already (Telegram answers "message is not modified"),
    or Telegram may be briefly unreachable; an old keyboard left is only untidy."""
    try:
        await context.bot.edit_message_reply_markup(chat_id=chat_id, message_id=message_id, reply_markup=None)
    except TelegramError as exc:
        log.debug("an old keyboard was left: %s", type(exc).__name__)


def is_live(context: BotContext, chat_id: int, message_id: int) -> bool:
    """Whether a pressed message is the chat's live one; unknown (after a restart) counts as live."""
    live = context.services.keyboards.get(chat_id)
    return live is None or live == message_id


def forget(context: BotContext, chat_id: int, message_id: int | None = None) -> None:
    """The live message was edited into one whose buttons are not a prompt's (the receipt) or
    that has none: nothing is to be taken off it later."""
    context.services.keyboards.forget(chat_id, message_id)


async def send(update: Update, context: BotContext, text: Html | str, markup: InlineKeyboardMarkup) -> Message:
    """A new message with the chat's live buttons (the main menu, a question)."""
    message = await update.effective_chat.send_message(text, reply_markup=markup)
    await shown(context, message.chat_id, message.message_id)
    return message
