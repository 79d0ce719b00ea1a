"""Moderators change a report's status, by the card's buttons or by command.

Every handler is fenced to staff (handlers.staff_guard); every change goes through
``storage.moderation.change_status`` (refused when it makes no sense, audited), then the card
in the moderators' chat is edited and the reporter is told in their language.
"""

from __future__ import annotations

import re

from telegram import ForceReply, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ApplicationHandlerStop, BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from handlers import callback_data as cb
from handlers.context import BotContext
from domain.rules import ESCALATION_TARGETS
from bot.services.text import clean
from handlers import deliveries
from handlers.mod_cards import refresh_card
from handlers.staff_guard import admits, fence, refuse
from storage import moderation, reports
from domain.clock import utcnow
from storage.models import Report

_REFERENCE = re.compile(r"^(?:KZ-?)?0*(\d{1,9})$", re.IGNORECASE)
_DATE = re.compile(r"(\d{4}-\d{2}-\d{2}|\d{1,2}[./]\d{1,2}[./]\d{2,4})")
NOTE_MAX = 1000
# Actions that need a few words from the moderator before the status changes.
ASKS = {"reject": "mod.ask_reason", "duplicate": "mod.ask_duplicate", "resolve": "mod.ask_outcome"}
DIRECT = {"take": "in_review", "verify": "verified", "reopen": "in_review"}


def parse_reference(text: str) -> int | None:
    match = _REFERENCE.match(text.strip())
    return int(match.group(1)) if match else None


def actor(context: BotContext) -> str:
    return f"moderator {context.person.short_name}"


async def say(update: Update, text: str) -> None:
    if update.callback_query:
        await update.callback_query.answer(text[:200])
    else:
        await update.effective_message.reply_text(text)


async def load_report(update: Update, context: BotContext, reference: str | int | None) -> Report | None:
    report_id = reference if isinstance(reference, int) else parse_reference(reference or "")
    report = await reports.get(await context.services.db(), report_id) if report_id else None
    if report is None:
        await say(update, context.t("mod.not_found"))
    return report


async def apply(update: Update, context: BotContext, report: Report, target: str,
                note: str | None = None, **fields) -> Report | None:
    """Change the status, refresh the card, tell the reporter; a senseless change is refused."""
    t = context.t
    try:
        updated, _, notice = await moderation.change_status(
            await context.services.db(), report.id, actor(context), target, note,
            taken_by=context.person.id, **fields)
    except moderation.TransitionRefused as refused:
        await say(update, t("mod.transition_refused", reference=report.reference,
                            status=t(f"status.{refused.current}"), target=t(f"status.{target}")))
        return None
    await refresh_card(context, context.services, updated)
    if notice is not None:
        await deliveries.attempt(context, notice)
    done = t("mod.done", reference=updated.reference, status=t(f"status.{target}"))
    if update.callback_query:
        await update.callback_query.answer(done[:200])
    else:
        await update.effective_message.reply_text(done)
    return updated


# ---- buttons ------------------------------------------------------------------------------

async def on_card_button(update: Update, context: BotContext) -> None:
    """Take, Verify, Reject, Duplicate, Escalate, Resolve or Reopen from a card."""
    parsed = cb.parse(update.callback_query.data)
    action, report_id = (parsed.args[0], int(parsed.args[1])) if parsed and parsed.args[1].isdigit() else (None, 0)
    report = await load_report(update, context, report_id) if action else None
    if report is None:
        if action is None:
            await update.callback_query.answer(context.t("common.stale_button"))
        return
    if action in DIRECT:
        await apply(update, context, report, DIRECT[action])
    elif action in ASKS:
        await ask_words(update, context, action, report)
    elif action == "escalate":
        await update.callback_query.answer()
        await update.effective_chat.send_message(
            context.t("mod.ask_target", reference=report.reference), reply_markup=_targets(context, report))
    else:
        await update.callback_query.answer(context.t("common.stale_button"))


def _targets(context: BotContext, report: Report) -> InlineKeyboardMarkup:
    t = context.t
    buttons = [InlineKeyboardButton(t(f"mod.target.{target}"), callback_data=cb.build("esc", report.id, target))
               for target in ESCALATION_TARGETS]
    return InlineKeyboardMarkup([buttons[i:i + 2] for i in range(0, len(buttons), 2)])


async def on_target_button(update: Update, context: BotContext) -> None:
    """Where the report goes; then the outside reference and date are asked for."""
    parsed = cb.parse(update.callback_query.data)
    if parsed is None or not parsed.args[0].isdigit() or parsed.args[1] not in ESCALATION_TARGETS:
        await update.callback_query.answer(context.t("common.stale_button"))
        return
    report = await load_report(update, context, int(parsed.args[0]))
    if report is not None:
        await ask_words(update, context, f"escalate:{parsed.args[1]}", report)


async def ask_words(update: Update, context: BotContext, action: str, report: Report) -> None:
    """Remember what this moderator is about to do and ask for the words it needs."""
    context.user_data["pending"] = (action, report.id, update.effective_chat.id)
    key = "mod.ask_external" if action.startswith("escalate:") else ASKS[action]
    await update.callback_query.answer()
    await update.effective_chat.send_message(
        context.t(key, reference=report.reference), reply_markup=ForceReply(selective=True))


