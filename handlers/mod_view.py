"""/view: one report in full (evidence, card, the whole history with who and when) and /fix,
which corrects what a report is about (region, category, precinct), audited field by field."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from bot.services.i18n import Html, Translator, pack
from bot.services.search_query import FIX_KEYS, BadQuery, label, parse_corrections
from domain import clock
from handlers.context import BotContext
from handlers.mod_cards import card_keyboard, card_text, post_evidence, refresh_card
from handlers.mod_queries import report_of_command
from handlers.moderation import actor, load_report, say, tell
from handlers.staff_guard import fence
from storage import audit, evidence, moderation
from storage.models import AuditEntry


async def view(update: Update, context: BotContext) -> None:
    """/view REF: the evidence, the card with its buttons, and the whole history: every status
    change, note, reply, correction and file taken out, each with who and when (local time)."""
    report = await report_of_command(update, context, "view")
    if report is None:
        return
    services, t = context.services, context.t
    db = await services.db()
    chat_id = update.effective_chat.id
    await post_evidence(context, services, chat_id, report, await evidence.of_report(db, report.id))
    await update.effective_chat.send_message(await card_text(services, t, report), reply_markup=card_keyboard(t, report))
    names = await moderation.staff_names(db)
    lines = [t("mod.history.title", reference=report.reference)]
    lines += [_history_line(t, entry, names) for entry in await audit.of_report(db, report.id)]
    for message in pack(lines):  # a long history (notes of a thousand characters) takes several
        await update.effective_chat.send_message(message)


# mod.history.<action>: who, at, text
HISTORY_WITH_TEXT = ("note", "reply", "bundle", "complaint", "export", "reporter_answer", "escalation_corrected")


def _history_line(t: Translator, entry: AuditEntry, names: dict[str, str]) -> Html:
    who, at = _who(t, entry.actor, names), t.datetime(clock.parse(entry.created_at))
    if entry.action == "submitted":
        return t("mod.history.submitted", who=who, at=at)
    if entry.action == "status":
        before, after = (label(t, "status", code) if code else "—" for code in (entry.from_status, entry.to_status))
        return t("mod.history.status_note" if entry.note else "mod.history.status",
                 who=who, at=at, before=before, after=after, text=entry.note or "")
    change = _correction(t, entry.note or "") if entry.action == "correct" else None
    if change is not None:
        return t("mod.history.correct", who=who, at=at, change=change)
    if entry.action in HISTORY_WITH_TEXT:
        return t(f"mod.history.{entry.action}", who=who, at=at, text=entry.note or "")
    return t("mod.history.other", who=who, at=at, action=entry.action, text=entry.note or "")


def _who(t: Translator, who: str, names: dict[str, str]) -> str:
    """An audit row's actor as moderators know them: a staff member by name, when known."""
    kind, _, code = who.partition(" ")
    if kind == "moderator" and code:
        name = names.get(code)
        return t("mod.history.moderator_named", name=name, code=code) if name else t("mod.history.moderator", code=code)
    return t("mod.history.reporter") if who == "reporter" else who


def _correction(t: Translator, note: str) -> Html | None:
    """"region: akmola → karaganda", as written by moderation.correct, in the reader's words."""
    field, _, change = note.partition(": ")
    before, arrow, after = change.partition(" → ")
    if field not in FIX_KEYS or not arrow:
        return None
    return t("mod.fix.change", field=t(f"mod.find.name.{field}"),
             before=label(t, field, before), after=label(t, field, after))


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
    updated, notes = await moderation.correct(await context.services.db(), report.id, actor(context), changes)
    if not notes:
        await say(update, t("mod.fix.unchanged", reference=report.reference))
        return
    await refresh_card(context, context.services, updated)
    await tell(update, [t("mod.fix.done", reference=updated.reference), *(_correction(t, note) for note in notes)])


def handlers() -> list[BaseHandler]:
    return fence("staff", [
        CommandHandler("view", view),
        CommandHandler("fix", fix),
    ])
