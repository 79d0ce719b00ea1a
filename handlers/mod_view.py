"""/view: one report in full (evidence, card, the whole history with who and when) and /fix,
which corrects what a report is about (region, category, precinct), audited field by field."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from services.i18n import pack
from services import history
from services import moderation as rulebook
from services.moderation import Refused, Request
from services.search_query import BadQuery, parse_corrections
from handlers.context import BotContext
from handlers.mod_cards import card_keyboard, card_text, in_group, post_evidence
from handlers.report_summary import DESCRIPTION_SHOWN
from handlers.mod_queries import report_of_command
from handlers.moderation import afterwards, load_report, redrawn, say, tell
from handlers.staff_guard import fence
from storage import audit, evidence, moderation


PART = 3_500  # of a long description a message: with the escaping, within Telegram's 4,096


async def view(update: Update, context: BotContext) -> None:
    """/view REF: the card with its buttons, the whole history (every status change, note, reply,
    correction and file taken out, each with who and when, local time), then the evidence: the
    words first, since files to a busy group wait longest for its window."""
    report = await report_of_command(update, context, "view")
    if report is None:
        return
    services, t = context.services, context.t
    db = await services.db()
    chat_id = update.effective_chat.id
    await update.effective_chat.send_message(await card_text(services, t, report),
                                             reply_markup=card_keyboard(t, report, await in_group(services, report)))
    if len(report.description) > DESCRIPTION_SHOWN:  # the card has its beginning: the whole, in parts
        for start in range(0, len(report.description), PART):
            await update.effective_chat.send_message(t("mod.view.description_part", reference=report.reference,
                                                       text=report.description[start:start + PART]))
    names = await moderation.staff_names(db)
    lines = [t("mod.history.title", reference=report.reference)]
    lines += [history.line(t, entry, names) for entry in await audit.of_report(db, report.id)]
    for message in pack(lines):  # a long history (notes of a thousand characters) takes several
        await update.effective_chat.send_message(message)
    await post_evidence(context, services, chat_id, report, await evidence.of_report(db, report.id))


async def fix(update: Update, context: BotContext) -> None:
    """/fix REF region=… category=… precinct=…: correct what a report is about (codes or names;
    a precinct number, none or unknown). Audited field by field, and the card redrawn."""
    args, t = context.args or [], context.t
    if len(args) < 2:
        await say(update, t("mod.usage.fix"))
        return
    report = await load_report(update, context, args[0])
    if report is None:
        return
    try:
        changes = parse_corrections(args[1:])
    except BadQuery as bad:
        await tell(update, bad.lines(t))
        return
    try:
        outcome = await rulebook.act(await context.services.db(), context.person, report,
                                     Request(action="correct", corrections=changes), t, context.services.today())
    except Refused as refused:
        await say(update, t(refused.key, **refused.params))
        return
    if outcome.kind != "corrected":
        await say(update, t("mod.fix.unchanged", reference=report.reference))
        return
    await tell(update, [t("mod.fix.done", reference=outcome.report.reference),
                        *(history.correction(t, note) for note in outcome.notes)])
    afterwards(update, context, redrawn(context, outcome.report.id))


def handlers() -> list[BaseHandler]:
    return fence("staff", [
        CommandHandler("view", view),
        CommandHandler("fix", fix),
    ])
