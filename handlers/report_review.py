"""The review step: the whole report to check, any part to change, and Send, which commits the
report in one transaction before the reporter is told its reference."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from services.evidence import remove_files
from services.i18n import Html
from handlers import count_steps, evidence_intake, filing
from handlers.wizard import END, REVIEW, Answered, Outcome, Question, Steps, Turn, View, grid, show, wbutton
from storage import evidence
from storage.models import Draft, new_report

REPORTS_PER_HOUR = filing.REPORTS_PER_HOUR


def values(steps: Steps, draft: Draft) -> tuple[str, ...]:
    """Send, a Change button for every section of this kind of report, and removing the last file."""
    return ("send", *(f"edit_{section}" for section in steps.sections_of(draft)), "drop_file")


async def render(turn: Turn) -> Question:
    """The draft as a summary, with Send, a Change button per section, and Cancel."""
    t = turn.t
    records = await evidence.of_draft(await turn.context.services.db(), turn.context.person.id)
    summary = [t("summary.title"), *turn.steps.summary(t, turn.draft, View(records))]
    edit = [wbutton(t, REVIEW, f"edit_{section}", f"wizard.edit_{section}")
            for section in turn.steps.sections_of(turn.draft)]
    # A file sent by mistake: the last one can be taken off (again for the one before).
    drop = [[wbutton(t, REVIEW, "drop_file", "wizard.drop_file")]] if records else []
    markup = InlineKeyboardMarkup(
        [[wbutton(t, REVIEW, "send", "wizard.send")]] + grid(edit, 2) + drop
        + [[wbutton(t, REVIEW, "cancel", "wizard.cancel")]])
    return Html("\n".join(summary) + "\n\n" + t("wizard.review_hint")), markup


async def chose(turn: Turn, value: str) -> Outcome:
    """Send, or change one section (the first of its steps is asked again)."""
    if value == "send":
        return await send(turn)
    if value == "drop_file":
        return Answered(await drop_file(turn))
    section = value.removeprefix("edit_")
    turn.draft.editing = section
    turn.draft.history = [REVIEW]
    first = next(name for name in turn.steps.sections[section] if turn.steps[name].asks(turn.draft))
    return Answered(await show(turn, first))


async def drop_file(turn: Turn) -> str:
    """Take off the file sent last, its stored copies too, and show the review again."""
    context = turn.context
    record = await evidence.remove_last_of_draft(await context.services.db(), context.person.id)
    if record is not None:
        remove_files([record], context.services.settings.data_dir)
    notice = turn.t("wizard.file_dropped", what=turn.t.plural(f"evidence.kind.{record.kind}", 1)) if record else None
    return await show(turn, REVIEW, notice=notice)


async def send(turn: Turn) -> Outcome:
    """Commit the report with its evidence; only then tell the reporter its reference."""
    update, context, draft, t = turn.update, turn.context, turn.draft, turn.t
    step = turn.steps.missing(draft)
    if step is not None:
        draft.editing = turn.steps.section_of(step)
        draft.history = [REVIEW]
        return Answered(await show(turn, step, notice=t("wizard.incomplete")))
    if await filing.over_limit(context, REPORTS_PER_HOUR):
        await update.effective_chat.send_message(t("flood.reports", max=REPORTS_PER_HOUR))
        return Answered(REVIEW)
    person = context.person
    # Files whose download a kill or an outage cut are tried now and waited for a few seconds; any
    # still coming go with the report, owed, and the confirmation says so (handlers.evidence_intake).
    coming = await evidence_intake.settle(context)
    if draft.kind == "violation":
        await filing.file(context, new_report(draft, accredited=person.role == "observer"),
                          [("card", {}), ("evidence", {})], query=update.callback_query, coming=coming)
    else:
        # A count is no case for moderators: no card, no evidence in their chat; its figures
        # are stored with it, in its own transaction.
        report, then = count_steps.count_report(turn)
        await filing.file(context, report, [], query=update.callback_query, coming=coming, then=then)
    await evidence_intake.let_go_refused(context)  # (the job does it too, after a kill just here)
    return Answered(END)
