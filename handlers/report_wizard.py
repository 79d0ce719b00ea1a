"""The report wizard: its table of steps, read top to bottom, and the handlers that run it.

Each step is declared once in ``STEPS``; the ConversationHandler's states, the valid button
values, the hints, the review's sections, the summary and what is still missing all come from
the table (see handlers.wizard). A step's functions take its answer and name the next step.
"""

from __future__ import annotations

import uuid
import warnings
from datetime import datetime, timedelta

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ConversationHandler, filters
from telegram.warnings import PTBUserWarning

from services.evidence import remove_files
from services.text import clean
from services.when import BadWhen, NoYear, earlier_today, parse_date
from services.evidence import MAX_FILES
from domain.counts import COUNT_KINDS, REPORT_KINDS
from domain.precincts import named_precinct
from domain.rules import (
    CATEGORIES, CATEGORY_GROUPS, DEFAULT_REPORTER_ROLE, DESCRIPTION_MAX, DESCRIPTION_MIN, FIRST_GROUP,
    OBSERVER_COMMANDS, REGIONS, REPORTER_ROLES,
)
from handlers import callback_data as cb
from handlers import count_steps, deliveries, live_keyboard, report_evidence, report_review, report_story
from handlers.context import BotContext
from handlers.precinct_input import PRECINCT_DIGITS, precinct_number
from handlers.report_summary import (
    contact_line, description_line, evidence_line, role_line, spot_lines, spot_now, what_line, what_now,
    when_line, where_line,
)
from handlers.wizard import (
    BACK, CANCEL, CANCEL_VALUE, END, KEEP, NEXT, REVIEW, Answered, Outcome, Retry, Step, Steps, Turn, advance, back,
    go, load, show, store,
)
from storage import counts, drafts, evidence
from storage.models import Draft, Person

CONVERSATION = "report"
TEXT = filters.TEXT & ~filters.COMMAND
DESCRIPTION_WORDS = 10  # letters or digits at least: a row of emoji says nothing a moderator can check
# Telegram's apps split a text over 4,096 characters into messages of up to that many, sent one
# after another: a description this long may have a next part, joined to it if it comes soon.
SPLIT_PART, JOIN_WITHIN = 3_500, timedelta(seconds=10)
PLACE_MAX = 200


# ---- what each step does with its answer --------------------------------------------------------

async def chose_role(turn: Turn, value: str) -> Outcome:
    """The role, kept in the draft alone: it is remembered for the next report only once this
    one is sent with contact allowed (handlers.filing), never for an anonymous one; a contact
    choice not yet made follows the role."""
    draft = turn.draft
    draft.reporter_role = value
    if "contact" in draft.prefilled:
        draft.contact_allowed = value == "observer"  # observers are usually glad to be asked
    return NEXT


def first_role(person: Person) -> str:
    """The role a new report starts in: the one remembered, an accredited observer's, or a voter's."""
    return person.reporter_role or ("observer" if person.role == "observer" else DEFAULT_REPORTER_ROLE)


def first_categories(draft: Draft) -> tuple[tuple[str, str], ...]:
    """The categories of the role's first group, one tap each, above the other groups."""
    group = FIRST_GROUP.get(draft.reporter_role or "")
    return tuple((category, f"category.{category}") for category in CATEGORY_GROUPS.get(group or "", ()))


def other_groups(draft: Draft) -> tuple[str, ...]:
    first = FIRST_GROUP.get(draft.reporter_role or "")
    return tuple(group for group in CATEGORY_GROUPS if group != first)


async def chose_group(turn: Turn, value: str) -> Outcome:
    """A group (its categories are asked next, unless it has one), a category of the role's
    first group straight away, or "change the role"."""
    draft = turn.draft
    if value == "role":
        if "role" in draft.prefilled:  # asked for now: not passed over
            draft.prefilled.remove("role")
        return "role"
    if value in CATEGORIES and value not in CATEGORY_GROUPS:
        draft.group, draft.category = CATEGORIES[value], value
        return NEXT
    draft.group = value
    categories = CATEGORY_GROUPS[value]
    if draft.category not in categories:
        draft.category = None
    if len(categories) == 1:  # nothing to choose from: skip the second menu
        draft.category = categories[0]
        return NEXT
    return "category"  # its follow-up question


