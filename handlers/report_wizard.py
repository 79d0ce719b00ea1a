"""The report wizard: its table of steps, read top to bottom, and the handlers that run it.

Each step is declared once in ``STEPS``; the ConversationHandler's states, the valid button
values, the hints, the review's sections, the summary and what is still missing all come from
the table (see handlers.wizard). A step's functions take its answer and name the next step.
"""

from __future__ import annotations

import re
import uuid
import warnings
from datetime import datetime, timedelta

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ConversationHandler, filters
from telegram.warnings import PTBUserWarning

from bot.services.evidence import remove_files
from bot.services.text import clean
from bot.services.when import BadWhen, earlier_today, parse_date
from bot.services.evidence import MAX_FILES
from domain.rules import CATEGORIES, CATEGORY_GROUPS, DEFAULT_REPORTER_ROLE, FIRST_GROUP, REGIONS, REPORTER_ROLES
from handlers import callback_data as cb
from handlers import deliveries, live_keyboard, report_evidence, report_review, report_story
from handlers.context import BotContext
from handlers.report_summary import (
    contact_line, description_line, evidence_line, role_line, spot_lines, spot_now, what_line, what_now,
    when_line, where_line,
)
from handlers.wizard import (
    BACK, CANCEL, CANCEL_VALUE, END, KEEP, REVIEW, Answered, Outcome, Retry, Step, Steps, Turn, advance, back,
    go, load, show,
)
from storage import drafts, evidence
from storage.models import Draft, Person

CONVERSATION = "report"
TEXT = filters.TEXT & ~filters.COMMAND
# A precinct as people write it: "245", "№ 245", "УИК №245", "УСК-12", "участок 1 032".
_PRECINCT_WORDS = re.compile(
    r"^(?:уик|уск|иу|ик|участок|участка|учаскесі|учаске|сайлау|избирательный|precinct|polling|station|no|nr|"
    r"[№#:\-.,\s])*", re.IGNORECASE)
PRECINCT_DIGITS = 5  # Kazakhstan's precincts are numbered in the thousands
DESCRIPTION_MIN, DESCRIPTION_MAX = 20, 10_000  # observers write long accounts
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
    return "group"


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
        return "region"
    draft.group = value
    categories = CATEGORY_GROUPS[value]
    if draft.category not in categories:
        draft.category = None
    if len(categories) == 1:  # nothing to choose from: skip the second menu
        draft.category = categories[0]
        return "region"
    return "category"


def after_group(draft: Draft) -> str:
    """Where "Keep" on the group goes: its category, unless the group has only one."""
    return "category" if len(CATEGORY_GROUPS.get(draft.group or "", ())) > 1 else REVIEW


async def chose_category(turn: Turn, value: str) -> Outcome:
    turn.draft.category = value
    return "region"


async def chose_region(turn: Turn, value: str) -> Outcome:
    turn.draft.region = value
    return "precinct"


async def chose_precinct(turn: Turn, value: str) -> Outcome:
    """"I don't know the number" or "not at a polling station": the place and the location
    given so far stay."""
    turn.draft.precinct_kind, turn.draft.precinct = value, None
    return "when"


async def typed_where(turn: Turn) -> Outcome:
    """Where exactly, on one screen: a precinct number (with or without "№", "УИК", "УСК" or
    spaces), a place in words, or a location. Each adds to what was given before (changing one
    from the review keeps the others)."""
    draft, message = turn.draft, turn.update.message
    if message.location is not None:
        draft.latitude, draft.longitude = message.location.latitude, message.location.longitude
    else:
        text = clean(message.text).strip()
        number = precinct_number(text)
        if number is not None:
            draft.precinct_kind, draft.precinct = "number", number
            return "when"
        if not any(ch.isalnum() for ch in text):
            raise Retry("wizard.bad_where")
        if len(text) > PLACE_MAX:
            raise Retry("wizard.place_too_long", max=PLACE_MAX)
        draft.place = text
    if draft.precinct_kind is None:
        draft.precinct_kind = "unknown"
    return "when"


def precinct_number(text: str) -> str | None:
    """The number in a precinct as people write it, or None when the text is not one (a place);
    0 or a number longer than any precinct's is explained."""
    digits = _PRECINCT_WORDS.sub("", text).replace(" ", "").rstrip(".")
    if not digits.isdigit() or not digits.isascii():
        return None
    if int(digits) == 0 or len(digits.lstrip("0")) > PRECINCT_DIGITS:
        raise Retry("wizard.precinct_range", digits=PRECINCT_DIGITS)
    return str(int(digits))


async def chose_when(turn: Turn, value: str) -> Outcome:
    """Just now and yesterday in one tap; earlier today asks the time, another day the date."""
    if value == "now":
        turn.draft.occurred_at = turn.context.services.now().isoformat(timespec="minutes")
        return "description"
    if value == "yesterday":
        turn.draft.occurred_at = (turn.context.services.today() - timedelta(days=1)).isoformat()
        return "description"
    return "when_time" if value == "today" else "when_date"


