"""Administrators (ADMIN_IDS) add and remove moderators and create observers' invite codes."""

from __future__ import annotations

import secrets

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from bot.services.menus import register_staff_commands
from handlers.context import BotContext
from handlers.staff_guard import fence
from storage import moderation, people


async def list_moderators(update: Update, context: BotContext) -> None:
    """/mods: who may handle reports (their codes and the names they gave Telegram)."""
    t = context.t
    found = await moderation.moderators(await context.services.db())
    lines = [t("admin.mods_title", count=len(found))]
    lines += [t("admin.mods_item", code=pseudonym[:4].upper(), name=name or "—") for _, pseudonym, name in found]
    await update.effective_message.reply_text("\n".join(lines))


async def _target(update: Update, context: BotContext) -> int | None:
    args = context.args or []
    if not args or not args[0].lstrip("-").isdigit():
        await update.effective_message.reply_text(context.t("admin.usage"))
        return None
    return int(args[0])


async def add_moderator(update: Update, context: BotContext) -> None:
    """/addmod USER_ID: that Telegram user becomes a moderator (stored by pseudonym only)."""
    if (user_id := await _target(update, context)) is None:
        return
    services = context.services
    db = await services.db()
    person = await people.get_or_create(db, services.keys.pseudonym(user_id), "ru", None)
    await people.set_role(db, person.id, "moderator")
    services.forget(person)
    await register_staff_commands(context.bot, services)
    await update.effective_message.reply_text(context.t("admin.added", code=person.short_name))


async def remove_moderator(update: Update, context: BotContext) -> None:
    """/delmod USER_ID: back to an ordinary user; their menu loses the moderators' commands."""
    if (user_id := await _target(update, context)) is None:
        return
    services = context.services
    db = await services.db()
    person = await people.get(db, services.keys.pseudonym(user_id))
    if person is None or person.role != "moderator":
        await update.effective_message.reply_text(context.t("admin.not_moderator"))
        return
    await people.set_role(db, person.id, "reporter")
    services.forget(person)
    await register_staff_commands(context.bot, services, removed=[person.id])
    await update.effective_message.reply_text(context.t("admin.removed", code=person.short_name))


async def invite(update: Update, context: BotContext) -> None:
    """/invite: a one-time link that marks whoever opens it as an accredited observer."""
    code = secrets.token_urlsafe(12)
    services = context.services
    await moderation.create_invite(await services.db(), services.keys.keyed_hash(f"invite:{code}"),
                                   f"admin {context.person.short_name}")
    link = f"https://t.me/{context.bot.username}?start={code}"
    await update.effective_message.reply_text(context.t("admin.invite", link=link))


def handlers() -> list[BaseHandler]:
    return fence("admins", [
        CommandHandler("mods", list_moderators),
        CommandHandler("addmod", add_moderator),
        CommandHandler("delmod", remove_moderator),
        CommandHandler("invite", invite),
    ])
