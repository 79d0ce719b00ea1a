"""Moderators read: the queue, statistics with a chart, exports (CSV, JSON, a ZIP evidence bundle
for lawyers) and the draft of a complaint. /find is in handlers.mod_find, /view and /fix in
handlers.mod_view."""

from __future__ import annotations

import asyncio
import io
from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from services import day, deadlines, report_files
from services.charts import Bar, Section, stats_chart
from services.complaint import build
from services.complaint_docx import to_docx
from services.i18n import Html
from services.search_query import BadQuery, parse_filters
from domain.rules import DOCUMENT_LANGUAGES, STATUSES
from handlers import callback_data as cb
from handlers.context import BotContext
from handlers.moderation import actor, load_report, say, tell
from handlers.staff_guard import fence
from storage import evidence, moderation
from storage.models import Report

PAGE = 10


async def show_queue(update: Update, context: BotContext) -> None:
    """/queue [page]: reports that still need someone, urgent ones first, then oldest first."""
    page = 1
    if isinstance(context.pressed, cb.QueuePage):
        page = context.pressed.page
        await update.callback_query.answer()
    elif context.args and context.args[0].isdigit():
        page = max(1, int(context.args[0]))
    t = context.t
    items, total = await moderation.queue(await context.services.db(), (page - 1) * PAGE, PAGE)
    if not total:
        await update.effective_chat.send_message(t("mod.queue_empty"))
        return
    lines = [t("mod.queue_title", count=t.plural("mod.reports", total), page=page)]
    chains = await moderation.steps_of_reports(await context.services.db(), [report.id for report in items])
    lines += [queue_line(context, report, chains[report.id]) for report in items]
    buttons = []
    if page > 1:
        buttons.append(InlineKeyboardButton(t("mod.page_prev"), callback_data=cb.encode(cb.QueuePage(page - 1))))
    if page * PAGE < total:
        buttons.append(InlineKeyboardButton(t("mod.page_next"), callback_data=cb.encode(cb.QueuePage(page + 1))))
    await update.effective_chat.send_message("\n".join(lines),
                                             reply_markup=InlineKeyboardMarkup([buttons]) if buttons else None)


def queue_line(context: BotContext, report: Report, chain=None) -> Html:
    """A report in a list, flagged when urgent or past a deadline (of its whole chain of filings
    when ``chain`` is given; else of its latest step)."""
    t, services = context.t, context.services
    flags = [t("mod.urgent_flag")] if report.priority == "urgent" else []
    if deadlines.overdue(report, services.settings.tz, services.today(), chain, services.settings.election_day):
        flags.append(t("mod.overdue_flag"))
    return Html(" ".join([*flags, _queue_item(t, report)]))


def _queue_item(t, report: Report) -> Html:
    return t("mod.queue_item", reference=report.reference, status=t(f"status.{report.status}"),
             category=t(f"category.{report.subcategory}"), region=t(f"region.{report.region}"),
             received=t.datetime(datetime.fromisoformat(report.submitted_at)))


async def report_of_command(update: Update, context: BotContext, command: str) -> Report | None:
    """The report a staff command ``/command REF`` names; otherwise None, the sender told why."""
    if not context.args:
        await say(update, context.t(f"mod.usage.{command}"))
        return None
    return await load_report(update, context, context.args[0])


