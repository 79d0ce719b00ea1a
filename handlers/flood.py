"""Per-person flood control: a burst over the limit is dropped with one polite notice."""

from __future__ import annotations

import time

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from services.flood import FloodGuard
from handlers import report_evidence
from handlers.context import BotContext
from storage import drafts


def _album(update: Update) -> str | None:
    message = update.effective_message
    return message.media_group_id if message else None


async def _file_for_draft(update: Update, context: BotContext) -> bool:
    """Whether the update is a file sent to a report at a step that takes files."""
    message = update.message
    if message is None or message.chat.type != "private" or not report_evidence.FILES.check_update(update):
        return False
    draft = await drafts.get(await context.services.db(), context.person.id)  # cached: no read
    return draft is not None and draft.step in report_evidence.TAKING_FILES


async def guard(update: object, context: BotContext) -> None:
    """Runs right after the person is known; stops the update when they are over the limit."""
    if context.person is None or not isinstance(update, Update):
        return
    flood: FloodGuard = context.services.flood
    now = time.monotonic()
    if await _file_for_draft(update, context):
        allowed = flood.allow_file(context.person.pseudonym, now)
    else:
        allowed = flood.allow(context.person.pseudonym, now, _album(update))
    if allowed:
        return
    if update.callback_query:
        await update.callback_query.answer(context.t("flood.updates"))
    elif flood.should_warn(context.person.pseudonym, now) and update.effective_chat:
        await update.effective_chat.send_message(context.t("flood.updates"))
    raise ApplicationHandlerStop
