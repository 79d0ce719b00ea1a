"""Tamper-evident records at start: an upgraded database is sealed once; otherwise every report,
file and audit entry is checked, and what was changed outside the bot is told to the log in one
line and to the staff once (storage.integrity).

The bot keeps running when something is found: refusing to start would lose the reports of the
day to come and repair nothing, since the changed rows are named and a backup holds the originals.
"""

from __future__ import annotations

import hashlib
import logging

from telegram.error import TelegramError
from telegram.ext import Application

from services.i18n import pack
from handlers.context import BotContext
from handlers.mod_cards import moderator_translator
from storage import audit, integrity

log = logging.getLogger(__name__)

# What each finding says to the staff (storage.integrity's Finding.what).
TEXTS = {
    integrity.EDITED: "mod.records.edited",
    integrity.DELETED: "mod.records.deleted",
    integrity.NOT_ON_RECORD: "mod.records.not_on_record",
    integrity.FILE_EDITED: "mod.records.file_edited",
    integrity.FILES_REMOVED: "mod.records.files_removed",
    integrity.FILES_ADDED: "mod.records.files_added",
    integrity.REVERTED: "mod.records.reverted",
    integrity.ENTRY_EDITED: "mod.records.entry_edited",
    integrity.ENTRIES_DELETED: "mod.records.entries_deleted",
    integrity.HEAD_CHANGED: "mod.records.head_changed",
}
JOB = "records"
TOLD_AT_MOST = 40  # findings named in the staff's message; bot.verify names them all


async def check_at_start(application: Application) -> integrity.Verdict:
    """Seal or check the records before the first update is taken; returns what was found."""
    services = application.bot_data["services"]
    db = await services.db()
    keys = services.keys.record_keys()
    if await integrity.needs_sealing(db):
        counts = await audit.reseal(db, keys[0], integrity.SEALED, "first start with tags")
        log.warning("records sealed: %d reports, %d files and %d audit entries had no tags and were tagged now; "
                    "right after the upgrade that is expected, at any other time someone removed the tags", *counts)
    try:
        verdict = await integrity.verify(db, keys)
    except Exception as exc:  # noqa: BLE001 - whatever the rows hold, the bot starts and says so
        log.error("records could not be checked (%s): python -m bot.verify; the bot keeps running", type(exc).__name__)
        return integrity.Verdict([], 0, 0, 0, None)
    if verdict.intact:
        log.info("records intact: %d reports, %d files, %d audit entries; head %s",
                 verdict.reports, verdict.files, verdict.entries, verdict.head or "-")
        return verdict
    line = integrity.one_line(verdict.findings)
    log.error("records changed outside the bot: %s (python -m bot.verify names each; the bot keeps running)", line)
    digest = hashlib.sha256(line.encode()).hexdigest()
    if services.settings.moderator_chat_id is not None and await integrity.told(db) != digest:
        application.job_queue.run_once(tell_staff, 0, data=(verdict.findings, digest), name=JOB)
    return verdict


async def tell_staff(context: BotContext) -> None:
    """One message to the moderators' chat naming what was changed; marked told only once sent,
    so a start that could not reach Telegram tells it at the next one."""
    findings, digest = context.job.data
    services = context.services
    t = moderator_translator(services)
    lines = [t("mod.records.header", count=len(findings))]
    lines += [t(TEXTS[finding.what], where=finding.reference or t("mod.records.the_log"), detail=finding.detail)
              for finding in findings[:TOLD_AT_MOST]]
    if len(findings) > TOLD_AT_MOST:  # a few messages, not hundreds in the chat's 20 a minute
        lines.append(t("mod.records.more", count=len(findings) - TOLD_AT_MOST))
    lines.append(t("mod.records.footer"))
    try:
        for text in pack(lines):
            await context.bot.send_message(services.settings.moderator_chat_id, text)
    except TelegramError as exc:
        log.warning("could not tell the staff of the changed records (%s): at the next start", type(exc).__name__)
        return
    await integrity.mark_told(await services.db(), digest)
