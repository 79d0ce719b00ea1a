"""Administrators (ADMIN_IDS) add and remove moderators, create observers' invite codes and set
the election's candidates (the lines of a results protocol)."""

from __future__ import annotations

import re

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import BaseHandler, CommandHandler

from services import invites, pacing
from services.menus import register_staff_commands
from services.roles import matching_code
from domain.rules import LANGUAGES
from handlers import duty
from handlers.context import BotContext
from handlers.mod_cards import refresh_card
from handlers.staff_guard import fence
from storage import counts, moderation, people, reports, web_sessions


async def list_moderators(update: Update, context: BotContext) -> None:
    """/mods: who may handle reports, each with the code /delmod takes and the name they gave
    Telegram, and who is on duty (/duty: urgent alerts in their private chat too)."""
    t = context.t
    db = await context.services.db()
    found = await moderation.moderators(db)
    on_duty = {person.id for person in await people.on_duty(db)}
    lines = [t("admin.mods_title", count=len(found))]
    lines += [t("admin.mods_item_on_duty" if person.id in on_duty else "admin.mods_item", code=person.actor_code,
                name=person.staff_name or "—") for person in found]
    moderators = {person.id for person in found}
    admins = [person.staff_name or person.actor_code for person in await duty.on_duty_staff(context)
              if person.id not in moderators]
    if admins:
        lines.append(t("admin.admins_on_duty", names=", ".join(admins)))
    if found:
        lines.append(t("admin.mods_hint", code=found[0].actor_code))
    await update.effective_message.reply_text("\n".join(lines))


def _user_id(text: str) -> int | None:
    """A Telegram user id as an administrator types it (ASCII digits only), or None."""
    return int(text) if re.fullmatch(r"[0-9]{1,20}", text) else None


def _actor(context: BotContext) -> str:
    return f"admin {context.person.actor_code}"


async def add_moderator(update: Update, context: BotContext) -> None:
    """/addmod USER_ID [kk|ru|en]: that Telegram user becomes a moderator (stored by pseudonym
    only), with a staff code of their own that appears on no report card; recorded in the
    history. Without a language they keep the one they use the bot in; someone who never wrote
    to it gets the language of their Telegram with their first message."""
    args = context.args or []
    language = args[1].lower() if len(args) == 2 else None
    if not 1 <= len(args) <= 2 or _user_id(args[0]) is None or language not in (None, *LANGUAGES):
        await update.effective_message.reply_text(context.t("admin.usage"))
        return
    services = context.services
    db = await services.db()
    known = await services.known_person(_user_id(args[0]))  # carried over from an older pseudonym
    pseudonym = known.pseudonym if known else await services.pseudonym_of(_user_id(args[0]))
    person = await people.add_staff(db, pseudonym, "moderator", language)
    await moderation.record(db, None, _actor(context), "staff_added", person.actor_code)
    services.forget(person)
    await register_staff_commands(context.bot, services)
    t = context.t
    spoken = (t(f"language.name.{person.language}") if await people.language_known(db, person.id)
              else t("admin.language_from_telegram"))
    lines = [t("admin.added", code=person.actor_code), t("admin.added_language", language=spoken)]
    await update.effective_message.reply_text("\n".join(lines))


async def remove_moderator(update: Update, context: BotContext) -> None:
    """/delmod CODE: the moderator /mods lists under that code (or with that Telegram user id)
    goes back to being an ordinary user (recorded in the history); their menu loses the staff
    commands and their dashboard sessions are closed. Their open questions are closed and their
    open reports go back to the queue, nobody's, each on the report's record; the answer names
    the reports."""
    args = context.args or []
    if len(args) != 1:
        await update.effective_message.reply_text(context.t("admin.usage_delmod"))
        return
    services = context.services
    db = await services.db()
    staff = await moderation.moderators(db)
    person = matching_code(args[0], staff)
    if person is None and (user_id := _user_id(args[0])) is not None:
        by_id = await services.known_person(user_id)
        person = next((member for member in staff if by_id is not None and member.id == by_id.id), None)
    if person is None:
        await update.effective_message.reply_text(context.t("admin.not_moderator"))
        return
    handed = await moderation.remove_moderator(db, person.id, _actor(context), person.actor_code)
    await web_sessions.revoke_person(db, person.id)  # signed out of the dashboard too
    services.forget(person)
    await register_staff_commands(context.bot, services, removed=[person.id])
    t = context.t
    lines = [t("admin.removed", code=person.actor_code)]
    if handed.reports:
        lines.append(t("admin.handed_back", count=len(handed.reports),
                       references=", ".join(report.reference for report in handed.reports)))
    if handed.questions:
        lines.append(t("admin.questions_closed", count=len(handed.questions)))
    await update.effective_message.reply_text("\n".join(lines))
    if handed.reports or handed.questions:
        # The group's side (cards redrawn, buttons taken off) waits for the group's window: not
        # the administrator, who has their answer already.
        context.job_queue.run_once(_tidy_group, 0, data=handed, name=f"handed_back:{person.id}")


