"""The steps of the report wizard: their names, prompts, and moving between them.

A step's name is also its ConversationHandler state and the first part of its buttons'
callback data (``w:<step>:<value>``), so a button from another step never matches.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ConversationHandler

from handlers import callback_data as cb
from domain.rules import CATEGORY_GROUPS, REGIONS, REPORTER_ROLES
from bot.services.evidence import MAX_FILES
from bot.services.i18n import Html, Translator
from handlers.context import BotContext
from handlers.report_summary import draft_summary
from storage import drafts, evidence
from storage.models import Draft

ROLE, GROUP, CATEGORY, REGION, PRECINCT, PLACE, LOCATION = (
    "role", "group", "category", "region", "precinct", "place", "location")
WHEN, WHEN_TIME, WHEN_DATE, DESCRIPTION, EVIDENCE, CONTACT, REVIEW, CANCEL = (
    "when", "when_time", "when_date", "description", "evidence", "contact", "review", "cancel")
END = ConversationHandler.END

# What "Change" on the review screen re-opens; the section ends when a step outside it is next.
SECTIONS: dict[str, tuple[str, ...]] = {
    "role": (ROLE,),
    "what": (GROUP, CATEGORY),
    "where": (REGION, PRECINCT, PLACE, LOCATION),
    "when": (WHEN, WHEN_TIME, WHEN_DATE),
    "description": (DESCRIPTION,),
    "evidence": (EVIDENCE,),
    "contact": (CONTACT,),
}
DESCRIPTION_MIN, DESCRIPTION_MAX = 20, 2000
PLACE_MAX = 200


def wbutton(t: Translator, step: str, value: str, label_key: str, **params) -> InlineKeyboardButton:
    return InlineKeyboardButton(t(label_key, **params), callback_data=cb.build("w", step, value))


def _grid(buttons: list[InlineKeyboardButton], width: int) -> list[list[InlineKeyboardButton]]:
    return [buttons[i:i + width] for i in range(0, len(buttons), width)]


def _nav(t: Translator, step: str, draft: Draft) -> list[InlineKeyboardButton]:
    row = [wbutton(t, step, "back", "wizard.back")] if draft.history else []
    return row + [wbutton(t, step, "cancel", "wizard.cancel")]


def _choices(t: Translator, step: str, draft: Draft, codes, prefix: str, width: int) -> InlineKeyboardMarkup:
    buttons = [wbutton(t, step, code, f"{prefix}.{code}") for code in codes]
    return InlineKeyboardMarkup(_grid(buttons, width) + [_nav(t, step, draft)])


def _extra(t: Translator, step: str, draft: Draft, *pairs: tuple[str, str]) -> InlineKeyboardMarkup:
    rows = [[wbutton(t, step, value, key)] for value, key in pairs]
    return InlineKeyboardMarkup(rows + [_nav(t, step, draft)])


async def prompt(step: str, draft: Draft, context: BotContext) -> tuple[Html, InlineKeyboardMarkup]:
    """The question of a step and its keyboard."""
    t = context.t
    if step == ROLE:
        return t("wizard.ask_role"), _choices(t, ROLE, draft, REPORTER_ROLES, "role", 1)
    if step == GROUP:
        return t("wizard.ask_group"), _choices(t, GROUP, draft, CATEGORY_GROUPS, "group", 1)
    if step == CATEGORY:
        return (t("wizard.ask_category", group=t(f"group.{draft.group}")),
                _choices(t, CATEGORY, draft, CATEGORY_GROUPS[draft.group], "category", 1))
    if step == REGION:
        return t("wizard.ask_region"), _choices(t, REGION, draft, REGIONS, "region", 3)
    if step == PRECINCT:
        return t("wizard.ask_precinct"), _extra(
            t, PRECINCT, draft, ("none", "wizard.precinct_none"), ("unknown", "wizard.precinct_unknown"))
    if step == PLACE:
        return t("wizard.ask_place", max=PLACE_MAX), _extra(t, PLACE, draft, ("skip", "wizard.skip"))
    if step == LOCATION:
        return t("wizard.ask_location"), _extra(t, LOCATION, draft, ("skip", "wizard.skip"))
    if step == WHEN:
        return t("wizard.ask_when"), _extra(
            t, WHEN, draft, ("now", "wizard.when_now"), ("today", "wizard.when_today"),
            ("date", "wizard.when_date"))
    if step == WHEN_TIME:
        return t("wizard.ask_time"), InlineKeyboardMarkup([_nav(t, WHEN_TIME, draft)])
    if step == WHEN_DATE:
        example = t.date(context.services.today())
        return t("wizard.ask_date", example=example), InlineKeyboardMarkup([_nav(t, WHEN_DATE, draft)])
    if step == DESCRIPTION:
        return (t("wizard.ask_description", min=DESCRIPTION_MIN, max=DESCRIPTION_MAX),
                InlineKeyboardMarkup([_nav(t, DESCRIPTION, draft)]))
    if step == EVIDENCE:
        return evidence_prompt(t, draft, await evidence_count(context))
    if step == CONTACT:
        order = [("anonymous", "wizard.contact_anonymous"), ("allowed", "wizard.contact_allowed")]
        if draft.reporter_role == "observer":
            order.reverse()
        return t("wizard.ask_contact"), _extra(t, CONTACT, draft, *order)
    if step == REVIEW:
        records = await evidence.of_draft(await context.services.db(), context.person.id)
        return Html(draft_summary(t, draft, records) + "\n\n" + t("wizard.review_hint")), review_keyboard(t)
    if step == CANCEL:
        return t("wizard.ask_cancel"), InlineKeyboardMarkup([
            [wbutton(t, CANCEL, "yes", "wizard.cancel_yes")], [wbutton(t, CANCEL, "no", "wizard.cancel_no")]])
    raise ValueError(step)


def evidence_prompt(t: Translator, draft: Draft, count: int) -> tuple[Html, InlineKeyboardMarkup]:
    if count:
        text = t.plural("wizard.evidence_received", count, max=MAX_FILES)
        return text, _extra(t, EVIDENCE, draft, ("done", "wizard.evidence_done"))
    return t("wizard.ask_evidence", max=MAX_FILES), _extra(t, EVIDENCE, draft, ("none", "wizard.evidence_none"))


def review_keyboard(t: Translator) -> InlineKeyboardMarkup:
    edit = [wbutton(t, REVIEW, f"edit_{section}", f"wizard.edit_{section}") for section in SECTIONS]
    return InlineKeyboardMarkup(
        [[wbutton(t, REVIEW, "send", "wizard.send")]] + _grid(edit, 2)
        + [[wbutton(t, REVIEW, "cancel", "wizard.cancel")]]
    )


async def evidence_count(context: BotContext) -> int:
    return await evidence.count_of_draft(await context.services.db(), context.person.id)


async def load(context: BotContext) -> Draft | None:
    return await drafts.get(await context.services.db(), context.person.id)


async def store(context: BotContext, draft: Draft) -> None:
    await drafts.save(await context.services.db(), context.person.id, draft)


async def show(update: Update, context: BotContext, draft: Draft, step: str, notice: str | None = None) -> str:
    """Store the draft at ``step`` and ask its question. Returns the state."""
    draft.step = step
    await store(context, draft)
    return await ask(update, context, step, await prompt(step, draft, context), notice)


async def ask(update: Update, context: BotContext, step: str, question: tuple[Html, InlineKeyboardMarkup],
              notice: str | None = None) -> str:
    """Ask ``step``'s question of a draft already stored at it: in place of the pressed message
    when a button led here, as a new message otherwise. Returns the state."""
    text, markup = question
    if notice:
        text = Html(f"{notice}\n\n{text}")
    query = update.callback_query
    if query is not None and not notice:
        await query.edit_message_text(text, reply_markup=markup)
    else:
        await update.effective_chat.send_message(text, reply_markup=markup)
    return step


async def advance(update: Update, context: BotContext, draft: Draft, next_step: str) -> str:
    """Go forward; while changing one section from the review, return to the review after it."""
    if draft.editing and next_step not in SECTIONS[draft.editing]:
        draft.editing = None
        draft.history = []
        next_step = REVIEW
    else:
        draft.history.append(draft.step)
    return await show(update, context, draft, next_step)


async def back(update: Update, context: BotContext, draft: Draft) -> str:
    previous = draft.history.pop() if draft.history else draft.step
    if previous == REVIEW:
        draft.editing = None
    return await show(update, context, draft, previous)


async def no_draft(update: Update, context: BotContext) -> int:
    """A step's input arrived but the draft is gone (sent, cancelled, deleted or expired)."""
    if update.callback_query:
        await update.callback_query.answer(context.t("common.stale_button"))
    else:
        await update.effective_chat.send_message(context.t("wizard.no_draft"))
    return END


def typed(step: str):
    """For a handler of typed input at ``step``: load the draft, and if the draft is at another
    step (the state was stored a moment before a crash), ask that step again."""
    def wrap(func):
        async def handler(update: Update, context: BotContext) -> str | int:
            draft = await load(context)
            if draft is None:
                return await no_draft(update, context)
            if draft.step != step:
                return await show(update, context, draft, draft.step, notice=context.t("wizard.resumed"))
            return await func(update, context, draft)
        handler.__doc__ = func.__doc__
        return handler
    return wrap
