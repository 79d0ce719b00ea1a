"""The report wizard: one ConversationHandler whose state table reads top to bottom.

Each step has one handler for its buttons and, where it takes typed input, one for that;
anything else gets a clear message in the user's language and the step is asked again.
"""

from __future__ import annotations

import re
import uuid
import warnings

from telegram import Update
from telegram.ext import (
    BaseHandler, CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters,
)
from telegram.warnings import PTBUserWarning

from handlers import callback_data as cb
from domain.rules import CATEGORY_GROUPS, REGIONS, REPORTER_ROLES
from bot.services.evidence import remove_files
from handlers.context import BotContext
from bot.services.when import BadWhen, earlier_today, parse_date
from handlers import report_evidence, report_review
from handlers.report_steps import (
    CANCEL, CATEGORY, CONTACT, DESCRIPTION, DESCRIPTION_MAX, DESCRIPTION_MIN, END, EVIDENCE, GROUP,
    LOCATION, PLACE, PLACE_MAX, PRECINCT, REGION, REVIEW, ROLE, WHEN, WHEN_DATE, WHEN_TIME,
    advance, back, load, no_draft, show, typed,
)
from storage import drafts, evidence
from storage.models import Draft

CONVERSATION = "report"
_PRECINCT = re.compile(r"^\s*№?\s*(\d{1,6})\s*$")


# ---- entering, leaving, moving ----------------------------------------------------------------

async def start_report(update: Update, context: BotContext) -> str:
    """/report or the menu button: continue the open draft, or start a new one."""
    if update.callback_query:
        await update.callback_query.answer()
    draft = await load(context)
    if draft is not None:
        return await show(update, context, draft, draft.step, notice=context.t("wizard.resumed"))
    draft = Draft(key=uuid.uuid4().hex, step=ROLE)
    return await show(update, context, draft, ROLE, notice=context.t("wizard.intro"))


async def on_button(update: Update, context: BotContext) -> str | int:
    """Every wizard button: Back and Cancel anywhere, otherwise the step's own choice."""
    query = update.callback_query
    parsed = cb.parse(query.data)
    draft = await load(context)
    if draft is None or parsed is None or parsed.args[0] != draft.step:
        return await stale_button(update, context)
    step, value = parsed.args
    if value == "back":
        await query.answer()
        return await back(update, context, draft)
    if value == "cancel" and step != CANCEL:
        await query.answer()
        draft.history.append(draft.step)
        return await show(update, context, draft, CANCEL)
    if value not in _valid_values(step, draft):
        return await stale_button(update, context)
    await query.answer()
    return await BUTTONS[step](update, context, draft, value)


async def stale_button(update: Update, context: BotContext) -> str | int | None:
    """A button of an earlier step, an old message or a forged press: answered, not trusted."""
    await update.callback_query.answer(context.t("common.stale_button"))
    return None  # stay where we are


async def cancel_command(update: Update, context: BotContext) -> str | int:
    """/cancel: ask before throwing a draft away."""
    draft = await load(context)
    if draft is None:
        await update.effective_chat.send_message(context.t("wizard.no_draft"))
        return END
    if draft.step != CANCEL:
        draft.history.append(draft.step)
    return await show(update, context, draft, CANCEL)


async def discard(context: BotContext) -> None:
    db = await context.services.db()
    records = await evidence.discard_draft(db, context.person.id)
    await drafts.delete(db, context.person.id)
    remove_files(records, context.services.settings.data_dir)


async def wrong_input(update: Update, context: BotContext) -> str | int:
    """Something this step cannot take: say what it needs and ask again."""
    draft = await load(context)
    if draft is None:
        return await no_draft(update, context)
    return await show(update, context, draft, draft.step, notice=context.t(_HINTS.get(draft.step, "wizard.use_buttons")))


_HINTS = {
    PRECINCT: "wizard.bad_precinct", PLACE: "wizard.bad_place", LOCATION: "wizard.bad_location",
    WHEN_TIME: "wizard.bad_time", WHEN_DATE: "wizard.bad_date", DESCRIPTION: "wizard.bad_description",
    EVIDENCE: "wizard.bad_evidence",
}


