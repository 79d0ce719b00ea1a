"""The card's buttons that need a few words (Reject, Duplicate, Escalate, Resolve, Correct) and
the question each asks.

A question is stored only once it is in the chat, and only a reply to that very message, from
the moderator who pressed, within ``PROMPT_TTL``, is taken as its answer: other lines in the
group stay conversation. A wrong answer leaves the question open; Cancel on it closes it.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Awaitable, Callable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, BaseHandler, CallbackQueryHandler, MessageHandler, filters

from domain import clock
from domain.rules import ESCALATION_TARGETS, PROMPT_TTL
from handlers import callback_data as cb
from handlers.context import BotContext
from services.moderation import DIRECT, GROUP_ACTIONS, Request, holds
from handlers.moderation import Retry, afterwards, load_report, run
from handlers.staff_guard import admits, fence, refuse
from storage import moderation, prompts
from storage.models import Report
from storage.prompts import Prompt

# The question each action asks, and whether its answer can be kept from the reporter.
QUESTIONS = {"reject": "mod.ask_reason", "duplicate": "mod.ask_duplicate", "resolve": "mod.ask_outcome",
             "escalate": "mod.ask_external", "correct": "mod.ask_correction"}
SEEN_BY_REPORTER = ("reject", "resolve")
QUESTION_WAIT = 1.0  # seconds a press waits for its question to be in the chat before it is answered
log = logging.getLogger(__name__)


def question(context: BotContext, action: str, report: Report, internal: bool) -> str:
    kind, _, target = action.partition(":")
    t = context.t
    text = t(QUESTIONS[kind], reference=report.reference,
             target=t(f"mod.target.{target}") if target else "")
    if kind in SEEN_BY_REPORTER:
        text = f"{text}\n{t('mod.ask_internal' if internal else 'mod.ask_public')}"
    return f"{text}\n{t('mod.ask_how', minutes=int(PROMPT_TTL.total_seconds() // 60))}"


def prompt_keyboard(context: BotContext, action: str, internal: bool) -> InlineKeyboardMarkup:
    t = context.t
    row = []
    if action.partition(":")[0] in SEEN_BY_REPORTER:
        toggle = "public" if internal else "internal"
        row.append(InlineKeyboardButton(t(f"mod.prompt.make_{toggle}"), callback_data=cb.encode(cb.PromptChoice(toggle))))
    row.append(InlineKeyboardButton(t("mod.prompt.cancel"), callback_data=cb.encode(cb.PromptChoice("cancel"))))
    return InlineKeyboardMarkup([row])


# ---- the card's buttons ---------------------------------------------------------------------

async def on_card_button(update: Update, context: BotContext) -> None:
    """Take, Verify, Reject, Duplicate, Escalate, Resolve, Reopen or Correct from a card."""
    pressed = context.press(cb.CardAction)
    report = await load_report(update, context, pressed.report_id)
    if report is None:
        return
    if not holds(report, context.person):  # taken over first, on the record, whatever the button
        await update.callback_query.answer(
            context.t("mod.taken_by_other", reference=report.reference,
                      name=await moderation.staff_name(await context.services.db(), report.taken_by) or "—"),
            show_alert=True)
        return
    await ON_CARD[pressed.action](update, context, pressed.action, report)


async def _act_now(update: Update, context: BotContext, action: str, report: Report) -> None:
    """An action that needs no words: done at once (or the reason it cannot be, in the answer)."""
    try:
        await run(update, context, report, Request(action=action))
    except Retry as retry:
        await update.callback_query.answer(retry.message)


async def _ask_target(update: Update, context: BotContext, action: str, report: Report) -> None:
    """Escalate or Correct: first where to (or where it really went), as buttons."""
    await update.callback_query.answer()
    key = "mod.ask_target" if action == "escalate" else "mod.ask_target_correct"
    await update.effective_chat.send_message(context.t(key, reference=report.reference),
                                             reply_markup=_targets(context, report, action))


def _targets(context: BotContext, report: Report, action: str) -> InlineKeyboardMarkup:
    t, kind = context.t, cb.EscalateTo if action == "escalate" else cb.CorrectTo
    buttons = [InlineKeyboardButton(t(f"mod.target.{target}"), callback_data=cb.encode(kind(report.id, target)))
               for target in ESCALATION_TARGETS]
    rows = [buttons[i:i + 2] for i in range(0, len(buttons), 2)]
    rows.append([InlineKeyboardButton(t("mod.prompt.cancel"), callback_data=cb.encode(cb.PromptChoice("cancel")))])
    return InlineKeyboardMarkup(rows)


async def on_target_button(update: Update, context: BotContext) -> None:
    """Where the report goes (or went, when correcting); then its number and date are asked for."""
    pressed = context.press((cb.EscalateTo, cb.CorrectTo))
    report = await load_report(update, context, pressed.report_id)
    if report is not None:
        await ask(update, context, f"{TARGET_ACTIONS[type(pressed)]}:{pressed.target}", report)
        # The choice is made: its buttons go, so that a press days later starts nothing.
        afterwards(update, context, _close_message(
            context, update.callback_query.message,
            context.t("mod.prompt.chosen", target=context.t(f"mod.target.{pressed.target}"))))


async def ask(update: Update, context: BotContext, action: str, report: Report) -> None:
    """Post the question; only once it is in the chat is it remembered, for this moderator. The
    press is answered as soon as the question is in (or refused: then the answer says so), and
    after QUESTION_WAIT at the latest: a full group's window holds the question, not the press."""
    query = update.callback_query
    posting = asyncio.ensure_future(_post_question(context, update.effective_chat.id, action, report))
    done, _ = await asyncio.wait([posting], timeout=QUESTION_WAIT)
    if done:
        posted = posting.result()
        await query.answer(None if posted else context.t("mod.prompt.not_sent"), show_alert=not posted)
        return
    await query.answer()
    afterwards(update, context, _refused_later(context, update.effective_user.id, posting))


