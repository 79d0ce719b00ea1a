"""The evidence step: a file's reference is recorded the moment it arrives, then it is downloaded
and hashed (handlers.evidence_intake); one whose download must wait is kept and said to be coming."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import filters

from services.evidence import MAX_FILES
from handlers import evidence_intake, live_keyboard
from handlers.context import BotContext
from services.i18n import Html, Translator
from handlers.wizard import (
    REVIEW, Answered, Outcome, Question, Retry, Steps, Turn, ask, load, nav_row, question, wbutton,
)
from storage import evidence
from storage.models import Draft, EvidenceRecord, Person

EVIDENCE = "evidence"
FILES = (filters.PHOTO | filters.VIDEO | filters.Document.ALL | filters.VOICE | filters.AUDIO
         | filters.VIDEO_NOTE)
# Steps that take files besides the evidence step: the description (sent with it), the review,
# and an observer's count's photos (handlers.count_steps).
TAKING_FILES = (EVIDENCE, "description", REVIEW, "count_photo", "copy_photos")
# The items of an album arrive as separate updates, and files sent one by one close together as
# well; one answer follows once none has come for this long. Files past the limit are counted in
# it: how many were not taken and why, not a refusal each.
SETTLE_SECONDS = 1.0


async def render(turn: Turn) -> Question:
    """How many files there are so far, with Done; or the invitation to send some, with None."""
    return _question(turn.t, turn.draft, await _count(turn.context))


def _question(t: Translator, draft: Draft, count: int) -> Question:
    if count:
        text, button = t.plural("wizard.evidence_received", count, max=MAX_FILES), ("done", "wizard.evidence_done")
    else:
        # Said once, before any file comes: a file keeps its own data (GPS, phone, author),
        # a photo sent the usual way does not. After that, only the count.
        text = Html("\n\n".join([t("wizard.ask_evidence", max=MAX_FILES), t("wizard.evidence_metadata_note")]))
        button = ("none", "wizard.evidence_none")
    return text, InlineKeyboardMarkup([[wbutton(t, EVIDENCE, *button)], nav_row(t, EVIDENCE, draft)])


async def _count(context: BotContext) -> int:
    return await evidence.count_of_draft(await context.services.db(), context.person.id)


async def received(turn: Turn) -> Outcome:
    """One file (or one item of an album), at the evidence step, with the description or at the
    review: store it, then say how many files there are and ask the step again. Files that come
    close together (an album, or many sent one by one) get one answer between them once they
    stop coming (the first of those sent one by one is answered at once), and so do the files
    past the limit: how many were not taken and why."""
    update, context = turn.update, turn.context
    try:
        incoming = evidence_intake.incoming(update.message)
        if incoming is None:
            raise Retry("wizard.bad_evidence")
        count = await _count(context)
        if count >= MAX_FILES:
            _answer_later(update, context, turn.steps, refused=1)
            return Answered(turn.draft.step)
        taken = await evidence_intake.take(context, incoming)
    except evidence_intake.NotTaken as why:
        raise Retry(why.key) from None
    record = taken.record
    if not taken.new:  # the same message again (after a kill): counted once
        count -= 1
    step = turn.draft.step
    if not record.too_big and (incoming.media_group_id or _burst(context, update.effective_chat.id)):
        _answer_later(update, context, turn.steps)
        return Answered(step)
    _answer_later(update, context, turn.steps, answer=False)  # a file close behind this one joins its burst
    # The draft is at this step already, and recording the file moved its idle clock
    # (migration 0006): nothing to store. Files arrive one update at a time per chat, so the
    # count is the one read above plus this one.
    if step == EVIDENCE:
        notice = _notes(turn.t, record)
        return Answered(await ask(turn, EVIDENCE, _question(turn.t, turn.draft, count + 1), notice or None))
    notice = _attached(turn.t, count + 1, record)
    return Answered(await ask(turn, step, await question(turn, turn.steps[step], again=True), notice))


def _notes(t: Translator, record: EvidenceRecord | None) -> Html:
    """What is said of one file beyond the count: too big to download, or still coming."""
    lines = [t("wizard.evidence_too_big")] if record is not None and record.too_big else []
    lines += [t("wizard.evidence_coming")] if record is not None and record.pending else []
    return Html("\n".join(lines))


def _attached(t: Translator, count: int, record: EvidenceRecord | None = None) -> Html:
    """Said above a step other than the evidence step when files came to it."""
    notes = _notes(t, record)
    return Html("\n".join([*([notes] if notes else []), t.plural("wizard.files_attached", count, max=MAX_FILES)]))


@dataclass
class Burst:
    """Files of one chat that came close together: whether one was taken and not answered yet,
    and how many were not taken (past the limit)."""

    person: Person
    steps: Steps
    answer: bool
    refused: int


def _name(chat_id: int) -> str:
    return f"files:{chat_id}"


def _burst(context: BotContext, chat_id: int) -> bool:
    """Whether a file came to this chat a moment ago (its burst's answer is still to come)."""
    return bool(context.job_queue.get_jobs_by_name(_name(chat_id)))


def _answer_later(update: Update, context: BotContext, steps: Steps, *, answer: bool = True,
                  refused: int = 0) -> None:
    """This file joins the chat's burst, whose one answer waits until none has come for a moment."""
    chat_id = update.effective_chat.id
    burst = Burst(context.person, steps, answer, refused)
    for job in context.job_queue.get_jobs_by_name(_name(chat_id)):
        burst.answer, burst.refused = burst.answer or job.data.answer, burst.refused + job.data.refused
        job.schedule_removal()
    context.job_queue.run_once(burst_settled, SETTLE_SECONDS, chat_id=chat_id, name=_name(chat_id), data=burst)


async def burst_settled(context: BotContext) -> None:
    """The burst's last file came a moment ago: one answer for all of it (how many files were
    not taken and why, how many there are now), at whichever step took them if it is still
    asked; nothing if its only file was answered already."""
    burst: Burst = context.job.data
    if not (burst.answer or burst.refused):
        return
    context.person = burst.person
    t = context.t
    notices = [t.plural("wizard.evidence_refused", burst.refused, max=MAX_FILES)] if burst.refused else []
    draft = await load(context, burst.steps)
    if draft is None or draft.step not in TAKING_FILES:
        if notices:  # they moved on: how many were not taken, alone
            await context.bot.send_message(context.job.chat_id, notices[0])
        return
    count = await _count(context)
    if draft.step == EVIDENCE:
        text, markup = _question(t, draft, count)
    else:
        text, markup = await question(Turn(None, context, draft, burst.steps), burst.steps[draft.step],  # type: ignore[arg-type]
                                      again=True)
        notices.append(_attached(t, count))
    sent = await context.bot.send_message(context.job.chat_id, Html("\n\n".join([*notices, text])), reply_markup=markup)
    # A job, beside the chat's updates: the swap of the live message is atomic, so a step answered
    # meanwhile and this answer never both take the same old buttons off.
    await live_keyboard.shown(context, context.job.chat_id, sent.message_id)


async def chose(turn: Turn, value: str) -> Outcome:
    """Done, or no evidence at all: back to the review (the files sent so far stay)."""
    return REVIEW
