"""The review step: change any part, or send the report in one transaction."""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram import Update

from domain.rules import CATEGORIES
from handlers.context import BotContext
from handlers.mod_cards import post_card_job
from handlers.report_steps import (
    CATEGORY, CONTACT, DESCRIPTION, END, GROUP, PRECINCT, REGION, REVIEW, ROLE, SECTIONS, WHEN, show,
)
from storage import reports
from storage.models import Draft, NewReport

log = logging.getLogger(__name__)

VALUES: tuple[str, ...] = ("send", *(f"edit_{section}" for section in SECTIONS))
REPORTS_PER_HOUR = 10


async def chose(update: Update, context: BotContext, draft: Draft, value: str) -> str | int:
    if value == "send":
        return await send(update, context, draft)
    section = value.removeprefix("edit_")
    draft.editing = section
    draft.history = [REVIEW]
    return await show(update, context, draft, SECTIONS[section][0])


def missing_step(draft: Draft) -> str | None:
    """The first step whose answer is missing or no longer fits the others."""
    checks = (
        (ROLE, draft.reporter_role), (GROUP, draft.group),
        (CATEGORY, draft.category and CATEGORIES.get(draft.category) == draft.group),
        (REGION, draft.region), (PRECINCT, draft.precinct_kind), (WHEN, draft.occurred_at),
        (DESCRIPTION, draft.description), (CONTACT, draft.contact_allowed is not None),
    )
    return next((step for step, answered in checks if not answered), None)


async def send(update: Update, context: BotContext, draft: Draft) -> str | int:
    """Commit the report with its evidence; only then tell the reporter its reference."""
    t = context.t
    step = missing_step(draft)
    if step is not None:
        draft.editing = next(name for name, steps in SECTIONS.items() if step in steps)
        draft.history = [REVIEW]
        return await show(update, context, draft, step, notice=t("wizard.incomplete"))
    db = await context.services.db()
    person = context.person
    if await reports.count_within(db, person.id, timedelta(hours=1)) >= REPORTS_PER_HOUR:
        await update.effective_chat.send_message(t("flood.reports", max=REPORTS_PER_HOUR))
        return REVIEW
    report, created = await reports.submit(db, person.id, NewReport(
        reporter_role=draft.reporter_role, accredited=person.role == "observer",
        category=draft.group, subcategory=draft.category, region=draft.region,
        precinct=draft.precinct, precinct_kind=draft.precinct_kind, place=draft.place, latitude=draft.latitude,
        longitude=draft.longitude, occurred_at=draft.occurred_at, description=draft.description,
        contact_allowed=bool(draft.contact_allowed), submission_key=draft.key,
    ))
    if created:
        log.info("report %s stored", report.reference)
        await update.callback_query.edit_message_text(t("wizard.sent", reference=report.reference))
        # Posting the evidence to moderators may take a while: the reporter does not wait for it.
        context.job_queue.run_once(post_card_job, 0, data=report.id, name=f"card:{report.id}")
    return END