def after_group(draft: Draft) -> str:
    """Where "Keep" on the group goes: its category, unless the group has only one."""
    return "category" if len(CATEGORY_GROUPS.get(draft.group or "", ())) > 1 else REVIEW


async def chose_category(turn: Turn, value: str) -> Outcome:
    turn.draft.category = value
    return NEXT


async def chose_region(turn: Turn, value: str) -> Outcome:
    turn.draft.region = value
    return NEXT


async def chose_precinct(turn: Turn, value: str) -> Outcome:
    """"I don't know the number" or "not at a polling station": the place and the location
    given so far stay. "Remove the place": the place goes, and the step is asked again."""
    if value == "clear_place":
        turn.draft.place = None
        return Answered(await show(turn, "precinct", notice=turn.t("wizard.place_cleared")))
    turn.draft.precinct_kind, turn.draft.precinct = value, None
    return NEXT


def where_extras(draft: Draft) -> tuple[tuple[str, str], ...]:
    """Don't know the number, not at a polling station; and removing a place once one is given."""
    clear = (("clear_place", "wizard.place_clear"),) if draft.place else ()
    return (("unknown", "wizard.precinct_unknown"), ("none", "wizard.precinct_none"), *clear)



async def typed_where(turn: Turn) -> Outcome:
    """Where exactly, on one screen: a precinct number (with or without "№", "УИК", "УСК" or
    spaces), a place in words, or a location. Each adds to what was given before (changing one
    from the review keeps the others)."""
    draft, message = turn.draft, turn.update.effective_message
    if message.location is not None:
        draft.latitude, draft.longitude = message.location.latitude, message.location.longitude
    else:
        text = clean(message.text).strip()
        number = precinct_number(text)
        if number is not None:
            # A place that names another precinct would contradict the number: it goes.
            if named_precinct(draft.place) not in (None, number):
                draft.place = None
            draft.precinct_kind, draft.precinct = "number", number
            return NEXT
        if not any(ch.isalnum() for ch in text):
            raise Retry("wizard.bad_where")
        if len(text) > PLACE_MAX:
            raise Retry("wizard.place_too_long", max=PLACE_MAX, count=len(text))
        draft.place = text
        named = named_precinct(text)
        if named is not None and len(named) <= PRECINCT_DIGITS:  # the place's own precinct is the number
            draft.precinct_kind, draft.precinct = "number", named
            return NEXT
    if draft.precinct_kind is None:
        draft.precinct_kind = "unknown"
    return NEXT


async def chose_when(turn: Turn, value: str) -> Outcome:
    """Just now and yesterday in one tap; earlier today asks the time, another day the date."""
    if value == "now":
        turn.draft.occurred_at = turn.context.services.now().isoformat(timespec="minutes")
        return NEXT
    if value == "yesterday":
        turn.draft.occurred_at = (turn.context.services.today() - timedelta(days=1)).isoformat()
        return NEXT
    return "when_time" if value == "today" else "when_date"


async def typed_time(turn: Turn) -> Outcome:
    try:
        moment = earlier_today(turn.update.effective_message.text, turn.context.services.now())
    except BadWhen as why:
        raise Retry(f"wizard.time_{why}") from None
    turn.draft.occurred_at = moment.isoformat(timespec="minutes")
    return NEXT


async def typed_date(turn: Turn) -> Outcome:
    """Another day, as people write it; a day without a year still to come this year is asked
    about (last year's, one tap; or typed again with its year)."""
    draft, t = turn.draft, turn.t
    try:
        day = parse_date(turn.update.effective_message.text, t.lang, turn.context.services.today())
    except NoYear as asked:
        draft.asked_date = asked.last_year.isoformat()
        raise Retry("wizard.date_no_year", day=t.date(asked.this_year), last=t.date(asked.last_year)) from None
    except BadWhen as why:
        raise Retry(f"wizard.date_{why}") from None
    draft.occurred_at, draft.asked_date = day.isoformat(), None
    return NEXT