async def pending_words(update: Update, context: BotContext) -> None:
    """The reason, reference, outcome or outside number a moderator was asked for."""
    pending = context.user_data.get("pending") if context.user_data is not None else None
    if not pending or pending[2] != update.effective_chat.id:
        return
    if not admits("staff", update, context):  # removed from staff since the button was pressed
        await refuse(update, context)
        return
    context.user_data.pop("pending")
    action, report_id, _ = pending
    report = await load_report(update, context, report_id)
    if report is not None:
        await finish(update, context, action, report, clean(update.message.text)[:NOTE_MAX])
    raise ApplicationHandlerStop


async def finish(update: Update, context: BotContext, action: str, report: Report, words: str) -> None:
    if action == "reject":
        await apply(update, context, report, "rejected", note=words)
    elif action == "resolve":
        await apply(update, context, report, "resolved", note=words)
    elif action == "duplicate":
        original = await load_report(update, context, words)
        if original is not None and original.id != report.id:
            await apply(update, context, report, "duplicate", duplicate_of=original.reference)
        elif original is not None:
            await say(update, context.t("mod.not_itself"))
    elif action.startswith("escalate:"):
        external_ref, external_date = split_external(words)
        await apply(update, context, report, "escalated", escalated_to=action.split(":", 1)[1],
                    external_ref=external_ref, external_date=external_date, escalated_at=utcnow())


def split_external(words: str) -> tuple[str | None, str | None]:
    """'№ 12-3/45 24.11.2026' → ('№ 12-3/45', '24.11.2026'); '-' → nothing known yet."""
    if words.strip() in ("", "-", "—"):
        return None, None
    match = _DATE.search(words)
    date = match.group(1) if match else None
    reference = (words[:match.start()] + words[match.end():]).strip(" ,;") if match else words.strip()
    return reference or None, date


# ---- commands -----------------------------------------------------------------------------

async def status_command(update: Update, context: BotContext) -> None:
    """/take, /verify, /reopen REF · /reject REF reason · /resolve REF outcome · /dup REF ORIGINAL
    · /escalate REF target [number] [date]."""
    command = update.message.text.split()[0].lstrip("/").split("@")[0].lower()
    args = context.args or []
    report = await load_report(update, context, args[0]) if args else None
    if report is None:
        if not args:
            await say(update, context.t(f"mod.usage.{command}"))
        return
    rest = " ".join(args[1:]).strip()[:NOTE_MAX]
    if command in DIRECT:
        await apply(update, context, report, DIRECT[command])
    elif command in ("reject", "resolve", "dup") and not rest:
        await say(update, context.t(f"mod.usage.{command}"))
    elif command in ("reject", "resolve"):
        await finish(update, context, command, report, rest)
    elif command == "dup":
        await finish(update, context, "duplicate", report, rest)
    elif command == "escalate":
        target = args[1].lower() if len(args) > 1 else ""
        if target not in ESCALATION_TARGETS:
            await say(update, context.t("mod.usage.escalate", targets=", ".join(ESCALATION_TARGETS)))
            return
        await finish(update, context, f"escalate:{target}", report, " ".join(args[2:]) or "-")


async def _report_and_text(update: Update, context: BotContext, command: str) -> tuple[Report, str] | None:
    """For /note and /reply: the report named first and the words after it, or a usage line."""
    args = context.args or []
    if len(args) < 2:
        await say(update, context.t(f"mod.usage.{command}"))
        return None
    report = await load_report(update, context, args[0])
    return (report, clean(" ".join(args[1:]))[:NOTE_MAX]) if report is not None else None


async def note_command(update: Update, context: BotContext) -> None:
    """/note REF text: an internal note, seen by moderators only."""
    found = await _report_and_text(update, context, "note")
    if found is not None:
        report, text = found
        await moderation.add_note(await context.services.db(), report.id, actor(context), text)
        await say(update, context.t("mod.noted", reference=report.reference))


async def reply_command(update: Update, context: BotContext) -> None:
    """/reply REF text: a public answer, delivered to the reporter in a frame in their language."""
    found = await _report_and_text(update, context, "reply")
    if found is None:
        return
    report, text = found
    notice = await moderation.add_reply(await context.services.db(), report.id, actor(context), text)
    delivered = notice is not None and await deliveries.attempt(context, notice)
    await say(update, context.t("mod.replied" if delivered else "mod.reply_stored", reference=report.reference))


STATUS_COMMANDS = ["take", "verify", "reopen", "reject", "resolve", "dup", "escalate"]


def handlers() -> list[BaseHandler]:
    return fence("staff", [
        CallbackQueryHandler(on_card_button, pattern=cb.pattern("m")),
        CallbackQueryHandler(on_target_button, pattern=cb.pattern("esc")),
        CommandHandler(STATUS_COMMANDS, status_command),
        CommandHandler("note", note_command),
        CommandHandler("reply", reply_command),
    ])


def pending_handler() -> BaseHandler:
    """Runs before the journeys: a moderator's answer to a question the bot just asked."""
    return MessageHandler(filters.TEXT & ~filters.COMMAND, pending_words)