async def typed_time(turn: Turn) -> Outcome:
    try:
        moment = earlier_today(turn.update.message.text, turn.context.services.now())
    except BadWhen as why:
        raise Retry(f"wizard.time_{why}") from None
    turn.draft.occurred_at = moment.isoformat(timespec="minutes")
    return "description"


async def typed_date(turn: Turn) -> Outcome:
    try:
        day = parse_date(turn.update.message.text, turn.t.lang, turn.context.services.today())
    except BadWhen as why:
        raise Retry(f"wizard.date_{why}") from None
    turn.draft.occurred_at = day.isoformat()
    return "description"


async def described(turn: Turn) -> Outcome:
    """The description typed, or a file sent with it (kept as evidence; the step asks again)."""
    if turn.update.message.text is None:
        return await report_evidence.received(turn)
    return await typed_description(turn)


async def typed_description(turn: Turn) -> Outcome:
    """The description; too long, it is kept (so nothing typed is lost) and the step asks for a
    shorter one, offering to keep its first DESCRIPTION_MAX characters."""
    text = clean(turn.update.message.text)
    if len(text) < DESCRIPTION_MIN:
        raise Retry("wizard.description_short", min=DESCRIPTION_MIN)
    return _described(turn, text)


def _described(turn: Turn, text: str) -> Outcome:
    draft = turn.draft
    if len(text) > DESCRIPTION_MAX:
        draft.overflow = text
        raise Retry("wizard.description_long", max=turn.t.number(DESCRIPTION_MAX), length=turn.t.number(len(text)))
    draft.description, draft.overflow = text, None
    now = turn.context.services.now()
    draft.continues_until = (now + JOIN_WITHIN).isoformat() if len(text) >= SPLIT_PART else None
    # Files may come with the description or at the review, and contact was chosen with the
    # role: straight to the review.
    if "description" in draft.prefilled:
        draft.prefilled.remove("description")
    return REVIEW


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
    draft, message = turn.draft, turn.update.message
    if not (draft.description and draft.continues_until and message and message.text):
        return None
    if turn.context.services.now() > datetime.fromisoformat(draft.continues_until):
        return None
    part = clean(message.text)
    glue = "" if draft.description[-1:].isspace() or part[:1].isspace() else " "
    joined = draft.description + glue + part
    try:
        _described(turn, joined)
    except Retry:  # together over the limit: kept, and the description asked again
        draft.description, draft.continues_until = None, None
        return Answered(await show(turn, "description", notice=turn.t(
            "wizard.description_long", max=turn.t.number(DESCRIPTION_MAX), length=turn.t.number(len(joined)))))
    # Whichever step the first part led to (the files, or the review when editing) is asked again.
    return Answered(await show(turn, draft.step, notice=turn.t("wizard.description_joined", length=turn.t.number(len(joined)))))


async def chose_contact(turn: Turn, value: str) -> Outcome:
    turn.draft.contact_allowed = value == "allowed"
    if "contact" in turn.draft.prefilled:  # chosen now: no longer follows the role
        turn.draft.prefilled.remove("contact")
    return REVIEW


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
         choices=lambda d: CATEGORY_GROUPS.get(d.group or "", ()), labels="category",
         on_choice=chose_category, section="what",
         answered=lambda d: d.category and CATEGORIES.get(d.category) == d.group, summary=what_line),
    Step("region", question="wizard.ask_region", choices=REGIONS, labels="region", width=2,  # long names, phones
         on_choice=chose_region, section="where", answered=lambda d: d.region, summary=where_line, then="precinct"),
    # Where exactly, on one screen: a number, a place or a location, or one tap when unknown.
    Step("precinct", question="wizard.ask_where", params=lambda turn: {"max": PLACE_MAX},
         extras=(("unknown", "wizard.precinct_unknown"), ("none", "wizard.precinct_none")),
         on_choice=chose_precinct, accepts=TEXT | filters.LOCATION, on_input=typed_where, hint="wizard.bad_where",
         section="where", answered=lambda d: d.precinct_kind, summary=spot_lines, current=spot_now),
    Step("when", question="wizard.ask_when",
         extras=(("now", "wizard.when_now"), ("today", "wizard.when_today"), ("yesterday", "wizard.when_yesterday"),
                 ("date", "wizard.when_date")),
         on_choice=chose_when, section="when", answered=lambda d: d.occurred_at, summary=when_line),
    Step("when_time", question="wizard.ask_time", accepts=TEXT, on_input=typed_time,
         hint="wizard.bad_time", section="when"),
    Step("when_date", question="wizard.ask_date",
         params=lambda turn: {"example": turn.t.date(turn.context.services.today())},
         accepts=TEXT, on_input=typed_date, hint="wizard.bad_date", section="when"),
    # The description, and any files sent with it; then the review (files may come there too).
    Step("description", question="wizard.ask_description",
         params=lambda turn: {"min": DESCRIPTION_MIN, "max": turn.t.number(DESCRIPTION_MAX), "files": MAX_FILES,
                              # files may come here first: what a file keeps is said before any comes
                              "note": turn.t("wizard.evidence_metadata_note")},
         extras=description_extras, on_choice=chose_description,
         accepts=TEXT | report_evidence.FILES, on_input=described, hint="wizard.bad_description",
         section="description", answered=lambda d: d.description, summary=description_line),
    Step("evidence", render=report_evidence.render,
         extras=(("done", "wizard.evidence_done"), ("none", "wizard.evidence_none")),
         on_choice=report_evidence.chose, accepts=report_evidence.FILES, on_input=report_evidence.received,
         hint="wizard.bad_evidence", section="evidence", summary=evidence_line),
    Step("contact", question="wizard.ask_contact", extras=contact_choices, on_choice=chose_contact, section="contact",
         answered=lambda d: d.contact_allowed is not None, summary=contact_line),
    Step(REVIEW, render=report_review.render, choices=report_review.values, on_choice=report_review.chose,
         accepts=report_evidence.FILES, on_input=report_evidence.received, hint="wizard.review_typed"),
    Step(CANCEL, question="wizard.ask_cancel", extras=(("yes", "wizard.cancel_yes"), ("no", "wizard.cancel_no")),
         nav=False, on_choice=chose_cancel),
    # Precinct, place and location were three steps before issue #16: one screen now.
    renamed={"place": "precinct", "location": "precinct"},
)