async def stats(update: Update, context: BotContext) -> None:
    """/stats: counts by status, category and region, as text and as a chart; then today's
    reports per hour, by group and region, and where they stand, as a second chart."""
    t = context.t
    db = await context.services.db()
    sections = [
        Section(t.text("mod.stats.by_status"), [Bar(t.text(f"status.{v}"), n) for v, n in _ordered(await moderation.counts(db, "status"))]),
        Section(t.text("mod.stats.by_category"), [Bar(t.text(f"group.{v}"), n) for v, n in await moderation.counts(db, "category")]),
        Section(t.text("mod.stats.by_region"), [Bar(t.text(f"region.{v}"), n) for v, n in await moderation.counts(db, "region")]),
    ]
    total = sum(bar.count for bar in sections[0].bars)
    png = stats_chart(t.text("mod.stats.title", total=total), sections)
    caption_lines = [t("mod.stats.caption", count=t.plural("mod.reports", total))]
    caption_lines += [t("mod.stats.line", label=bar.label, count=bar.count) for bar in sections[0].bars]
    await update.effective_chat.send_photo(InputFile(io.BytesIO(png), filename="stats.png"),
                                           caption="\n".join(caption_lines)[:1000])
    # The day over time: today's reports per hour, by group, by region and where they stand.
    services = context.services
    found = await day.of_day(db, services.today(), services.settings.tz, services.now(), services.settings.election_day,
                             listed=0)  # the picture lists no deadlines
    if found.total:
        picture = stats_chart(t.text("web.day.picture_title"), day.picture_sections(t, found))
        caption = [t("web.day.title")]
        if found.first_action_minutes is not None:
            hours, minutes = day.duration(found.first_action_minutes)
            caption.append(t("web.day.first_action", value=t.text("web.day.duration", hours=hours, minutes=minutes)))
        await update.effective_chat.send_photo(InputFile(io.BytesIO(picture), filename="day.png"),
                                               caption="\n".join(caption)[:1000])


def _ordered(pairs: list[tuple[str, int]]) -> list[tuple[str, int]]:
    order = {status: i for i, status in enumerate(STATUSES)}
    return sorted(pairs, key=lambda pair: order.get(pair[0], 99))


async def export(update: Update, context: BotContext) -> None:
    """/export csv|json [filters]: the filtered reports as a file."""
    args = context.args or []
    kind = args[0].lower() if args else ""
    if kind not in ("csv", "json"):
        await say(update, context.t("mod.usage.export"))
        return
    try:
        query = parse_filters(args[1:], lang=context.t.lang, today=context.services.today())
    except BadQuery as bad:
        await tell(update, bad.lines(context.t))
        return
    made = await report_files.export(context.services, query.filters(context.services.settings.tz), kind)
    await update.effective_chat.send_document(
        InputFile(io.BytesIO(made.data), filename=made.name),
        caption=context.t("mod.exported", count=context.t.plural("mod.reports", made.count)))
    await report_files.record_export(context.services, actor(context), kind, made, query.describe())


async def bundle(update: Update, context: BotContext) -> None:
    """/bundle REF: a ZIP with the original files and a manifest of hashes, for lawyers."""
    report = await report_of_command(update, context, "bundle")
    if report is None:
        return
    made = await report_files.bundle(context.services, report)
    await update.effective_chat.send_document(
        InputFile(io.BytesIO(made.data), filename=made.name),
        caption=context.t("mod.bundle_caption", reference=report.reference))
    await report_files.record_bundle(context.services, actor(context), report, made)


async def complaint(update: Update, context: BotContext) -> None:
    """/complaint REF ru|kk: the draft of a complaint (a Word document) for an escalated report,
    or one escalated and since resolved; it lists every filing before it."""
    args = context.args or []
    if len(args) != 2 or args[1].lower() not in DOCUMENT_LANGUAGES:
        await say(update, context.t("mod.usage.complaint"))
        return
    report = await load_report(update, context, args[0])
    if report is None:
        return
    if report.status not in ("escalated", "resolved") or not report.escalated_to:
        await say(update, context.t("mod.complaint_not_escalated", reference=report.reference))
        return
    services = context.services
    db = await services.db()
    records = await evidence.of_report(db, report.id)
    draft = build(report, records, args[1].lower(), services.settings.tz, await moderation.escalation_steps(db, report.id))
    data = await asyncio.to_thread(to_docx, draft)  # building a document is CPU work: off the event loop
    await update.effective_chat.send_document(
        InputFile(io.BytesIO(data), filename=f"{report.reference}-complaint-{args[1].lower()}.docx"),
        caption=context.t("mod.complaint_caption", reference=report.reference))
    await moderation.record(db, report.id, actor(context), "complaint", args[1].lower())


def handlers() -> list[BaseHandler]:
    return fence("staff", [
        CommandHandler("queue", show_queue),
        CallbackQueryHandler(show_queue, pattern=cb.pattern(cb.QueuePage)),
        CommandHandler("stats", stats),
        CommandHandler("export", export),
        CommandHandler("bundle", bundle),
        CommandHandler("complaint", complaint),
    ])
