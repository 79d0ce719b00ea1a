"""The receipt of a report: its status button and /status CODE show the status and the
moderators' public answers to whoever holds the code, without knowing (or recording) who that is."""

from __future__ import annotations

import re
from datetime import datetime

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from services import receipts
from services.feedback import meaning, status_name
from services.i18n import Html, Translator
from handlers import callback_data as cb
from handlers.context import BotContext
from storage import moderation, reports
from storage.models import Report

_REFERENCE = re.compile(r"\bKZ-?\d{1,9}\b", re.IGNORECASE)


async def status_button(update: Update, context: BotContext) -> None:
    """The receipt's button: the report's status now, as a new message under the receipt."""
    query = update.callback_query
    code = context.press(cb.Receipt).code
    report = await reports.by_receipt(await context.services.db(), receipts.code_hash(code))
    if report is None:
        await query.answer(context.t("common.stale_button"), show_alert=True)
        return
    await query.answer()
    await update.effective_chat.send_message(await _status(context, report))


async def status_command(update: Update, context: BotContext) -> None:
    """/status CODE: the same for someone who kept only the code (the chat deleted, say)."""
    t = context.t
    typed = " ".join(context.args or [])
    code = receipts.typed(typed)
    if code is None:
        reference = _REFERENCE.search(typed)
        # A report's number where the receipt's code belongs: which is which, and where the code is.
        await update.effective_message.reply_text(
            t("receipt.not_reference", reference=reference.group(0).upper()) if reference else t("receipt.usage"))
        return
    report = await reports.by_receipt(await context.services.db(), receipts.code_hash(code))
    if report is None:
        await update.effective_message.reply_text(t("receipt.unknown"))
        return
    await update.effective_message.reply_text(await _status(context, report))


async def _status(context: BotContext, report: Report) -> Html:
    t: Translator = context.t
    submitted = datetime.fromisoformat(report.submitted_at).astimezone(t.tz)
    lines = [t("receipt.title", reference=report.reference, date=t.date(submitted.date())),
             t("receipt.status", status=status_name(t, report.status, report.escalated_to)),
             meaning(t, report.status, report.external_date)]
    if report.public_note:
        lines.append(t("receipt.note", text=report.public_note))
    replies = await moderation.replies_of(await context.services.db(), report.id)
    lines += [t("receipt.reply", text=text) for text in replies[-3:]]
    if not report.contact_allowed:
        lines.append(t("receipt.anonymous"))
    return Html("\n".join(lines))


def handlers() -> list[BaseHandler]:
    return [
        CallbackQueryHandler(status_button, pattern=cb.pattern(cb.Receipt)),
        CommandHandler("status", status_command, filters=filters.ChatType.PRIVATE),
    ]
