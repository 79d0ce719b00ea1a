"""The evidence step: files are downloaded, hashed and recorded the moment they arrive."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import filters

from bot.services.evidence import (
    BOT_API_DOWNLOAD_LIMIT, LOCAL_API_DOWNLOAD_LIMIT, MAX_FILES, ContentMismatch, UnsupportedFile,
    incoming_file, receive,
)
from handlers.context import BotContext
from handlers.report_steps import (
    CONTACT, EVIDENCE, advance, ask, evidence_count, evidence_prompt, load, show, typed,
)
from storage import evidence
from storage.models import Draft

log = logging.getLogger(__name__)

FILES = (filters.PHOTO | filters.VIDEO | filters.Document.ALL | filters.VOICE | filters.AUDIO
         | filters.VIDEO_NOTE)
# The items of an album arrive as separate updates; one answer follows once they stop coming.
ALBUM_SETTLE_SECONDS = 1.0


@typed(EVIDENCE)
async def received(update: Update, context: BotContext, draft: Draft) -> str:
    """One file (or one item of an album): store it, then say how many files there are."""
    t = context.t
    try:
        incoming = incoming_file(update.message)
    except UnsupportedFile:
        return await show(update, context, draft, EVIDENCE, notice=t("wizard.evidence_unsupported"))
    if incoming is None:
        return await show(update, context, draft, EVIDENCE, notice=t("wizard.bad_evidence"))
    count = await evidence_count(context)
    if count >= MAX_FILES:
        return await show(update, context, draft, EVIDENCE, notice=t("wizard.evidence_limit", max=MAX_FILES))
    settings = context.services.settings
    limit = LOCAL_API_DOWNLOAD_LIMIT if settings.telegram_local_mode else BOT_API_DOWNLOAD_LIMIT
    try:
        record = await receive(context.bot, incoming, settings.data_dir, limit, context.services.keys,
                               client=context.services.download_client())
    except ContentMismatch:
        return await show(update, context, draft, EVIDENCE, notice=t("wizard.evidence_mismatch"))
    except TelegramError as exc:
        log.warning("evidence download failed: %s", type(exc).__name__)
        return await show(update, context, draft, EVIDENCE, notice=t("wizard.evidence_failed"))
    await evidence.add_to_draft(await context.services.db(), context.person.id, record)
    if incoming.media_group_id and not record.too_big:
        _answer_album_later(update, context, incoming.media_group_id)
        return EVIDENCE
    notice = t("wizard.evidence_too_big") if record.too_big else None
    # The draft is at this step already, and recording the file moved its idle clock
    # (migration 0006): nothing to store. Files arrive one update at a time per chat, so the
    # count is the one read above plus this one.
    return await ask(update, context, EVIDENCE, evidence_prompt(t, draft, count + 1), notice)


def _answer_album_later(update: Update, context: BotContext, group_id: str) -> None:
    name = f"album:{update.effective_chat.id}:{group_id}"
    for job in context.job_queue.get_jobs_by_name(name):
        job.schedule_removal()
    context.job_queue.run_once(album_settled, ALBUM_SETTLE_SECONDS, chat_id=update.effective_chat.id,
                               name=name, data=context.person)


async def album_settled(context: BotContext) -> None:
    """The album's last item came a moment ago: answer once for all of it."""
    context.person = context.job.data
    draft = await load(context)
    if draft is None or draft.step != EVIDENCE:
        return
    text, markup = evidence_prompt(context.t, draft, await evidence_count(context))
    await context.bot.send_message(context.job.chat_id, text, reply_markup=markup)


async def chose(update: Update, context: BotContext, draft: Draft, value: str) -> str:
    """Done, or no evidence at all: both go on to the contact step."""
    return await advance(update, context, draft, CONTACT)
