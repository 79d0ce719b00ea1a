"""Scheduled handlers on the JobQueue (APScheduler). Every job reads what to do from the database,
so after a restart the schedules come back with nothing missed: idle drafts, report cards not
yet posted, stale new reports, the daily digest, escalation deadlines, and backups (nightly, and
every BACKUP_INTERVAL_MINUTES when set)."""

from __future__ import annotations

import asyncio
import json
import logging
from collections import defaultdict
from datetime import date, timedelta

from telegram.error import Forbidden
from telegram.ext import Application

from services import pacing
from services.evidence import remove_files
from domain import clock
from domain.rules import OPEN, PROMPT_TTL
from services.deadlines import STAGES, overdue, running
from services.i18n import pack
from handlers.context import BotContext
from handlers import deliveries, evidence_intake
from handlers.mod_cards import moderator_translator, named
from storage import backup_bucket, backups, drafts, evidence, moderation, outbox, people, prompts, reports
from storage.models import Report

log = logging.getLogger(__name__)

DRAFT_REMINDER_AFTER = timedelta(hours=24)
DRAFT_EXPIRES_AFTER = timedelta(days=7)
DRAFTS_EVERY = timedelta(minutes=30)
SWEEP_EVERY = timedelta(minutes=1)
OUTBOX_EVERY = timedelta(seconds=5)
DOWNLOADS_EVERY = timedelta(seconds=5)
DEADLINES_EVERY = timedelta(hours=1)
# How long the disk's log may hold what a scrub was asked for: a confirmation delivered after
# its Send (the Send itself empties the log at once: handlers.filing), or a checkpoint a reader
# kept from finishing.
SCRUB_EVERY = timedelta(seconds=20)
BACKUP_MINUTE = timedelta(minutes=1)  # the unit of BACKUP_INTERVAL_MINUTES (tests shorten it)
_BACKUP_LOCK = "backup.lock"  # bot_data: one archive at a time (the nightly one and the frequent ones)
_UPLOADED = "backup.uploaded"  # bot_data: names of archives known to be in the bucket


def schedule(application: Application) -> None:
    settings = application.bot_data["services"].settings
    queue = application.job_queue
    # A run that overlaps the next is not piled up beside it: the next waits for its turn.
    once = {"max_instances": 1, "coalesce": True}
    queue.run_repeating(draft_maintenance, interval=DRAFTS_EVERY, first=timedelta(seconds=30), name="drafts",
                        job_kwargs=once)
    queue.run_repeating(sweep, interval=SWEEP_EVERY, first=timedelta(seconds=5), name="sweep", job_kwargs=once)
    queue.run_repeating(deliveries.deliver_due, interval=OUTBOX_EVERY, first=timedelta(seconds=1),
                        name="outbox", job_kwargs=once)
    # Downloads a kill, a time-out or an outage cut: at start (every one is due then), then often.
    queue.run_repeating(evidence_intake.owed_downloads, interval=DOWNLOADS_EVERY, first=timedelta(seconds=0.5),
                        name="downloads", job_kwargs=once)
    queue.run_repeating(deadlines, interval=DEADLINES_EVERY, first=timedelta(seconds=60), name="deadlines",
                        job_kwargs=once)
    queue.run_repeating(scrub_log, interval=SCRUB_EVERY, first=SCRUB_EVERY, name="scrub", job_kwargs=once)
    queue.run_daily(digest, time=settings.digest_time.replace(tzinfo=settings.tz), name="digest", job_kwargs=once)
    queue.run_daily(backup, time=settings.backup_time.replace(tzinfo=settings.tz), name="backup", job_kwargs=once)
    if settings.backup_interval_minutes:
        every = BACKUP_MINUTE * settings.backup_interval_minutes
        queue.run_repeating(frequent_backup, interval=every, first=every, name="frequent_backup", job_kwargs=once)


# ---- the database's log ------------------------------------------------------------------------

async def scrub_log(context: BotContext) -> None:
    """Empty the write-ahead log after an anonymous report was sent or its confirmation
    delivered: its older frames still hold the draft (under its author) and the confirmation's
    chat, which the database itself no longer does."""
    services = context.services
    if services.take_scrub():
        await (await services.db()).wipe_log()


