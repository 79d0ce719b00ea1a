"""The review step: the whole report to check, any part to change, and Send, which commits the
report in one transaction before the reporter is told its reference."""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from telegram import InlineKeyboardMarkup

from bot.services import receipts
from bot.services.i18n import Html
# The table names this module's functions: a module import, read when a button is checked.
from handlers import deliveries, report_wizard
from handlers.wizard import END, REVIEW, Answered, Outcome, Question, Turn, View, grid, show, wbutton
from storage import evidence, outbox, reports
from storage.models import Draft, new_report

log = logging.getLogger(__name__)

REPORTS_PER_HOUR = 10


def values(draft: Draft) -> tuple[str, ...]:
    """Send, and a Change button for every section of the table."""
    return ("send", *(f"edit_{section}" for section in report_wizard.STEPS.sections))


async def render(turn: Turn) -> Question:
    """The draft as a summary, with Send, a Change button per section, and Cancel."""
    t = turn.t
    records = await evidence.of_draft(await turn.context.services.db(), turn.context.person.id)
    summary = [t("summary.title"), *turn.steps.summary(t, turn.draft, View(records))]
    edit = [wbutton(t, REVIEW, f"edit_{section}", f"wizard.edit_{section}") for section in turn.steps.sections]
    markup = InlineKeyboardMarkup(
        [[wbutton(t, REVIEW, "send", "wizard.send")]] + grid(edit, 2) + [[wbutton(t, REVIEW, "cancel", "wizard.cancel")]])
    return Html("\n".join(summary) + "\n\n" + t("wizard.review_hint")), markup


async def chose(turn: Turn, value: str) -> Outcome:
    """Send, or change one section (the first of its steps is asked again)."""
    if value == "send":
        return await send(turn)
    section = value.removeprefix("edit_")
    turn.draft.editing = section
    turn.draft.history = [REVIEW]
    return Answered(await show(turn, turn.steps.sections[section][0]))


async def send(turn: Turn) -> Outcome:
    """Commit the report with its evidence; only then tell the reporter its reference."""
    update, context, draft, t = turn.update, turn.context, turn.draft, turn.t
    step = turn.steps.missing(draft)
    if step is not None:
        draft.editing = turn.steps.section_of(step)
        draft.history = [REVIEW]
        return Answered(await show(turn, step, notice=t("wizard.incomplete")))
    services = context.services
    db = await services.db()
    person = context.person
    now = time.monotonic()
    sent_lately = (await reports.count_within(db, person.id, timedelta(hours=1))
                   + services.flood.anonymous_reports(person.pseudonym, now))
    if sent_lately >= REPORTS_PER_HOUR:
        await update.effective_chat.send_message(t("flood.reports", max=REPORTS_PER_HOUR))
        return Answered(REVIEW)
    # What tells of the report is recorded with it, so it is sent (and sent again) whatever fails
    # next. The confirmation carries the chat and the receipt's code until it is delivered; the
    # report keeps only the code's hash, and a link to its author only if they allowed contact.
    chat, code = context.private_chat, receipts.new_code()
    notices: list[tuple[str, dict]] = [
        ("confirmation", receipts.confirmation_body(services.keys, chat, person.language, code))]
    if services.settings.moderator_chat_id is not None:
        notices += [("card", {}), ("evidence", {})]
    report, created = await reports.submit(
        db, person.id, new_report(draft, accredited=person.role == "observer"), notices,
        receipt_hash=receipts.code_hash(code),
        chat_ref=services.keys.seal(str(chat)) if draft.contact_allowed else None)
    if created:
        log.info("report %s stored", report.reference)
        if not report.contact_allowed:
            services.flood.anonymous_report_sent(person.pseudonym, now)
            services.soon_scrub()  # the draft's pages, which named its author, leave the disk's log
        confirmation = await outbox.pending_confirmation(db, receipts.chat_tag(services.keys, chat))
        if confirmation is not None:
            await deliveries.attempt(context, confirmation, query=update.callback_query)
        # Posting the card and evidence may take a while: the reporter does not wait for it.
        deliveries.soon(context)
    return Answered(END)
