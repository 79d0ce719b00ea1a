"""/start: greeting and the main menu."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, filters

from services.menus import register_observer_commands, register_staff_commands
from services.roles import is_moderator
from handlers.context import BotContext
from handlers import keyboards, live_keyboard
from storage import moderation, people


async def start(update: Update, context: BotContext) -> None:
    """Greet the user in their language and show the main menu; a deep link carries an
    observer's invite code; staff and accredited observers get their command menu registered
    for this chat."""
    services = context.services
    # /start after an urgent report: what they send now is no longer added to it, and they are told.
    if services.follow_ups.drop(update.effective_chat.id):
        await update.effective_chat.send_message(context.t("urgent.link_closed"))
    if context.args:
        await redeem(update, context, context.args[0])
    if is_moderator(services.settings, context.person, update.effective_user.id):
        await register_staff_commands(context.bot, services)
    elif context.person.role == "observer":  # their counts, in their chat's menu only
        await register_observer_commands(context.bot, update.effective_chat.id, context.t)
    await show_main_menu(update, context)


async def redeem(update: Update, context: BotContext, code: str) -> None:
    """A one-time invite code from /invite: its holder is an accredited observer from now on."""
    services = context.services
    db = await services.db()
    if len(code) <= 64 and await moderation.redeem_invite(db, services.keys.keyed_hash(f"invite:{code}"), context.person.id):
        services.forget(context.person)
        context.person = await people.get_by_id(db, context.person.id)
        await update.effective_chat.send_message(context.t("invite.accepted"))
    else:
        await update.effective_chat.send_message(context.t("invite.invalid"))


async def show_main_menu(update: Update, context: BotContext) -> None:
    """The greeting with the main menu, the chat's one live keyboard from now on."""
    t = context.t
    await live_keyboard.send(update, context, t("start.greeting"), keyboards.main_menu(t, context.person))


def handlers() -> list[BaseHandler]:
    return [CommandHandler("start", start, filters=filters.ChatType.PRIVATE)]