async def _refused_later(context: BotContext, moderator: int, posting: asyncio.Future) -> None:
    """A question Telegram refused after its press was answered: said to the moderator alone."""
    if await posting:
        return
    try:
        await context.bot.send_message(moderator, context.t("mod.prompt.not_sent"))
    except TelegramError:
        log.warning("a moderator's question was not posted, and they could not be told")


async def _post_question(context: BotContext, chat_id: int, action: str, report: Report) -> bool:
    """The question in the chat and remembered; False when Telegram would not take it."""
    try:
        message = await context.bot.send_message(
            chat_id, question(context, action, report, internal=False),
            reply_markup=prompt_keyboard(context, action, False))
    except TelegramError:
        return False
    db = await context.services.db()
    await prompts.create(db, message.chat_id, message.message_id, context.person.id, action, report.id,
                         report.status, await moderation.latest_step(db, report.id))
    return True


# What each of the card's buttons (handlers.callback_data.CARD_ACTIONS) does when pressed: an
# action that needs no words is done at once, one that needs words asks for them, Escalate and
# Correct ask first where to.
ON_CARD: dict[str, Callable[[Update, BotContext, str, Report], Awaitable[None]]] = {
    **dict.fromkeys((*DIRECT, *GROUP_ACTIONS), _act_now),
    **dict.fromkeys(("reject", "duplicate", "resolve"), ask),
    **dict.fromkeys(("escalate", "correct"), _ask_target),
}
TARGET_ACTIONS = {cb.EscalateTo: "escalate", cb.CorrectTo: "correct"}  # the action a target's button goes on with


# ---- the answer -------------------------------------------------------------------------------