# ---- drafts -----------------------------------------------------------------------------------

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
    sealed = await drafts.chat_ref(db, person_id)
    opened = services.keys.unseal(sealed) if sealed else None
    if person is None or opened is None:
        return
    chat_id = int(opened)
    try:
        await context.bot.send_message(chat_id, services.translator(person.language)("wizard.reminder"))
    except Forbidden:
        log.info("a draft reminder could not be delivered (the bot was blocked)")


# ---- the moderators' chat ---------------------------------------------------------------------

async def sweep(context: BotContext) -> None:
    """Questions to moderators nobody answered in time are forgotten; cards for reports made while
    no moderators' chat was set; alerts about reports nobody took in time, all in one message
    (or as few as Telegram's length allows) however many there are."""
    services = context.services
    db = await services.db()
    # Kept a day past their time, so that a late reply is told it came too late rather than ignored.
    await prompts.close_older_than(db, PROMPT_TTL + timedelta(days=1))
    chat_id = services.settings.moderator_chat_id
    if chat_id is None:
        return
    for report_id in await outbox.reports_without_card(db, limit=50):
        report = await reports.get(db, report_id)
        # An urgent report's card is an alert: first, and never behind the background.
        await outbox.add(db, "alert" if report is not None and report.priority == "urgent" else "card", report_id)
        await outbox.add(db, "evidence", report_id)
    minutes = services.settings.stale_alert_minutes
    new, orphaned = await moderation.stale(db, clock.ago(timedelta(minutes=minutes)), await services.admin_pseudonyms())
    if any(report.alerted_at is None for report in new) or any(
            report.alerted_at is None or report.alerted_at < (report.status_changed_at or "") for report in orphaned):
        # Not in the background: like an answer, ahead of the cards that wait for the group's window.
        await _alert_stale(context, chat_id, new, orphaned, minutes)


async def _alert_stale(context: BotContext, chat_id: int, new: list[Report], orphaned: list[Report],
                       minutes: int) -> None:
    """Every report stuck now, in as few messages as Telegram's length allows: the new ones
    nobody took, then those in review whose moderator is no longer staff. Sent once something
    joined them (a report newly stale, a moderator removed); each is marked alerted as the
    message naming it goes."""
    db, t = await context.services.db(), moderator_translator(context.services)
    if len(new) == 1 and not orphaned:  # under its card, when it has one
        await context.bot.send_message(chat_id, t("mod.alert_stale", reference=named(t, new[0]), minutes=minutes),
                                       reply_to_message_id=new[0].moderator_message_id,
                                       allow_sending_without_reply=True)
        await moderation.mark(db, new[0].id, "alerted_at", clock.utcnow())
        return
    lines: list[str] = []
    for stuck, title in ((new, t("mod.alert_stale_many", count=t.plural("mod.reports", len(new)), minutes=minutes)),
                         (orphaned, t("mod.alert_orphaned", count=t.plural("mod.reports", len(orphaned))))):
        if stuck:
            lines.append(title)
            lines += [", ".join(named(t, report) for report in stuck[i:i + 20]) for i in range(0, len(stuck), 20)]
    for text in pack(lines):
        await context.bot.send_message(chat_id, text)
        # The reports this message named are alerted; a failure leaves the rest for the next sweep.
        sent_names = set(text.replace(",", " ").split())
        for report in (*new, *orphaned):
            if report.reference in sent_names:
                await moderation.mark(db, report.id, "alerted_at", clock.utcnow())


async def digest(context: BotContext) -> None:
    """Every morning: how many reports wait, by status, and how many came in the last day."""
    services = context.services
    if services.settings.moderator_chat_id is None:
        return
    await _digest(context)  # not in the background: ahead of the cards, like an answer


