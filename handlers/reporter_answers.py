"""A reporter who allowed contact answers a moderator's question (their /reply): by replying to
the bot's message about the report, or simply by sending it while a question is open (the
latest one; a choice when questions about several reports are open). Text, a photo, a video, a
voice message or a document: the answer goes into the report's history (files as evidence, with
their hash and receipt time) and to the moderators' chat under the card."""

from __future__ import annotations

import re
from datetime import timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import ApplicationHandlerStop, BaseHandler, CallbackQueryHandler, MessageHandler, filters

from services.text import clean
from domain.clock import ago
from handlers import callback_data as cb
from handlers import deliveries, evidence_intake
from handlers.context import BotContext
from storage import drafts, evidence, moderation, outbox, reports
from storage.models import Report

_REFERENCE = re.compile(r"\bKZ-(\d{6,9})\b")
# Nothing a reporter sends is cut: one Telegram message is at most this long, and a longer text
# comes as several (each taken, the next part to the same report: chat_memory.ReporterAnswers).
ANSWER_MAX = 4096
# What one message in the moderators' chat carries besides its heading: a longer answer is kept
# as consecutive entries of the history, each posted under the card.
ANSWER_PIECE = 3500
QUESTION_OPEN = timedelta(days=7)  # a moderator's question may be answered without Reply this long
ANSWERS = (filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE & ~filters.COMMAND & (
    filters.TEXT | filters.PHOTO | filters.VIDEO | filters.VOICE | filters.VIDEO_NOTE | filters.AUDIO
    | filters.Document.ALL))


async def answer(update: Update, context: BotContext) -> None:
    """A reply to the bot's message naming one of this person's reports, or anything sent while
    a moderator's question to them is open and no report of theirs is being written."""
    message = update.message
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == context.bot.id:
        named = set(_REFERENCE.findall(replied.text or replied.caption or ""))
        if len(named) == 1:
            await _by_reply(update, context, int(named.pop()))
        return  # about no report, or a list of several (My reports): which one is not known
    await _without_reply(update, context)


async def _by_reply(update: Update, context: BotContext, report_id: int) -> None:
    report = await reports.get(await context.services.db(), report_id)
    if report is None:
        return
    if not report.contact_allowed:
        # Anonymous: whose it is cannot be known (nothing links it to anyone), and nothing is
        # stored or passed on, so saying why is safe for whoever replies to its receipt.
        await update.message.reply_text(context.t("feedback.answer_no_contact", reference=report.reference))
        raise ApplicationHandlerStop
    if report.reporter_id != context.person.id:
        return  # not theirs (or their data was deleted): nothing about it is said or stored
    if await take(context, update.message, report):
        raise ApplicationHandlerStop


async def _without_reply(update: Update, context: BotContext) -> None:
    """Sent without Reply: to the report the last answer went to a moment ago (the rest of a
    split text, an album), else to the one open question, else a choice; nothing when no
    question is open or a report is being written (its steps take what is sent)."""
    chat, services = update.effective_chat.id, context.services
    db = await services.db()
    going_on = services.answers.going_on(chat)
    if going_on is not None:
        report = await reports.get(db, going_on)
        mine = report is not None and report.reporter_id == context.person.id
        if mine and await take(context, update.message, report):
            raise ApplicationHandlerStop
        return
    # The draft first: an open one is in memory (a wizard's step reads nothing), and its steps take
    # what is sent; only then the questions (an indexed read, empty for nearly everyone).
    if await drafts.get(db, context.person.id) is not None:
        return
    asked = await open_questions(context)
    if not asked:
        return
    if len(asked) == 1:
        if await take(context, update.message, asked[0]):
            raise ApplicationHandlerStop
        return
    services.answers.hold(chat, update.message)
    t = context.t
    rows = [[InlineKeyboardButton(t("feedback.answer_to", reference=report.reference),
                                  callback_data=cb.encode(cb.AnswerAbout(report.id)))] for report in asked]
    await update.message.reply_text(t("feedback.answer_which"), reply_markup=InlineKeyboardMarkup(rows))
    raise ApplicationHandlerStop


async def open_questions(context: BotContext) -> list[Report]:
    """This person's reports a moderator asked about lately, the latest question first."""
    db = await context.services.db()
    ids = await moderation.asked_reports(db, context.person.id, ago(QUESTION_OPEN))
    found = [await reports.get(db, report_id) for report_id in ids]
    return [report for report in found if report is not None]


async def chose(update: Update, context: BotContext) -> None:
    """Which question a held answer is about: taken now (if it is still held and the question open)."""
    query = update.callback_query
    asked = {report.id: report for report in await open_questions(context)}
    report = asked.get(context.press(cb.AnswerAbout).report_id)
    held = context.services.answers.take(update.effective_chat.id) if report is not None else None
    if report is None or not isinstance(held, Message):
        await query.answer(context.t("common.stale_button"))
        return
    await query.answer()
    await query.edit_message_reply_markup(None)
    await take(context, held, report)


async def take(context: BotContext, message: Message, report: Report) -> bool:
    """Store the answer (its text whole, or its file as evidence) on the report, pass it on to
    the moderators and tell the reporter; False when the message carries nothing to take."""
    db, t = await context.services.db(), context.t
    notices: list[int] = []
    if message.text is not None:
        text = clean(message.text)
        if not text:
            return False
        if len(text) > ANSWER_MAX:  # not from Telegram's apps: said, never cut
            await message.reply_text(t("feedback.answer_too_long", max=t.number(ANSWER_MAX)))
            return True
        for piece in pieces(text, ANSWER_PIECE):
            notices.append(await moderation.add_reporter_answer(db, report.id, piece))
    else:
        try:
            incoming = evidence_intake.incoming(message)
            if incoming is None:
                return False
            record = await evidence_intake.download(context, incoming)
        except evidence_intake.NotTaken as why:
            await message.reply_text(t(why.key))
            return True
        caption = clean(message.caption or "")
        await evidence.add_to_report(db, report.id, record, [("answer", {"text": caption})],
                                     action="reporter_answer", note=caption or record.kind)
        notices += await outbox.waiting(db, report.id, ("answer",))
    context.services.answers.answered(message.chat_id, report.id)
    passed_on = context.services.settings.moderator_chat_id is not None
    await message.reply_text(t("feedback.answer_kept" if passed_on else "feedback.answer_in_history",
                               reference=report.reference))
    for notice in notices:
        await deliveries.attempt(context, notice)
    return True


def pieces(text: str, size: int) -> list[str]:
    """``text`` in consecutive pieces of at most ``size`` characters, split between words
    where there is a space in the last tenth of a piece; joined, they are the text."""
    out: list[str] = []
    while len(text) > size:
        cut = text.rfind(" ", size - size // 10, size)
        cut = size if cut <= 0 else cut + 1
        out.append(text[:cut])
        text = text[cut:]
    return [*out, text] if text else out


def answer_handler() -> BaseHandler:
    """Runs before the journeys, so that an answer to a moderator is never taken as a wizard step
    (a report being written keeps what is sent without Reply)."""
    return MessageHandler(ANSWERS, answer)


def handlers() -> list[BaseHandler]:
    return [CallbackQueryHandler(chose, pattern=cb.pattern(cb.AnswerAbout))]