# ---- the steps ----------------------------------------------------------------------------

async def chose_role(update: Update, context: BotContext, draft: Draft, value: str) -> str:
    draft.reporter_role = value
    if draft.contact_allowed is None:
        draft.contact_allowed = value == "observer"
    return await advance(update, context, draft, GROUP)


async def chose_group(update: Update, context: BotContext, draft: Draft, value: str) -> str:
    draft.group = value
    categories = CATEGORY_GROUPS[value]
    if draft.category not in categories:
        draft.category = None
    if len(categories) == 1:
        draft.category = categories[0]
        return await advance(update, context, draft, REGION)
    return await advance(update, context, draft, CATEGORY)


async def chose_category(update: Update, context: BotContext, draft: Draft, value: str) -> str:
    draft.category = value
    return await advance(update, context, draft, REGION)


async def chose_region(update: Update, context: BotContext, draft: Draft, value: str) -> str:
    draft.region = value
    return await advance(update, context, draft, PRECINCT)


async def chose_precinct(update: Update, context: BotContext, draft: Draft, value: str) -> str:
    draft.precinct_kind, draft.precinct = value, None
    return await advance(update, context, draft, PLACE)


@typed(PRECINCT)
async def typed_precinct(update: Update, context: BotContext, draft: Draft) -> str:
    """The precinct number: digits only."""
    match = _PRECINCT.match(update.message.text)
    if not match or int(match.group(1)) == 0:
        return await show(update, context, draft, PRECINCT, notice=context.t("wizard.bad_precinct"))
    draft.precinct_kind, draft.precinct = "number", str(int(match.group(1)))
    return await advance(update, context, draft, PLACE)


@typed(PLACE)
async def typed_place(update: Update, context: BotContext, draft: Draft) -> str:
    text = update.message.text.strip()
    if len(text) > PLACE_MAX:
        return await show(update, context, draft, PLACE, notice=context.t("wizard.place_too_long", max=PLACE_MAX))
    draft.place = text
    return await advance(update, context, draft, LOCATION)


async def skipped(update: Update, context: BotContext, draft: Draft, value: str) -> str:
    if draft.step == PLACE:
        draft.place = None
        return await advance(update, context, draft, LOCATION)
    draft.latitude = draft.longitude = None
    return await advance(update, context, draft, WHEN)


@typed(LOCATION)
async def sent_location(update: Update, context: BotContext, draft: Draft) -> str:
    location = update.message.location
    draft.latitude, draft.longitude = location.latitude, location.longitude
    return await advance(update, context, draft, WHEN)


async def chose_when(update: Update, context: BotContext, draft: Draft, value: str) -> str:
    if value == "now":
        draft.occurred_at = context.services.now().isoformat(timespec="minutes")
        return await advance(update, context, draft, DESCRIPTION)
    return await advance(update, context, draft, WHEN_TIME if value == "today" else WHEN_DATE)


@typed(WHEN_TIME)
async def typed_time(update: Update, context: BotContext, draft: Draft) -> str:
    try:
        moment = earlier_today(update.message.text, context.services.now())
    except BadWhen as why:
        return await show(update, context, draft, WHEN_TIME, notice=context.t(f"wizard.time_{why}"))
    draft.occurred_at = moment.isoformat(timespec="minutes")
    return await advance(update, context, draft, DESCRIPTION)


@typed(WHEN_DATE)
async def typed_date(update: Update, context: BotContext, draft: Draft) -> str:
    try:
        day = parse_date(update.message.text, context.t.lang, context.services.today())
    except BadWhen as why:
        return await show(update, context, draft, WHEN_DATE, notice=context.t(f"wizard.date_{why}"))
    draft.occurred_at = day.isoformat()
    return await advance(update, context, draft, DESCRIPTION)


@typed(DESCRIPTION)
async def typed_description(update: Update, context: BotContext, draft: Draft) -> str:
    text = update.message.text.strip()
    if len(text) < DESCRIPTION_MIN:
        notice = context.t("wizard.description_short", min=DESCRIPTION_MIN)
        return await show(update, context, draft, DESCRIPTION, notice=notice)
    if len(text) > DESCRIPTION_MAX:
        notice = context.t("wizard.description_long", max=DESCRIPTION_MAX, length=len(text))
        return await show(update, context, draft, DESCRIPTION, notice=notice)
    draft.description = text
    return await advance(update, context, draft, EVIDENCE)


