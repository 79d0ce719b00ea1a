"""Texts that only inform: /help, /rights (know your rights) and /privacy."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from services.i18n import Html
from services.roles import is_admin, is_moderator
from handlers import callback_data as cb
from handlers.context import BotContext
from handlers import language


async def show_help(update: Update, context: BotContext) -> None:
    """What the bot does and its commands; moderators also get theirs."""
    text = context.t("help.text")
    settings = context.services.settings
    if is_moderator(settings, context.person, update.effective_user.id):
        text = Html(f"{text}\n\n{context.t('mod.help')}\n{context.t('mod.help_duty')}")
        if is_admin(settings, update.effective_user.id):
            text = Html(f"{text}\n\n{context.t('admin.help')}")
    await update.effective_chat.send_message(text)


async def show_rights(update: Update, context: BotContext) -> None:
    """Know your rights: short guidance grounded in the election law."""
    await update.effective_chat.send_message(context.t("rights.text"))


async def show_privacy(update: Update, context: BotContext) -> None:
    """What is stored, who can see it, how to delete it."""
    await update.effective_chat.send_message(context.t("privacy.text"))


_MENU = {"help": show_help, "rights": show_rights, "language": language.ask_language}


async def menu_item(update: Update, context: BotContext) -> None:
    """A press on one of the informational items of the main menu."""
    query = update.callback_query
    await query.answer()
    await _MENU[context.press(cb.Menu).item](update, context)


def handlers() -> list[BaseHandler]:
    return [
        CommandHandler("help", show_help),
        CommandHandler("rights", show_rights),
        CommandHandler("privacy", show_privacy),
        CallbackQueryHandler(menu_item, pattern=cb.pattern(cb.Menu, lambda pressed: pressed.item in _MENU)),
    ]