async def chose_date(turn: Turn, value: str) -> Outcome:
    """"Yes, last year": the day asked about, a year back."""
    draft = turn.draft
    if value != "last_year" or not draft.asked_date:
        raise Retry("wizard.bad_date")
    draft.occurred_at, draft.asked_date = draft.asked_date, None
    return NEXT


def date_extras(draft: Draft) -> tuple[tuple[str, str], ...]:
    return (("last_year", "wizard.date_last_year"),) if draft.asked_date else ()


async def described(turn: Turn) -> Outcome:
    """The description typed; or a file sent with it (kept as evidence; the step asks again),
    which is the description itself when it is a voice message or carries a caption long enough."""
    message = turn.update.effective_message
    if message.text is not None:
        return await typed_description(turn)
    caption = clean(message.caption or "")
    if len(caption) >= DESCRIPTION_MIN and _words(caption) or message.voice is not None and not caption:
        return await _described_with_file(turn, caption or turn.t.text("wizard.voice_description"))
    return await report_evidence.received(turn)


async def _described_with_file(turn: Turn, text: str) -> Outcome:
    """The file is kept as evidence and its caption (or the voice message's mark) becomes the
    description: on to the review, which says the file came."""
    draft = turn.draft
    before = (draft.description, draft.step, list(draft.history), draft.editing)
    draft.description, draft.overflow, draft.continues_until = text, None, None
    if "description" in draft.prefilled:
        draft.prefilled.remove("description")
    if draft.editing:
        draft.editing, draft.history = None, []
    else:
        draft.history.append(draft.step)
    draft.step = REVIEW
    await store(turn.context, draft)  # the file's answer asks the draft's step: the review
    try:
        return await report_evidence.received(turn)
    except Retry:  # the file was not taken: nor is its caption, and the description is asked again
        draft.description, draft.step, draft.history, draft.editing = before
        raise


def _words(text: str) -> bool:
    """Whether a description says something in words (twenty emoji do not)."""
    return sum(ch.isalnum() for ch in text) >= DESCRIPTION_WORDS


async def typed_description(turn: Turn) -> Outcome:
    """The description; too long, it is kept (so nothing typed is lost) and the step asks for a
    shorter one, offering to keep its first DESCRIPTION_MAX characters."""
    text = clean(turn.update.effective_message.text)
    if len(text) < DESCRIPTION_MIN:
        raise Retry("wizard.description_short", min=DESCRIPTION_MIN)
    if not _words(text):
        raise Retry("wizard.description_words")
    return _described(turn, text)


def _described(turn: Turn, text: str) -> Outcome:
    draft = turn.draft
    if len(text) > DESCRIPTION_MAX:
        draft.overflow = text
        raise Retry("wizard.description_long", max=turn.t.number(DESCRIPTION_MAX), count=len(text))
    continues = len(text) >= SPLIT_PART
    # Changed from the review, the description it replaces is kept while a next part may come: if
    # together they are over the limit, the earlier one is still there to Keep.
    if not continues:
        draft.replaced = None
    elif draft.editing == "description":
        draft.replaced = draft.description  # (a part joined later leaves it as the first part found it)
    draft.description, draft.overflow = text, None
    now = turn.context.services.now()
    draft.continues_until = (now + JOIN_WITHIN).isoformat() if continues else None
    # Files may come with the description or at the review, and contact was chosen with the
    # role: straight to the review.
    if "description" in draft.prefilled:
        draft.prefilled.remove("description")
    return NEXT


async def chose_description(turn: Turn, value: str) -> Outcome:
    """The one button of the description step: keep the first DESCRIPTION_MAX characters of a
    description that was too long."""
    if not turn.draft.overflow:
        raise Retry("wizard.description_short", min=DESCRIPTION_MIN)
    return _described(turn, turn.draft.overflow[:DESCRIPTION_MAX].rstrip())


def description_extras(draft: Draft) -> tuple[tuple[str, str], ...]:
    return (("cut", "wizard.description_cut"),) if draft.overflow else ()


