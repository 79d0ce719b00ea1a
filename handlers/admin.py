"""Administrators (ADMIN_IDS) add and remove moderators and create observers' invite codes."""

from __future__ import annotations

import re
import secrets

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from bot.services.menus import register_staff_commands
from bot.services.roles import matching_code, staff_codes
from domain.rules import LANGUAGES
from handlers.context import BotContext
from handlers.staff_guard import fence
from storage import moderation, people, web_sessions


async def list_moderators(update: Update, context: BotContext) -> None:
    """/mods: who may handle reports, each with the code /delmod takes and the name they gave
    Telegram."""
    t = context.t
    found = await moderation.moderators(await context.services.db())
    codes = staff_codes([pseudonym for _, pseudonym, _ in found])
    lines = [t("admin.mods_title", count=len(found))]
    lines += [t("admin.mods_item", code=codes[pseudonym], name=name or "—") for _, pseudonym, name in found]
    if found:
        lines.append(t("admin.mods_hint", code=codes[found[0][1]]))
    await update.effective_message.reply_text("\n".join(lines))


def _user_id(text: str) -> int | None:
    """A Telegram user id as an administrator types it (ASCII digits only), or None."""
    return int(text) if re.fullmatch(r"[0-9]{1,20}", text) else None


async def add_moderator(update: Update, context: BotContext) -> None:
    """/addmod USER_ID [kk|ru|en]: that Telegram user becomes a moderator (stored by pseudonym
    only). Without a language they keep the one they use the bot in; someone who never wrote
    to it gets the language of their Telegram with their first message."""
    args = context.args or []
    language = args[1].lower() if len(args) == 2 else None
    if not 1 <= len(args) <= 2 or _user_id(args[0]) is None or language not in (None, *LANGUAGES):
        await update.effective_message.reply_text(context.t("admin.usage"))
        return
    services = context.services
    db = await services.db()
    person = await people.add_staff(db, services.keys.pseudonym(_user_id(args[0])), "moderator", language)
    services.forget(person)
    await register_staff_commands(context.bot, services)
    t = context.t
    code = staff_codes([pseudonym for _, pseudonym, _ in await moderation.moderators(db)])[person.pseudonym]
    spoken = (t(f"language.name.{person.language}") if await people.language_known(db, person.id)
              else t("admin.language_from_telegram"))
    lines = [t("admin.added", code=code), t("admin.added_language", language=spoken)]
    await update.effective_message.reply_text("\n".join(lines))


async def remove_moderator(update: Update, context: BotContext) -> None:
    """/delmod CODE: the moderator /mods lists under that code (or with that Telegram user id)
    goes back to being an ordinary user; their menu loses the staff commands and their
    dashboard sessions are closed."""
    args = context.args or []
    if len(args) != 1:
        await update.effective_message.reply_text(context.t("admin.usage_delmod"))
        return
    services = context.services
    db = await services.db()
    pseudonyms = [pseudonym for _, pseudonym, _ in await moderation.moderators(db)]
    by_id = services.keys.pseudonym(user_id) if (user_id := _user_id(args[0])) is not None else None
    found = [by_id] if by_id in pseudonyms else matching_code(args[0], pseudonyms)
    if len(found) > 1:
        await update.effective_message.reply_text(context.t("admin.code_ambiguous"))
        return
    person = await people.get(db, found[0]) if found else None
    if person is None:
        await update.effective_message.reply_text(context.t("admin.not_moderator"))
        return
    code = staff_codes(pseudonyms)[person.pseudonym]
    await people.set_role(db, person.id, "reporter")
    await web_sessions.revoke_person(db, person.id)  # signed out of the dashboard too
    services.forget(person)
    await register_staff_commands(context.bot, services, removed=[person.id])
    await update.effective_message.reply_text(context.t("admin.removed", code=code))


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