async def answer(update: Update, context: BotContext) -> None:
    """A reply to one of the bot's questions, by the moderator it was asked of, in time."""
    message = update.message
    replied = message.reply_to_message if message else None
    if replied is None:
        return  # a line of conversation, not an answer
    db = await context.services.db()
    prompt = await prompts.at(db, message.chat_id, replied.message_id)
    if prompt is None:
        return  # a reply to a card or to another message: conversation too
    t = context.t
    if not admits("staff", update, context):  # removed from staff since the button was pressed
        await refuse(update, context)
        raise ApplicationHandlerStop
    if prompt.moderator_id != context.person.id:
        await message.reply_text(t("mod.prompt.not_yours"))
        raise ApplicationHandlerStop
    if _expired(prompt):
        await prompts.close(db, prompt.id)
        await _close_message(context, replied, t("mod.prompt.expired_mark"))
        await message.reply_text(t("mod.prompt.expired"))
        raise ApplicationHandlerStop
    report = await load_report(update, context, prompt.report_id)
    if report is None:
        await prompts.close(db, prompt.id)
        raise ApplicationHandlerStop
    try:
        done = await run(update, context, report, answer_request(prompt, message.text or ""))
    except Retry as retry:
        await message.reply_text(f"{retry.message}\n{t('mod.prompt.again')}")
        raise ApplicationHandlerStop
    # Done, or refused because the report moved on meanwhile: either way the question is over.
    await prompts.close(db, prompt.id)
    afterwards(update, context, _close_message(
        context, replied, t("mod.prompt.answered_mark" if done else "mod.prompt.unchanged_mark")))
    raise ApplicationHandlerStop


def answer_request(prompt: Prompt, text: str) -> Request:
    """The action a question asked for, with the words of its answer."""
    kind, _, target = prompt.action.partition(":")
    common = {"prompt_id": prompt.id, "expect": (prompt.asked_status, prompt.asked_step)}
    if kind == "duplicate":
        return Request(action="duplicate", original=text, **common)
    if kind in ("escalate", "correct"):
        action = "escalate" if kind == "escalate" else "correct_escalation"
        return Request(action=action, target=target, outside=text, **common)
    return Request(action=kind, words=text, internal=prompt.internal, **common)


def _expired(prompt: Prompt) -> bool:
    return clock.now() - clock.parse(prompt.created_at) > PROMPT_TTL


async def _close_message(context: BotContext, message: Message, mark: str) -> None:
    """The question without its buttons and with how it ended; best effort (it may be gone)."""
    try:
        await context.bot.edit_message_text(f"{message.text_html or message.text}\n{mark}",
                                            chat_id=message.chat_id, message_id=message.message_id)
    except TelegramError:
        pass


# ---- the question's own buttons ----------------------------------------------------------------

async def on_prompt_button(update: Update, context: BotContext) -> None:
    """Cancel a question (or a choice of target); make the answer internal, or seen again."""
    query = update.callback_query
    choice = context.press(cb.PromptChoice).choice
    db, t = await context.services.db(), context.t
    prompt = await prompts.at(db, query.message.chat_id, query.message.message_id)
    if prompt is not None and prompt.moderator_id != context.person.id:
        await query.answer(t("mod.prompt.not_yours"), show_alert=True)
        return
    if choice == "cancel":
        if prompt is not None:
            await prompts.close(db, prompt.id)
        await query.answer(t("mod.prompt.cancelled"))
        await _close_message(context, query.message, t("mod.prompt.cancelled_mark"))
        return
    if prompt is None:  # internal or public, on a question already over
        await query.answer(t("common.stale_button"))
        return
    internal = choice == "internal"
    await prompts.set_internal(db, prompt.id, internal)
    report = await load_report(update, context, prompt.report_id)
    await query.answer()
    if report is not None:
        try:
            await query.edit_message_text(question(context, prompt.action, report, internal),
                                          reply_markup=prompt_keyboard(context, prompt.action, internal))
        except TelegramError:
            pass  # the choice is stored; only its display is behind


def handlers() -> list[BaseHandler]:
    return fence("staff", [
        CallbackQueryHandler(on_card_button, pattern=cb.pattern(cb.CardAction)),
        CallbackQueryHandler(on_target_button, pattern=cb.pattern((cb.EscalateTo, cb.CorrectTo))),
        CallbackQueryHandler(on_prompt_button, pattern=cb.pattern(cb.PromptChoice)),
    ])


def answer_handler() -> BaseHandler:
    """Runs before the journeys: a reply to one of the bot's questions to a moderator."""
    return MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND & filters.REPLY, answer)