async def chose_contact(update: Update, context: BotContext, draft: Draft, value: str) -> str:
    draft.contact_allowed = value == "allowed"
    return await advance(update, context, draft, REVIEW)


async def chose_cancel(update: Update, context: BotContext, draft: Draft, value: str) -> str | int:
    if value == "no":
        return await back(update, context, draft)
    await discard(context)
    await update.callback_query.edit_message_text(context.t("wizard.cancelled"))
    return END


def _valid_values(step: str, draft: Draft) -> tuple[str, ...]:
    """What a button of ``step`` may carry; anything else is forged or from an old version."""
    if step == CATEGORY:
        return CATEGORY_GROUPS.get(draft.group or "", ())
    return _VALUES.get(step, ())


_VALUES: dict[str, tuple[str, ...]] = {
    ROLE: REPORTER_ROLES, GROUP: tuple(CATEGORY_GROUPS), REGION: REGIONS,
    PRECINCT: ("none", "unknown"), PLACE: ("skip",), LOCATION: ("skip",),
    WHEN: ("now", "today", "date"), EVIDENCE: ("done", "none"), CONTACT: ("anonymous", "allowed"),
    REVIEW: report_review.VALUES, CANCEL: ("yes", "no"),
}

BUTTONS = {
    ROLE: chose_role, GROUP: chose_group, CATEGORY: chose_category, REGION: chose_region,
    PRECINCT: chose_precinct, PLACE: skipped, LOCATION: skipped, WHEN: chose_when,
    EVIDENCE: report_evidence.chose, CONTACT: chose_contact, REVIEW: report_review.chose,
    CANCEL: chose_cancel,
}


# ---- the state table ----------------------------------------------------------------------

def _step(step: str, *typed: BaseHandler) -> list[BaseHandler]:
    """A state: its buttons, what it takes typed, and a catch-all for everything else."""
    return [
        CallbackQueryHandler(on_button, pattern=rf"^w:{step}:"),
        *typed,
        MessageHandler(~filters.COMMAND, wrong_input),
    ]


TEXT = filters.TEXT & ~filters.COMMAND


def conversation() -> ConversationHandler:
    private = filters.ChatType.PRIVATE
    with warnings.catch_warnings():
        # per_message=False is intended: steps mix buttons and typed answers.
        warnings.simplefilter("ignore", PTBUserWarning)
        return ConversationHandler(
            entry_points=[
                CommandHandler("report", start_report, filters=private),
                CallbackQueryHandler(start_report, pattern=r"^menu:report$"),
            ],
            states={
                ROLE: _step(ROLE),
                GROUP: _step(GROUP),
                CATEGORY: _step(CATEGORY),
                REGION: _step(REGION),
                PRECINCT: _step(PRECINCT, MessageHandler(TEXT, typed_precinct)),
                PLACE: _step(PLACE, MessageHandler(TEXT, typed_place)),
                LOCATION: _step(LOCATION, MessageHandler(filters.LOCATION, sent_location)),
                WHEN: _step(WHEN),
                WHEN_TIME: _step(WHEN_TIME, MessageHandler(TEXT, typed_time)),
                WHEN_DATE: _step(WHEN_DATE, MessageHandler(TEXT, typed_date)),
                DESCRIPTION: _step(DESCRIPTION, MessageHandler(TEXT, typed_description)),
                EVIDENCE: _step(EVIDENCE, MessageHandler(report_evidence.FILES, report_evidence.received)),
                CONTACT: _step(CONTACT),
                REVIEW: _step(REVIEW),
                CANCEL: _step(CANCEL),
            },
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


async def cancel_outside(update: Update, context: BotContext) -> None:
    """/cancel with no report open."""
    await update.effective_chat.send_message(context.t("wizard.no_draft"))


def handlers() -> list[BaseHandler]:
    return [
        conversation(),
        CommandHandler("cancel", cancel_outside, filters=filters.ChatType.PRIVATE),
    ]
