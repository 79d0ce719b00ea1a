"""A reporter who allowed contact answers a moderator by replying to the bot's message about
their report: the answer goes into the report's history and to the moderators' chat."""

from __future__ import annotations

import re

from telegram import Update
from telegram.ext import ApplicationHandlerStop, BaseHandler, MessageHandler, filters

from bot.services.text import clean
from handlers import deliveries
from handlers.context import BotContext
from storage import moderation, reports

_REFERENCE = re.compile(r"\bKZ-(\d{6,9})\b")
ANSWER_MAX = 2000


async def answer(update: Update, context: BotContext) -> None:
    """A reply to the bot's message naming one of this person's reports is an answer about it."""
    message = update.message
    replied = message.reply_to_message
    if replied is None or replied.from_user is None or replied.from_user.id != context.bot.id:
        return  # not a reply to the bot: the journeys take it
    named = set(_REFERENCE.findall(replied.text or replied.caption or ""))
    if len(named) != 1:
        return  # about no report, or a list of several (My reports): which one is not known
    db = await context.services.db()
    report = await reports.get(db, int(named.pop()))
    if report is None:
        return
    t = context.t
    if not report.contact_allowed:
        # Anonymous: whose it is cannot be known (nothing links it to anyone), and nothing is
        # stored or passed on, so saying why is safe for whoever replies to its receipt.
        await message.reply_text(t("feedback.answer_no_contact", reference=report.reference))
        raise ApplicationHandlerStop
    if report.reporter_id != context.person.id:
        return  # not theirs (or their data was deleted): nothing about it is said or stored
    text = clean(message.text or "").strip()[:ANSWER_MAX]
    if not text:
        return
    notice = await moderation.add_reporter_answer(db, report.id, text)
    passed_on = context.services.settings.moderator_chat_id is not None
    await message.reply_text(t("feedback.answer_kept" if passed_on else "feedback.answer_in_history",
                               reference=report.reference))
    await deliveries.attempt(context, notice)
    raise ApplicationHandlerStop


def answer_handler() -> BaseHandler:
    """Runs before the journeys, so that a reply about a report is never taken as a wizard step."""
    return MessageHandler(filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND
                          & filters.REPLY, answer)
