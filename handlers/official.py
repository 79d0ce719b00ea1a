"""/official: an administrator sends the commission's official figures as a CSV document (after the
command, or with it as the document's caption); the file is checked whole and loaded, or refused
with each bad line's number and reason and nothing stored (services.official); then the tally
files any protocol-discrepancy report the new figures call for."""

from __future__ import annotations

import time

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, BaseHandler, CommandHandler, MessageHandler, filters

from services import discrepancies, official
from services.i18n import Html
from handlers import deliveries
from handlers.context import BotContext
from handlers.staff_guard import admits, fence

WAITING = "official.waiting"  # bot_data: administrator's user id → when they sent /official
WAIT_SECONDS = 15 * 60  # a document this long after /official is taken as the file
GROUP = -12  # before anything else reads a document (urgent follow-ups, answers, the wizard)


def _waiting(context: BotContext) -> dict[int, float]:
    return context.application.bot_data.setdefault(WAITING, {})


async def ask(update: Update, context: BotContext) -> None:
    """/official: the next document this administrator sends is the official file."""
    _waiting(context)[update.effective_user.id] = time.monotonic()
    await update.effective_message.reply_text(context.t("tally.official.ask", max=str(official.MAX_BYTES // 2**20)))


def _expected(update: Update, context: BotContext) -> bool:
    """Whether this document is the official file: an administrator's, after /official or
    captioned with it."""
    user_id = update.effective_user.id if update.effective_user else None
    if user_id is None or not admits("admins", update, context):
        return False
    caption = (update.effective_message.caption or "").strip().split("@")[0]
    asked = _waiting(context).get(user_id)
    return caption == "/official" or (asked is not None and time.monotonic() - asked < WAIT_SECONDS)


async def take_file(update: Update, context: BotContext) -> None:
    """The official file, sent as a document: loaded whole, or refused line by line."""
    if not _expected(update, context):
        return  # someone's evidence, or a file nobody asked for: the other handlers' to take
    t, message = context.t, update.effective_message
    document = message.document
    if document.file_size and document.file_size > official.MAX_BYTES:
        await message.reply_text(_refusal(t, official.BadFile(
            [official.Problem(0, "too_big", {"max": str(official.MAX_BYTES // 2**20)})], 1)))
        raise ApplicationHandlerStop
    try:
        data = bytes(await (await context.bot.get_file(document.file_id)).download_as_bytearray())
    except TelegramError:
        await message.reply_text(t("tally.official.not_downloaded"))
        raise ApplicationHandlerStop from None
    services = context.services
    try:
        loaded = await official.load(await services.db(), data, f"admin {context.person.actor_code}")
    except official.BadFile as bad:
        await message.reply_text(_refusal(t, bad))  # still waiting: the corrected file is taken as well
        raise ApplicationHandlerStop from None
    _waiting(context).pop(update.effective_user.id, None)
    filed = await discrepancies.file_new(services)
    if filed:
        deliveries.soon(context)  # their cards, now rather than at the outbox's next round
    await message.reply_text(t("tally.official.loaded", rows=str(loaded.rows), sha256=loaded.sha256,
                               filed=str(len(filed))))
    raise ApplicationHandlerStop


def _refusal(t, bad: official.BadFile) -> Html:
    lines = [t("tally.official.refused", count=str(bad.total))]
    for problem in bad.problems:
        reason = t(f"tally.official.bad.{problem.key}", **problem.params)
        lines.append(t("tally.official.problem", line=str(problem.line), reason=reason) if problem.line else reason)
    if bad.total > len(bad.problems):
        lines.append(t("tally.official.more", count=str(bad.total - len(bad.problems))))
    return Html("\n".join(lines))


def handlers() -> list[BaseHandler]:
    return fence("admins", [CommandHandler("official", ask)])


def file_handler() -> BaseHandler:
    """Registered in GROUP, apart from the journeys: a document that is not the official file
    goes on to them untouched."""
    return MessageHandler(filters.ChatType.PRIVATE & filters.Document.ALL, take_file)
