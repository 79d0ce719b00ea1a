"""/answered and /filingfile: what a body a report was filed with answered, and when, and the
files of the complaint as filed and of the answer, kept in its chain of filings."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from services import outside_ref
from domain.legal import ANSWER_KINDS
from handlers.context import BotContext
from handlers.evidence_intake import NotTaken, download, incoming
from handlers.mod_cards import refresh_card
from handlers.moderation import actor, load_report, say
from handlers.staff_guard import fence
from storage import evidence, moderation

FILING_FILES = ("complaint", "answer")  # the complaint as filed, the body's answer


async def answered(update: Update, context: BotContext) -> None:
    """/answered REF STEP received|refused DATE (or "-" to clear): the answer of the body of
    filing STEP (1 = the first), which closes its answer window and opens the next ones."""
    t, args = context.t, context.args or []
    if len(args) != 4 or not args[1].isdigit() or args[2].lower() not in ANSWER_KINDS:
        await say(update, t("mod.usage.answered"))
        return
    report = await load_report(update, context, args[0])
    if report is None:
        return
    kind, words = args[2].lower(), args[3]
    try:
        when = outside_ref.parse(words, context.person.language, context.services.today()).filed_on
    except outside_ref.BadWhen as bad:
        await say(update, t(f"mod.external_date.{bad}"))
        return
    if when is None and words.strip() not in outside_ref.NOTHING_YET:
        await say(update, t("mod.external_date.format"))
        return
    db = await context.services.db()
    try:
        step = await moderation.record_answer(db, report.id, actor(context), int(args[1]),
                                              kind if when else None, when.isoformat() if when else None)
    except LookupError:
        await say(update, t("mod.answered_no_step", reference=report.reference, step=args[1]))
        return
    await say(update, t("mod.answered_recorded", reference=report.reference, step=args[1],
                        target=t(f"mod.target.{step.target}"),
                        answer=t(f"mod.card.step_{step.answer_kind}", date=t.date(when)) if when
                        else t("mod.card.step_none")))
    await refresh_card(context, context.services, report)


async def filing_file(update: Update, context: BotContext) -> None:
    """/filingfile REF N complaint|answer, as a reply to a message with a file or photo: the
    complaint as filed with the body of step N, or its answer, kept as evidence with its hash."""
    t, args = context.t, context.args or []
    if len(args) != 3 or not args[1].isdigit() or args[2].lower() not in FILING_FILES:
        await say(update, t("mod.usage.filingfile"))
        return
    report = await load_report(update, context, args[0])
    if report is None:
        return
    source = update.effective_message.reply_to_message
    try:
        file = incoming(source) if source is not None else None
        if file is None:
            await say(update, t("mod.filing_file_none"))
            return
        record = await download(context, file)
    except NotTaken as refused:
        await say(update, t(refused.key))
        return
    which, step = args[2].lower(), int(args[1])
    try:
        await evidence.add_to_filing(await context.services.db(), report.id, step, which, record, actor(context))
    except LookupError:
        await say(update, t("mod.answered_no_step", reference=report.reference, step=step))
        return
    await say(update, t("mod.filing_file_saved", reference=report.reference, step=step,
                        which=t(f"mod.filing_file.{which}"), sha256=record.sha256 or "—"))


def handlers() -> list[BaseHandler]:
    return fence("staff", [CommandHandler("answered", answered), CommandHandler("filingfile", filing_file)])