async def next_part(turn: Turn) -> Answered | None:
    """Text arriving just after a long description is its next part, as Telegram split it:
    joined to it (a space where the split left none). None when it is not."""
    draft, message = turn.draft, turn.update.effective_message
    if not (draft.description and draft.continues_until and message and message.text):
        return None
    if turn.context.services.now() > datetime.fromisoformat(draft.continues_until):
        return None
    part = clean(message.text)
    glue = "" if draft.description[-1:].isspace() or part[:1].isspace() else " "
    joined = draft.description + glue + part
    try:
        _described(turn, joined)
    except Retry:  # together over the limit: kept, and the description asked again (the one it
        # replaced, when it was changed from the review, is still there to Keep)
        draft.description, draft.continues_until, draft.replaced = draft.replaced, None, None
        if draft.description is not None:  # asked as a change from the review: Keep is offered
            draft.editing, draft.history = "description", [REVIEW]
        return Answered(await show(turn, "description", notice=turn.t.plural(
            "wizard.description_long", len(joined), max=turn.t.number(DESCRIPTION_MAX))))
    # Whichever step the first part led to (the files, or the review when editing) is asked again.
    return Answered(await show(turn, draft.step, notice=turn.t.plural("wizard.description_joined", len(joined))))


async def chose_contact(turn: Turn, value: str) -> Outcome:
    turn.draft.contact_allowed = value == "allowed"
    if "contact" in turn.draft.prefilled:  # chosen now: no longer follows the role
        turn.draft.prefilled.remove("contact")
    return NEXT


async def chose_cancel(turn: Turn, value: str) -> Outcome:
    if value == "no":
        return Answered(await back(turn))
    await discard(turn.context)
    await turn.update.callback_query.edit_message_text(turn.t("wizard.cancelled"))
    return Answered(END)


def contact_choices(draft: Draft) -> tuple[tuple[str, str], ...]:
    """Anonymous first for voters, contact first for observers: the likelier choice on top."""
    order = (("anonymous", "wizard.contact_anonymous"), ("allowed", "wizard.contact_allowed"))
    return tuple(reversed(order)) if draft.reporter_role == "observer" else order


# ---- the table: the whole flow, top to bottom -----------------------------------------------------

