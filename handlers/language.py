"""/language: choose Kazakh, Russian or English; the choice is stored and remembered."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from services.menus import register_observer_commands, register_staff_commands
from services.roles import is_moderator
from handlers import callback_data as cb
from handlers.context import BotContext
from handlers import keyboards, live_keyboard


async def ask_language(update: Update, context: BotContext) -> None:
    """Show the three languages as buttons."""
    t = context.t
    await update.effective_chat.send_message(t("language.ask"), reply_markup=keyboards.language_menu(t))


async def choose_language(update: Update, context: BotContext) -> None:
    """Store the chosen language and confirm in it; a staff member's or an accredited
    observer's command menu follows."""
    query = update.callback_query
    chosen = context.press(cb.Language)
    context.person = await context.services.set_language(context.person, chosen.lang)
    t = context.t
    await query.answer()
    await query.edit_message_text(t("language.changed"))
    await live_keyboard.send(update, context, t("start.greeting"), keyboards.main_menu(t, context.person))
    if is_moderator(context.services.settings, context.person, update.effective_user.id):
        await register_staff_commands(context.bot, context.services)
    elif context.person.role == "observer":  # their counts' commands, in the language chosen
        await register_observer_commands(context.bot, update.effective_chat.id, t)


def handlers() -> list[BaseHandler]:
    return [
        CommandHandler("language", ask_language),
        CallbackQueryHandler(choose_language, pattern=cb.pattern(cb.Language)),
    ]
