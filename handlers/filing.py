"""Filing a report, whichever way it came (the wizard's Send, the urgent path's second tap): the
hourly limit, then one transaction with what tells of it (the reporter's confirmation with their
receipt, the moderators' card or alert), then the first attempts at those, and the anonymity
rules: a report is linked to its author only if they allowed contact."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import timedelta
from typing import Iterable

from telegram import CallbackQuery

from services import discrepancies, receipts, witnesses
from handlers import deliveries
from handlers.context import BotContext
from domain.rules import DEFAULT_REPORTER_ROLE
from storage import counts, outbox, people, reports
from storage.models import NewReport, Report

log = logging.getLogger(__name__)

REPORTS_PER_HOUR = 10  # urgent reports count in it too: two taps must not become a way to flood


async def over_limit(context: BotContext, limit: int | None = None) -> bool:
    """Whether the person sent ``limit`` (REPORTS_PER_HOUR) reports within the hour: those linked
    to them, counted in the database, and their anonymous ones, counted in memory only (nothing
    on disk links them)."""
    services, person = context.services, context.person
    limit = REPORTS_PER_HOUR if limit is None else limit
    sent_lately = (await reports.count_within(await services.db(), person.id, timedelta(hours=1))
                   + services.flood.anonymous_reports(person.pseudonym, time.monotonic()))
    return sent_lately >= limit


async def file(context: BotContext, report: NewReport, group_notices: Iterable[tuple[str, dict]],
               *, query: CallbackQuery | None = None, with_draft: bool = True, coming: int = 0,
               staff_notices: Iterable[tuple[str, dict]] = (), then: counts.Then | None = None,
               ) -> tuple[Report, bool]:
    """Commit ``report`` with its notices (``group_notices`` only while there is a moderators'
    chat; ``staff_notices``, to staff members' private chats, always), then attempt the
    confirmation (in place of ``query``'s message) and any alert at once; the rest goes from the
    outbox in the background. ``coming``: how many of its files are still on their way from
    Telegram (the confirmation says so). Returns the report and whether it was
    created now (a second press finds the first one's report). ``then`` stores what a count
    carries beside its report, in the same transaction (storage.counts)."""
    services, person = context.services, context.person
    db = await services.db()
    # What tells of the report is recorded with it, so it is sent (and sent again) whatever fails
    # next. The confirmation carries the chat and the receipt's code until it is delivered; the
    # report keeps only the code's hash, and a link to its author only if they allowed contact.
    chat, code = context.private_chat, receipts.new_code()
    notices: list[tuple[str, dict]] = [
        ("confirmation", receipts.confirmation_body(services.keys, chat, person.language, code, coming))]
    if services.settings.moderator_chat_id is not None:
        notices += list(group_notices)
    notices += list(staff_notices)
    stored, created = await reports.submit(
        db, person.id, report, notices, receipt_hash=receipts.code_hash(code),
        chat_ref=services.keys.seal(str(chat)) if report.contact_allowed else None, with_draft=with_draft,
        then=then)
    if not created:
        return stored, False
    log.info("report %s stored", stored.reference)
    if stored.kind == "violation":  # a count is no incident others may have witnessed
        await witnesses.place(db, stored.id)  # before the card is drawn: it names the group it joins
    await _remember_role(context, stored)
    if not stored.contact_allowed:
        services.flood.anonymous_report_sent(person.pseudonym, time.monotonic())
    first = []
    confirmation = await outbox.pending_confirmation(db, receipts.chat_tag(services.keys, chat))
    if confirmation is not None:
        first.append(deliveries.attempt(context, confirmation, query=query))
    # An alert goes now, beside the confirmation, not when the outbox's runner reaches it (an
    # ordinary report has none to look for: no query on every Send).
    if any(kind in outbox.FOREGROUND for kind, _ in notices):
        first += [deliveries.attempt(context, item) for item in await outbox.waiting(db, stored.id, outbox.FOREGROUND)]
    await asyncio.gather(*first)
    if not stored.contact_allowed:
        # The reference is shown: the log's older frames, which hold the draft under its author
        # (and the confirmation's chat, once delivered), leave the disk now, not within a window.
        await services.scrub_now()
    if stored.kind == "results":
        # A copy that comes after the official figures were loaded is compared with them now, not
        # at the next load: its precinct's discrepancy report (if any) is filed and carded.
        await discrepancies.file_new(services)
    # Posting the card and evidence may take a while: the reporter does not wait for it.
    deliveries.soon(context)
    return stored, True


async def _remember_role(context: BotContext, stored: Report) -> None:
    """The role the person's next report starts in is taken only from a report sent with contact
    allowed (linked to them anyway). An anonymous report leaves their row as it was, neither set
    nor cleared nor touched: a rare role ("other") there would point to the one anonymous report
    with it, and a change on its day to the day. Until Send the role lives in the draft alone."""
    if not stored.contact_allowed:
        return
    person = context.person
    remembered = None if stored.reporter_role == DEFAULT_REPORTER_ROLE else stored.reporter_role
    if person.reporter_role != remembered:
        await people.set_reporter_role(await context.services.db(), person.id, remembered)
        context.services.forget(person)
        context.person = person.model_copy(update={"reporter_role": remembered})