STEPS = Steps(
    Step("role", question="wizard.ask_role", choices=REPORTER_ROLES, labels="role",
         on_choice=chose_role, section="role", answered=lambda d: d.reporter_role, summary=role_line, then="group"),
    Step("group", question="wizard.ask_group", params=lambda turn: {"role": turn.t(f"role.{turn.draft.reporter_role}")},
         lead=first_categories, choices=other_groups, labels="group", width=2, extras=(("role", "wizard.change_role"),),
         on_choice=chose_group, section="what", answered=lambda d: d.group, current=what_now, then=after_group),
    Step("category", question="wizard.ask_category", params=lambda turn: {"group": turn.t(f"group.{turn.draft.group}")},
         choices=lambda d: CATEGORY_GROUPS.get(d.group or "", ()), labels="category", follow_up=True,
         on_choice=chose_category, section="what",
         answered=lambda d: d.category and CATEGORIES.get(d.category) == d.group, summary=what_line),
    Step("region", question="wizard.ask_region", choices=REGIONS, labels="region", width=2,  # long names, phones
         on_choice=chose_region, section="where", answered=lambda d: d.region, summary=where_line, then="precinct"),
    # An observer's counts: steps of their own (a violation passes them over).
    *count_steps.STEPS,
    # Where exactly, on one screen: a number, a place or a location, or one tap when unknown.
    Step("precinct", question="wizard.ask_where", params=lambda turn: {"max": PLACE_MAX},
         extras=where_extras, on_choice=chose_precinct, accepts=TEXT | filters.LOCATION, on_input=typed_where,
         hint="wizard.bad_where",
         section="where", answered=lambda d: d.precinct_kind, summary=spot_lines, current=spot_now),
    Step("when", question="wizard.ask_when",
         extras=(("now", "wizard.when_now"), ("today", "wizard.when_today"), ("yesterday", "wizard.when_yesterday"),
                 ("date", "wizard.when_date")),
         on_choice=chose_when, section="when", answered=lambda d: d.occurred_at, summary=when_line),
    Step("when_time", question="wizard.ask_time", accepts=TEXT, on_input=typed_time, follow_up=True,
         hint="wizard.bad_time", section="when"),
    Step("when_date", question="wizard.ask_date", follow_up=True,
         params=lambda turn: {"example": turn.t.date(turn.context.services.today())},
         extras=date_extras, on_choice=chose_date,
         accepts=TEXT, on_input=typed_date, hint="wizard.bad_date", section="when"),
    # The description, and any files sent with it; then the review (files may come there too).
    Step("description", question="wizard.ask_description",
         params=lambda turn: {"min": DESCRIPTION_MIN, "max": turn.t.number(DESCRIPTION_MAX), "files": MAX_FILES,
                              # files may come here first: what a file keeps is said before any comes
                              "note": turn.t("wizard.evidence_metadata_note")},
         extras=description_extras, on_choice=chose_description,
         accepts=TEXT | report_evidence.FILES, on_input=described, hint="wizard.bad_description",
         again="wizard.description_again",
         # Files come with the description or at the review, and contact was chosen with the
         # role: the review is next (the two steps below are reached from its Change buttons).
         section="description", answered=lambda d: d.description, summary=description_line, next=REVIEW),
    Step("evidence", render=report_evidence.render,
         extras=(("done", "wizard.evidence_done"), ("none", "wizard.evidence_none")),
         on_choice=report_evidence.chose, accepts=report_evidence.FILES, on_input=report_evidence.received,
         hint="wizard.bad_evidence", section="evidence", summary=evidence_line),
    Step("contact", question="wizard.ask_contact", extras=contact_choices, on_choice=chose_contact, section="contact",
         answered=lambda d: d.contact_allowed is not None, summary=contact_line, kinds=REPORT_KINDS),
    Step(REVIEW, render=report_review.render, choices=lambda draft: report_review.values(STEPS, draft),
         on_choice=report_review.chose,
         accepts=report_evidence.FILES, on_input=report_evidence.received, hint="wizard.review_typed",
         kinds=REPORT_KINDS),
    Step(CANCEL, question="wizard.ask_cancel", extras=(("yes", "wizard.cancel_yes"), ("no", "wizard.cancel_no")),
         nav=False, on_choice=chose_cancel, kinds=REPORT_KINDS),
    # Precinct, place and location were three steps before issue #16: one screen now.
    renamed={"place": "precinct", "location": "precinct"},
)


# ---- running the table ------------------------------------------------------------------------

async def from_story(update: Update, context: BotContext) -> str | int:
    """Yes to a story typed at the main menu: a new report with the story as its description
    (the wizard passes over that step); an open draft is continued instead, as /report does."""
    story = await report_story.taken(update, context)
    if story is None:
        return END
    return await start_report(update, context, description=story)


async def start_report(update: Update, context: BotContext, description: str | None = None) -> str:
    """/report or the menu button: continue the open draft, or start a new one; ``description``
    is a story typed at the main menu (handlers.report_story), its step answered already."""
    if update.callback_query:
        await update.callback_query.answer()
    # Back in the wizard after an urgent report: what they type now answers its steps, not the
    # urgent report's additions (handlers.urgent); they are told so.
    if context.services.follow_ups.drop(update.effective_chat.id):
        await update.effective_chat.send_message(context.t("urgent.link_closed"))
    draft = await load(context, STEPS)
    if draft is not None:
        return await show(Turn(update, context, draft, STEPS), draft.step, notice=context.t("wizard.resumed"))
    if await deliveries.confirm_now(context):
        return END  # the last report's reference had not arrived: that first, a new report next time
    first = STEPS.order[0].name
    role = first_role(context.person)
    # The role and the contact choice start as the likeliest (shown, changed in one tap).
    draft = Draft(key=uuid.uuid4().hex, step=first, reporter_role=role, contact_allowed=role == "observer",
                  prefilled=["role", "contact"])
    if description is not None:
        draft.description = description
        draft.prefilled.append("description")
    return await show(Turn(update, context, draft, STEPS), STEPS.to_ask(draft, first),
                      notice=context.t("wizard.intro"))


