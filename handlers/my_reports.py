"""/myreports: the reports a person allowed contact on, with their status, in their language.
Anonymous reports are linked to nobody, so they cannot be listed: their receipts show them."""

from __future__ import annotations

from datetime import datetime

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from services.feedback import status_name
from handlers import callback_data as cb
from handlers import deliveries
from handlers.context import BotContext
from storage import moderation, reports

SHOWN = 10  # the newest ones, with the latest reply of each: fits one message in any language


async def show_my_reports(update: Update, context: BotContext) -> None:
    """List the newest reports linked to this person with date, category and status, and say
    where anonymous ones are."""
    if update.callback_query:
        await update.callback_query.answer()
    t = context.t
    db = await context.services.db()
    # A receipt that never arrived (Telegram failed, every retry) comes first: it is the only
    # way back to an anonymous report.
    await deliveries.confirm_now(context)
    total = await reports.count_of_reporter(db, context.person.id)
    if not total:
        await update.effective_chat.send_message(f'{t("myreports.empty")}\n\n{t("myreports.anonymous")}')
        return
    lines = [t("myreports.title", count=t.plural("myreports.count", total))]
    for report in await reports.of_reporter(db, context.person.id, limit=SHOWN):
        submitted = datetime.fromisoformat(report.submitted_at)
        # An observer's count has no category of violation: its kind names it (group.turnout).
        what = t(f"category.{report.subcategory}") if report.subcategory else t(f"group.{report.category}")
        item = t("myreports.item", reference=report.reference, date=t.date(submitted.astimezone(t.tz).date()),
                 category=what, status=status_name(t, report.status, report.escalated_to))
        replies = [t("myreports.reply", text=_short(text)) for text in await moderation.replies_of(db, report.id)]
        lines.append("\n".join([item, *replies[-1:]]))
    lines.append(t("myreports.anonymous"))
    await update.effective_chat.send_message("\n\n".join(lines))


def _short(text: str, limit: int = 150) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def handlers() -> list[BaseHandler]:
    return [
        CommandHandler("myreports", show_my_reports, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(show_my_reports, pattern=cb.pattern(cb.Menu, item="mine")),
    ]
