"""Scheduled work on the JobQueue: reminding about idle drafts and discarding expired ones.

Schedules are derived from the database at every run, so a restart loses nothing.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram.error import Forbidden
from telegram.ext import Application

from bot.evidence import remove_files
from bot.services import BotContext
from storage import drafts, evidence, people

log = logging.getLogger(__name__)

DRAFT_REMINDER_AFTER = timedelta(hours=24)
DRAFT_EXPIRES_AFTER = timedelta(days=7)
DRAFTS_EVERY = timedelta(minutes=30)


def schedule(application: Application) -> None:
    application.job_queue.run_repeating(
        draft_maintenance, interval=DRAFTS_EVERY, first=timedelta(seconds=30), name="drafts"
    )


async def draft_maintenance(context: BotContext) -> None:
    """One reminder for drafts idle a day; drafts idle a week are discarded with their files."""
    services = context.services
    db = await services.db()
    for person_id in await drafts.expired(db, DRAFT_EXPIRES_AFTER):
        records = await evidence.discard_draft(db, person_id)
        await drafts.delete(db, person_id)
        remove_files(records, services.settings.data_dir)
    for person_id in await drafts.due_for_reminder(db, DRAFT_REMINDER_AFTER):
        await _remind(context, person_id)
        await drafts.mark_reminded(db, person_id)


async def _remind(context: BotContext, person_id: int) -> None:
    services = context.services
    db = await services.db()
    person = await people.get_by_id(db, person_id)
    sealed = await people.chat_ref(db, person_id)
    chat_id = services.keys.unseal(sealed) if sealed else None
    if person is None or chat_id is None:
        return
    try:
        await context.bot.send_message(int(chat_id), services.translator(person.language)("wizard.reminder"))
    except Forbidden:
        log.info("a draft reminder could not be delivered (the bot was blocked)")