COUNT_COMMANDS = dict(zip(OBSERVER_COMMANDS, COUNT_KINDS))  # /turnout, /protocol: the kind each starts


async def start_count(update: Update, context: BotContext) -> str | int | None:
    """The menu's "Turnout count" or "Protocol copy" (or /turnout, /protocol): accredited
    observers only; an open draft is continued first, as /report does."""
    query = update.callback_query
    if query is not None:
        await query.answer()
        kind = context.press(cb.Menu).item
    else:
        kind = COUNT_COMMANDS[update.effective_message.text.split()[0].lstrip("/").split("@")[0].lower()]
    if context.person.role != "observer" or kind not in COUNT_KINDS:
        await update.effective_chat.send_message(context.t("count.observers_only"))
        return None  # whatever they were doing (a report of their own) goes on as it was
    if context.services.follow_ups.drop(update.effective_chat.id):
        await update.effective_chat.send_message(context.t("urgent.link_closed"))
    draft = await load(context, STEPS)
    if draft is not None:  # one draft at a time: the open one first (another kind is said to be another)
        notice = "wizard.resumed" if draft.kind == kind else "count.other_open"
        return await show(Turn(update, context, draft, STEPS), draft.step, notice=context.t(notice))
    if await deliveries.confirm_now(context):
        return END
    names = [candidate.name for candidate in await counts.candidates(await context.services.db())]
    # Accredited observers' counts are theirs to stand by: contact allowed, as their reports start.
    draft = Draft(key=uuid.uuid4().hex, step=count_steps.FIRST, kind=kind, reporter_role="observer",
                  contact_allowed=True, prefilled=["contact"], candidates=names if kind == "results" else [])
    return await show(Turn(update, context, draft, STEPS), count_steps.FIRST, notice=context.t(f"count.intro.{kind}"))


async def on_button(update: Update, context: BotContext) -> str | int | None:
    """Every wizard button: Back and Cancel anywhere, otherwise the step's own choice."""
    query = update.callback_query
    pressed = context.press(cb.Wizard)
    draft = await load(context, STEPS)
    if draft is None and (pressed.step, pressed.value) == (REVIEW, "send"):
        return await send_again(update, context)
    if draft is None or pressed.step not in STEPS.by_name:
        return await stale_button(update, context)
    if not live_keyboard.is_live(context, update.effective_chat.id, query.message.message_id):
        # An older screen (kept by a slow client, or forged): the live one is further down.
        return await stale_button(update, context)
    name, value = pressed.step, pressed.value
    step, turn = STEPS[name], Turn(update, context, draft, STEPS)
    if name != draft.step:
        # The screen is behind the draft (a kill or a failed edit came between the two): say so
        # and ask the draft's step again below, rather than leave a screen of dead buttons.
        await stale_button(update, context)
        return await show(turn, draft.step, notice=context.t("wizard.resumed"))
    if value == BACK:
        await query.answer()
        return await back(turn)
    if value == KEEP and step.keeps(draft):
        await query.answer()
        return await advance(turn, step.kept(draft))
    if value == CANCEL_VALUE and name != CANCEL and step.nav:
        await query.answer()
        draft.history.append(draft.step)
        return await show(turn, CANCEL)
    if value not in step.values(draft) or step.on_choice is None:
        return await stale_button(update, context)
    await query.answer()
    return await _run(turn, step, step.on_choice(turn, value))


