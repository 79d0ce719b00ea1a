"""Taking one file a person sent as evidence, wherever it comes (the wizard's steps, the urgent
path's additions): what it is; its reference kept at once (storage.downloads), before a byte is
fetched; then its download, hash and encrypted copy. A download cut by a kill, a time-out or an
outage is owed, not lost: it is tried again at once when they press Send, by a job at start and
every few seconds, and its sender is told through the outbox if it finally cannot be done. What
cannot be taken at all (the bytes are not what the file claims, Telegram refuses it) is the
catalog key of what to tell them."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import timedelta

from telegram import Message
from telegram.error import BadRequest, TelegramError

from services import receipts
from services.evidence import (
    BOT_API_DOWNLOAD_LIMIT, LOCAL_API_DOWNLOAD_LIMIT, ContentMismatch, IncomingFile, UnsupportedFile,
    incoming_file, receive, reference, remove_files,
)
from handlers import deliveries, update_slot
from handlers.context import BotContext
from storage import downloads
from storage.downloads import Owed
from storage.models import EvidenceRecord

log = logging.getLogger(__name__)

SEND_WAIT = 8.0  # seconds Send waits for files still coming before it files the report without them
MAX_ATTEMPTS = 12  # of a file in a report: about twenty minutes of growing pauses, then its sender is told
MAX_PAUSE = timedelta(minutes=5)
BATCH = 8  # downloads a run of the job tries side by side
_RUNNING = "downloads.running"  # bot_data: evidence id -> the download under way in this process
# Downloads (with their hashing, encryption and image checks) under way at once. An update lends
# its place while its file downloads (handlers.update_slot), so this, not the places, bounds the
# files under way and the work queued for the image workers: as many as the places that bounded
# them before (a download waits mostly on Telegram's file servers; 16 measured no better,
# BENCHMARKS.md, issue #26).
DOWNLOADS_AT_ONCE = 64
_AT_ONCE = "downloads.at_once"  # bot_data: the semaphore of DOWNLOADS_AT_ONCE


class NotTaken(Exception):
    """The file cannot be taken: ``key`` is the message that says why."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


@dataclass(frozen=True)
class Taken:
    """A file taken: as stored, or (``record.pending``) its reference kept and its download owed."""

    record: EvidenceRecord
    new: bool  # False: the same file was there already (its message handled again after a kill)


def incoming(message: Message) -> IncomingFile | None:
    """The file the message carries (None: it carries none); a kind we do not keep is refused."""
    try:
        return incoming_file(message)
    except UnsupportedFile:
        raise NotTaken("wizard.evidence_unsupported") from None


async def take(context: BotContext, file: IncomingFile, *, report_id: int | None = None) -> Taken:
    """Keep the file's reference under the person's draft (or under ``report_id``: an urgent
    report's addition), then download it at once. A download that may yet succeed leaves it owed
    (its record pending); one that never will drops it and raises NotTaken."""
    services = context.services
    db = await services.db()
    sealed = receipts.sealed_chat(services.keys, context.private_chat)
    record = reference(file)
    evidence_id, new = await downloads.keep(db, record, sealed, context.person.language,
                                            owner_id=context.person.id, report_id=report_id)
    debt = await downloads.owed(db, evidence_id)
    if debt is None:  # finished meanwhile by another run
        return Taken(record.model_copy(update={"id": evidence_id, "pending": False}), new)
    async with update_slot.lent():  # the download and its checks need no place among updates
        outcome = await start(context, debt, tell=False)
    if isinstance(outcome, str):
        raise NotTaken(outcome)
    return Taken(outcome or debt.record, new)


async def download(context: BotContext, file: IncomingFile) -> EvidenceRecord:
    """Download, check, hash and store a file at once, not yet linked to anything: for a file
    whose sender is there to be told to send it again (a moderator's copy of a filing, a
    reporter's answer to a moderator's question); a report's own files go through ``take``."""
    services = context.services
    settings = services.settings
    limit = LOCAL_API_DOWNLOAD_LIMIT if settings.telegram_local_mode else BOT_API_DOWNLOAD_LIMIT
    try:
        return await receive(context.bot, file, settings.data_dir, limit, services.keys,
                             client=services.download_client())
    except ContentMismatch:
        raise NotTaken("wizard.evidence_mismatch") from None
    except (TelegramError, OSError) as exc:
        log.warning("evidence download failed: %s", type(exc).__name__)
        raise NotTaken("wizard.evidence_failed") from None


def start(context: BotContext, debt: Owed, *, tell: bool = True) -> asyncio.Future:
    """The download of an owed file, begun now unless it is under way in this process already.
    Its result: the stored record; None while still owed; a catalog key when it never will be."""
    running: dict[int, asyncio.Future] = context.application.bot_data.setdefault(_RUNNING, {})
    evidence_id = debt.record.id
    task = running.get(evidence_id)
    if task is None:
        task = asyncio.ensure_future(_download(context, debt, tell))
        running[evidence_id] = task
        task.add_done_callback(lambda done: _finished(running, evidence_id, done))
    # A waiter that gives up (Send after SEND_WAIT, a cancelled handler) leaves the download going.
    return asyncio.shield(task)