async def _tidy_group(context: BotContext) -> None:
    """After /delmod: the removed moderator's questions lose their buttons (they are closed: a
    reply or a press finds nothing), and the cards of the reports handed back say nobody has them."""
    handed: moderation.HandedBack = context.job.data
    with pacing.background():
        for chat_id, message_id in handed.questions:
            try:
                await context.bot.edit_message_reply_markup(chat_id=chat_id, message_id=message_id, reply_markup=None)
            except TelegramError:
                pass  # deleted, or too old to edit: the question is closed all the same
        db = await context.services.db()
        for handed_back in handed.reports:
            report = await reports.get(db, handed_back.id)  # as it stands now: someone may have taken it since
            if report is not None:
                await refresh_card(context, context.services, report)


async def invite(update: Update, context: BotContext) -> None:
    """/invite: a one-time link that marks whoever opens it as an accredited observer; the
    invitation is recorded in the history (never the code itself)."""
    services = context.services
    code = await invites.make(await services.db(), services.keys, _actor(context))
    await update.effective_message.reply_text(context.t("admin.invite", link=invites.link(context.bot.username, code)))


# The figures' screen lists every line of the protocol, candidates too, in one message of at most
# 4,096 characters: 30 names of 60 fit with room to spare (an election has a handful).
CANDIDATES_MAX, CANDIDATE_NAME_MAX = 30, 60


async def set_candidates(update: Update, context: BotContext) -> None:
    """/candidates: the election's candidates in the protocol's order, which observers' protocol
    copies carry a line each for. Without arguments, the list; with names (separated by ``;``
    or one a line), the new list, recorded in the history."""
    t = context.t
    db = await context.services.db()
    text = update.effective_message.text or ""
    parts = text.split(maxsplit=1)  # "/candidates A; B" or the names on the lines below it
    names = [" ".join(name.split()) for name in re.split(r"[;\n]", parts[1] if len(parts) > 1 else "")]
    names = [name for name in names if name]
    if not names:
        found = await counts.candidates(db)
        lines = [t("admin.candidates_title", count=len(found))] if found else [t("admin.candidates_none")]
        lines += [t("admin.candidates_item", position=candidate.position, name=candidate.name) for candidate in found]
        lines.append(t("admin.candidates_usage"))
        await update.effective_message.reply_text("\n".join(lines))
        return
    if len(names) > CANDIDATES_MAX or any(len(name) > CANDIDATE_NAME_MAX for name in names) \
            or len(set(name.casefold() for name in names)) != len(names):
        await update.effective_message.reply_text(
            t("admin.candidates_bad", max=CANDIDATES_MAX, length=CANDIDATE_NAME_MAX))
        return
    await counts.set_candidates(db, names)
    await moderation.record(db, None, _actor(context), "candidates_set", str(len(names)))
    lines = [t("admin.candidates_set", count=len(names))]
    lines += [t("admin.candidates_item", position=position, name=name) for position, name in enumerate(names, 1)]
    await update.effective_message.reply_text("\n".join(lines))


def handlers() -> list[BaseHandler]:
    return fence("admins", [
        CommandHandler("candidates", set_candidates),
        CommandHandler("mods", list_moderators),
        CommandHandler("addmod", add_moderator),
        CommandHandler("delmod", remove_moderator),
        CommandHandler("invite", invite),
    ])