def on_input(step: Step):
    """The handler of what ``step`` takes typed or sent. If the draft is at another step (its
    state was stored a moment before a crash), that step is asked again instead."""
    async def handler(update: Update, context: BotContext) -> str | int:
        draft = await load(context, STEPS)
        if draft is None:
            return await no_draft(update, context)
        turn = Turn(update, context, draft, STEPS)
        if draft.step != step.name:
            return await show(turn, draft.step, notice=context.t("wizard.resumed"))
        remember_typed(draft, update, step.name)
        value = typed_button(turn, step)
        if value is not None:  # "не знаю номер" typed at where exactly: the button, not a place
            return await _run(turn, step, step.on_choice(turn, value))
        return await _run(turn, step, step.on_input(turn))
    handler.__doc__ = step.on_input.__doc__
    handler.__name__ = handler.__qualname__ = step.on_input.__name__
    return handler


async def _run(turn: Turn, step: Step, taken) -> str | int:
    """Await a step's function: go where it says, or ask the step again with its notice."""
    try:
        outcome = await taken
    except Retry as retry:
        return await show(turn, step.name, notice=retry.said(turn.t))
    state = await go(turn, outcome)
    query = turn.update.callback_query
    if state == END and query is not None:
        # The answer took its screen's place (the receipt, "cancelled"): no prompt's buttons there.
        live_keyboard.forget(turn.context, turn.update.effective_chat.id, query.message.message_id)
    return state


async def wrong_input(update: Update, context: BotContext) -> str | int:
    """Something this step cannot take: a button's label typed works as the button, a date typed
    at "when" as the date; anything else is told what the step needs and asked again."""
    draft = await load(context, STEPS)
    if draft is None:
        return await no_draft(update, context)
    turn = Turn(update, context, draft, STEPS)
    joined = await next_part(turn)
    if joined is not None:
        return joined.state
    return await _typed_at_buttons(turn)


async def _typed_at_buttons(turn: Turn) -> str | int:
    draft, step, message = turn.draft, STEPS[turn.draft.step], turn.update.effective_message
    if message.text and step.name not in (REVIEW, CANCEL):  # Send and Cancel are never typed by accident
        remember_typed(draft, turn.update, step.name)
        value = typed_button(turn, step)
        if value is not None:
            return await _run(turn, step, step.on_choice(turn, value))
        if step.name == "when":  # "3 декабря", "кеше": the day itself, as "another day" would take it
            draft.history.append(step.name)
            draft.step = "when_date"
            return await _run(turn, STEPS["when_date"], typed_date(turn))
    return await show(turn, draft.step, notice=turn.t(step.hint))


def typed_button(turn: Turn, step: Step) -> str | None:
    """The value of the step's button whose label the message's text is, typed back; or None.
    Never Send or Cancel's Yes: those are not done by a word typed by accident."""
    text = turn.update.effective_message.text
    if not text or step.on_choice is None or step.name in (REVIEW, CANCEL):
        return None
    typed = _label_words(text)
    return next((value for value, key in step.buttons(turn.draft) if typed and typed == _label_words(turn.t.text(key))),
                None)


def _label_words(text: str) -> str:
    """A label as someone types it back: its letters and digits only, any case, ё as е."""
    return "".join(ch for ch in text.lower().replace("ё", "е") if ch.isalnum())


TYPED_KEPT = 30  # typed answers whose edits are still recognised


def remember_typed(draft: Draft, update: Update, step: str) -> None:
    """Note which step a typed message answered, so that an edit of it can be taken (on_edit)."""
    message = update.effective_message
    if message is None or update.edited_message is not None:
        return
    draft.typed[str(message.message_id)] = step
    while len(draft.typed) > TYPED_KEPT:
        draft.typed.pop(next(iter(draft.typed)))


async def on_edit(update: Update, context: BotContext) -> str | int | None:
    """An earlier message edited: a new answer to the step it answered while that step is open,
    or a change of that step from the review; otherwise one line on how to change it. (A live
    location's moves and edited captions come as edits too: nothing to say to those.)"""
    message = update.edited_message
    draft = await load(context, STEPS)
    if draft is None or message is None or not message.text:
        return None
    answered = draft.typed.get(str(message.message_id))
    turn = Turn(update, context, draft, STEPS)
    if answered == draft.step:
        step = STEPS[answered]
        if step.on_input is not None and step.accepts is not None and step.accepts.check_update(update):
            value = typed_button(turn, step)
            taken = step.on_choice(turn, value) if value is not None else step.on_input(turn)
            return await _run(turn, step, taken)
        return await _typed_at_buttons(turn)
    step = STEPS.by_name.get(answered or "")
    if draft.step == REVIEW and step is not None and step.on_input is not None and step.section:
        draft.editing, draft.history, draft.step = step.section, [REVIEW], step.name
        return await _run(turn, step, step.on_input(turn))
    await update.effective_chat.send_message(context.t("wizard.edit_elsewhere"))
    return None