async def _digest(context: BotContext) -> None:
    services = context.services
    db, t = await services.db(), moderator_translator(services)
    new_today = await reports.count_since(db, clock.ago(timedelta(days=1)))
    counts = dict(await moderation.counts(db, "status"))
    lines = [t("mod.digest_title", count=t.plural("mod.reports", new_today))]
    lines += [t("mod.stats.line", label=t(f"status.{status}"), count=counts.get(status, 0)) for status in OPEN]
    today, tz = services.today(), services.settings.tz
    open_reports = await moderation.with_status_in(db, OPEN)
    chains = await moderation.steps_of_reports(db, [report.id for report in open_reports])
    late = [named(t, report) for report in open_reports
            if overdue(report, tz, today, chains[report.id], services.settings.election_day)]
    if late:
        lines.append(t("mod.digest_overdue", count=len(late), references=", ".join(late[:30]) + (" …" if len(late) > 30 else "")))
    await context.bot.send_message(services.settings.moderator_chat_id, "\n".join(lines))


async def deadlines(context: BotContext) -> None:
    """Tell the moderators' chat of every open report's deadlines: two days before, on the day and
    once missed; each stage once and in that order (a report first seen on its last day gets
    "today", never "soon" after it). One message per stage and day lists its reports, so a
    voting day's hundreds of reports do not flood a chat that takes 20 messages a minute."""
    with pacing.background():
        await _deadlines(context)


async def _deadlines(context: BotContext) -> None:
    services = context.services
    chat_id = services.settings.moderator_chat_id
    if chat_id is None:
        return
    db, t, today, tz = await services.db(), moderator_translator(services), services.today(), services.settings.tz
    due: dict[tuple[str, str, date], list[str]] = defaultdict(list)
    marks: dict[int, set[str]] = {}
    found = await moderation.with_status_in(db, OPEN)
    chains = await moderation.steps_of_reports(db, [report.id for report in found])
    for report in found:
        sent = set(json.loads(report.deadline_reminded or "[]"))
        # Every window of the chain, each reminded of on its own (a commission's, then a court's).
        for deadline in running(report, tz, chains[report.id], services.settings.election_day):
            stage = deadline.stage(today)
            tag = deadline.tag
            if stage is None or f"{tag}:{stage}" in sent:
                continue
            kind = f"{deadline.kind}_estimated" if deadline.estimated else deadline.kind
            due[(kind, stage, deadline.day)].append(named(t, report))
            # This stage and every earlier one are done: none comes after a later one.
            sent |= {f"{tag}:{earlier}" for earlier in STAGES[:STAGES.index(stage) + 1]}
            marks[report.id] = sent
    for (kind, stage, day), references in sorted(due.items(), key=lambda item: (item[0][2], item[0][0])):
        lines = [t(f"mod.deadline.{kind}.{stage}", date=t.date(day), count=len(references))]
        lines += [", ".join(references[i:i + 20]) for i in range(0, len(references), 20)]
        for text in pack(lines):
            await context.bot.send_message(chat_id, text)
    for report_id, sent in marks.items():  # after sending: a failed send is tried again next hour
        await moderation.mark(db, report_id, "deadline_reminded", json.dumps(sorted(sent)))


# ---- backups ----------------------------------------------------------------------------------

async def backup(context: BotContext) -> None:
    """The nightly archive of the database and every evidence file (python -m bot.backup does the
    same); the frequent ones that follow add only new evidence to it."""
    await _back_up(context, incremental=False)


async def frequent_backup(context: BotContext) -> None:
    """Every BACKUP_INTERVAL_MINUTES: the database and only the evidence new since the last archive,
    off the machine at once, so that a lost disk loses no more than that."""
    await _back_up(context, incremental=True)


async def _back_up(context: BotContext, *, incremental: bool) -> None:
    settings = context.services.settings
    async with context.bot_data.setdefault(_BACKUP_LOCK, asyncio.Lock()):
        path = await asyncio.to_thread(backups.make_backup, settings.data_dir, settings.database_path,
                                       settings.backup_folder, context.services.keys, settings.backup_keep,
                                       incremental=incremental)
        log.info("backed up to %s", path.name)
        context.services.metrics.backed_up.labels("folder").set_to_current_time()
        if settings.backup_url:
            # A BackupProblem goes to the error handler: the staff are told the copy did not leave;
            # the next run puts what the bucket lacks there.
            uploaded = context.bot_data.setdefault(_UPLOADED, set())
            log.info("copied to %s", await backup_bucket.upload_chain(
                path, settings.backup_url, settings.backup_s3_endpoint, uploaded))
            context.services.metrics.backed_up.labels("bucket").set_to_current_time()