def _finished(running: dict[int, asyncio.Future], evidence_id: int, task: asyncio.Future) -> None:
    """A download ended: no longer under way. One nobody waited for to the end (Send's wait ran
    out, the bot stopped under it) may have failed unseen: one line, and the file stays owed."""
    running.pop(evidence_id, None)
    if not task.cancelled() and task.exception() is not None:
        log.warning("an evidence download ended in %s; it is tried again later", type(task.exception()).__name__)


async def _download(context: BotContext, debt: Owed, tell: bool) -> EvidenceRecord | str | None:
    services = context.services
    settings = services.settings
    db = await services.db()
    limit = LOCAL_API_DOWNLOAD_LIMIT if settings.telegram_local_mode else BOT_API_DOWNLOAD_LIMIT
    at_once = context.application.bot_data.setdefault(_AT_ONCE, asyncio.Semaphore(DOWNLOADS_AT_ONCE))
    await downloads.claim(db, debt.record.id)
    try:
        async with at_once:
            stored = await receive(context.bot, debt.record, settings.data_dir, limit, services.keys,
                                   client=services.download_client())
    except ContentMismatch:
        return await _lost(context, debt, "wizard.evidence_mismatch", tell)
    except BadRequest as exc:  # Telegram will never give it (an unknown file, over its limit)
        log.warning("evidence download refused: %s", type(exc).__name__)
        return await _lost(context, debt, "wizard.evidence_failed", tell)
    except (TelegramError, OSError) as exc:  # a time-out, an outage, a full disk: it may pass
        attempts = debt.attempts + 1
        log.warning("evidence download failed (%s), attempt %d; tried again later", type(exc).__name__, attempts)
        if debt.report_id is not None and attempts >= MAX_ATTEMPTS:
            return await _lost(context, debt, "wizard.evidence_failed", tell=True)
        await downloads.retry_after(db, debt.record.id, pause(attempts))
        return None
    if not await downloads.completed(db, stored):  # its draft went meanwhile: so do its bytes
        remove_files([stored], settings.data_dir)
        return None
    if debt.report_id is not None or debt.attempts:  # it may be in a report by now: what tells of it
        deliveries.soon(context)
        context.services.soon_scrub()  # its debt, gone now, held its sender's chat (sealed)
    return stored


def pause(attempts: int) -> timedelta:
    """2, 4, 8 … seconds after each failed attempt, at most five minutes."""
    return min(timedelta(seconds=2 ** max(attempts, 1)), MAX_PAUSE)


async def _lost(context: BotContext, debt: Owed, key: str, tell: bool) -> str:
    """The file cannot be had. Without ``tell`` (the person's own message is being answered, and
    the answer says why) it is simply dropped. A file of a report is dropped and told of through
    the outbox. A file of a draft (the job found it) is told of in the chat and left out of the
    draft; it is let go once the report is sent, through the outbox if the chat was not reached."""
    db = await context.services.db()
    current = await downloads.owed(db, debt.record.id)
    if tell and current is not None and current.report_id is None:
        await downloads.refuse(db, debt.record.id, told=await _tell_in_chat(context, current))
        return key
    gone = await downloads.lost(db, debt.record.id, tell=tell)
    if gone is not None and tell:
        deliveries.soon(context)  # the notice is in the outbox
    return key


async def _tell_in_chat(context: BotContext, debt: Owed) -> bool:
    """Said to the draft's chat now; False when it did not reach it."""
    chat_id = receipts.confirmation_chat(context.services.keys, {"chat": debt.chat})
    if chat_id is None:
        return False
    t = context.services.translator(debt.language)
    try:
        what = t.plural(f"evidence.kind.{debt.record.kind}", 1)
        await context.bot.send_message(chat_id, t("wizard.evidence_lost", file=what))
    except TelegramError as exc:
        log.warning("a lost file could not be told of (%s)", type(exc).__name__)
        return False
    return True


async def let_go_refused(context: BotContext) -> None:
    """Files Telegram refused while their report was a draft, sent with it now: dropped, and
    their sender told through the outbox unless the chat was told already."""
    db = await context.services.db()
    refused = await downloads.refused_in_reports(db)
    for debt in refused:
        await downloads.lost(db, debt.record.id, tell=debt.refused == 1)
    if refused:
        deliveries.soon(context)


async def settle(context: BotContext, wait: float = SEND_WAIT) -> int:
    """Before Send: the draft's files still owed are tried now and waited for up to ``wait``
    seconds; returns how many are still coming (the report is filed with them owed)."""
    db = await context.services.db()
    owed = await downloads.of_draft(db, context.person.id)
    if owed:
        async with update_slot.lent():
            await asyncio.wait([start(context, debt) for debt in owed], timeout=wait)
    return await downloads.pending_in_draft(db, context.person.id)


async def owed_downloads(context: BotContext) -> None:
    """The job: downloads owed and due (cut by a kill, failed for a while), tried again; files
    refused in a draft since sent with their report, let go."""
    await let_go_refused(context)
    db = await context.services.db()
    running = context.application.bot_data.get(_RUNNING, {})
    due = [debt for debt in await downloads.due(db, BATCH) if debt.record.id not in running]
    if due:
        await asyncio.gather(*(start(context, debt) for debt in due))