async def send_again(update: Update, context: BotContext) -> int | None:
    """Send pressed on a report already stored (the conversation is over): if its confirmation
    never arrived, show it now; otherwise the button is simply old."""
    if await deliveries.confirm_now(context, update.callback_query):
        await update.callback_query.answer()
        return END
    return await stale_button(update, context)


async def stale_button(update: Update, context: BotContext) -> None:
    """A button of an earlier step, an old message or a forged press: answered, not trusted."""
    await update.callback_query.answer(context.t("common.stale_button"))
    return None  # stay where we are


async def no_draft(update: Update, context: BotContext) -> int:
    """A step's input arrived but the draft is gone (sent, cancelled, deleted or expired)."""
    if update.callback_query:
        await update.callback_query.answer(context.t("common.stale_button"))
    else:
        await update.effective_chat.send_message(context.t("wizard.no_draft"))
    return END


async def cancel_command(update: Update, context: BotContext) -> str | int:
    """/cancel: ask before throwing a draft away."""
    draft = await load(context, STEPS)
    if draft is None:
        await update.effective_chat.send_message(context.t("wizard.no_draft"))
        return END
    if draft.step != CANCEL:
        draft.history.append(draft.step)
    return await show(Turn(update, context, draft, STEPS), CANCEL)


async def cancel_outside(update: Update, context: BotContext) -> None:
    """/cancel with no report open."""
    await update.effective_chat.send_message(context.t("wizard.no_draft"))


async def discard(context: BotContext) -> None:
    """Throw the draft away with its files."""
    db = await context.services.db()
    records = await evidence.discard_draft(db, context.person.id)
    await drafts.delete(db, context.person.id)
    remove_files(records, context.services.settings.data_dir)
    await db.wipe_log()


def count_entries() -> list[BaseHandler]:
    """The observers' counts start from the menu or their commands (refused to anyone else)."""
    private = filters.ChatType.PRIVATE
    return [CallbackQueryHandler(start_count, pattern=cb.pattern(cb.Menu, lambda pressed: pressed.item in COUNT_KINDS)),
            *(CommandHandler(name, start_count, filters=private) for name in COUNT_COMMANDS)]


def conversation() -> ConversationHandler:
    private = filters.ChatType.PRIVATE
    with warnings.catch_warnings():
        # per_message=False is intended: steps mix buttons and typed answers.
        warnings.simplefilter("ignore", PTBUserWarning)
        return ConversationHandler(
            entry_points=[
                CommandHandler("report", start_report, filters=private),
                CallbackQueryHandler(start_report, pattern=cb.pattern(cb.Menu, item="report")),
                CallbackQueryHandler(from_story, pattern=report_story.YES),
                *count_entries(),
            ],
            states=STEPS.states(on_button, on_input, wrong_input, on_edit),
            fallbacks=[
                CommandHandler("cancel", cancel_command, filters=private),
                CommandHandler("report", start_report, filters=private),
                CallbackQueryHandler(start_report, pattern=cb.pattern(cb.Menu, item="report")),
                *count_entries(),
                # A button of the draft's real step when the stored state lags behind it.
                CallbackQueryHandler(on_button, pattern=cb.pattern(cb.Wizard)),
            ],
            name=CONVERSATION,
            persistent=True,
            allow_reentry=False,
        )


def handlers() -> list[BaseHandler]:
    return [
        conversation(),
        CommandHandler("cancel", cancel_outside, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(send_again, pattern=cb.pattern(cb.Wizard, step=REVIEW, value="send")),
    ]