# ---- running the table ------------------------------------------------------------------------

async def start_report(update: Update, context: BotContext, description: str | None = None) -> str:
    """/report or the menu button: continue the open draft, or start a new one; ``description``
    is a story typed at the main menu (handlers.report_story), its step answered already."""
    if update.callback_query:
        await update.callback_query.answer()
    # Back in the wizard after an urgent report: what they type now answers its steps, not the
    # urgent report's additions (handlers.urgent).
    context.services.follow_ups.close(update.effective_chat.id)
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


async def on_button(update: Update, context: BotContext) -> str | int | None:
    """Every wizard button: Back and Cancel anywhere, otherwise the step's own choice."""
    query = update.callback_query
    parsed = cb.parse(query.data)
    draft = await load(context, STEPS)
    if draft is None and parsed is not None and parsed.args == (REVIEW, "send"):
        return await send_again(update, context)
    if draft is None or parsed is None or parsed.args[0] not in STEPS.by_name:
        return await stale_button(update, context)
    if not live_keyboard.is_live(context, update.effective_chat.id, query.message.message_id):
        # An older screen (kept by a slow client, or forged): the live one is further down.
        return await stale_button(update, context)
    name, value = parsed.args
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
        return await _run(turn, step, step.on_input(turn))
    handler.__doc__ = step.on_input.__doc__
    handler.__name__ = handler.__qualname__ = step.on_input.__name__
    return handler


async def _run(turn: Turn, step: Step, taken) -> str | int:
    """Await a step's function: go where it says, or ask the step again with its notice."""
    try:
        outcome = await taken
    except Retry as retry:
        return await show(turn, step.name, notice=turn.t(retry.key, **retry.params))
    state = await go(turn, outcome)
    query = turn.update.callback_query
    if state == END and query is not None:
        # The answer took its screen's place (the receipt, "cancelled"): no prompt's buttons there.
        live_keyboard.forget(turn.context, turn.update.effective_chat.id, query.message.message_id)
    return state


async def wrong_input(update: Update, context: BotContext) -> str | int:
    """Something this step cannot take: say what it needs and ask again."""
    draft = await load(context, STEPS)
    if draft is None:
        return await no_draft(update, context)
    turn = Turn(update, context, draft, STEPS)
    joined = await next_part(turn)
    if joined is not None:
        return joined.state
    return await show(turn, draft.step, notice=context.t(STEPS[draft.step].hint))


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


def conversation() -> ConversationHandler:
    private = filters.ChatType.PRIVATE
    with warnings.catch_warnings():
        # per_message=False is intended: steps mix buttons and typed answers.
        warnings.simplefilter("ignore", PTBUserWarning)
        return ConversationHandler(
            entry_points=[
                CommandHandler("report", start_report, filters=private),
                CallbackQueryHandler(start_report, pattern=r"^menu:report$"),
                CallbackQueryHandler(report_story.accepted, pattern=report_story.YES),
            ],
            states=STEPS.states(on_button, on_input, wrong_input),
            fallbacks=[
                CommandHandler("cancel", cancel_command, filters=private),
                CommandHandler("report", start_report, filters=private),
                CallbackQueryHandler(start_report, pattern=r"^menu:report$"),
                # A button of the draft's real step when the stored state lags behind it.
                CallbackQueryHandler(on_button, pattern=r"^w:"),
            ],
            name=CONVERSATION,
            persistent=True,
            allow_reentry=False,
        )


def handlers() -> list[BaseHandler]:
    return [
        conversation(),
        CommandHandler("cancel", cancel_outside, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(send_again, pattern=rf"^w:{REVIEW}:send$"),
    ]
