"""Moderators change a report's status by command, and every change (by command or by the
answer to a card button's question, see handlers.mod_prompts) ends here.

Every handler is fenced to staff (handlers.staff_guard); every change goes through
``storage.moderation.change_status`` (refused when it makes no sense, audited); the moderator is
answered first, then (``afterwards``, beside the chat's next update) the card in the moderators'
chat is edited and the reporter is told in their language: the group's window, which an edit may
wait for, holds up neither this answer nor the next one in the group, whose updates are handled
one at a time.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any, Coroutine

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from bot.services import outside_ref
from bot.services.i18n import pack
from bot.services.text import clean
from domain.rules import ESCALATION_TARGETS
from handlers import deliveries
from handlers.context import BotContext
from handlers.mod_cards import refresh_card
from handlers.staff_guard import fence
from storage import moderation, reports
from domain.clock import utcnow
from storage.models import Report

_REFERENCE = re.compile(r"^(?:KZ-?)?0*(\d{1,9})$", re.IGNORECASE)
NOTE_MAX = 1000
DIRECT = {"take": "in_review", "verify": "verified", "reopen": "in_review"}


def parse_reference(text: str) -> int | None:
    match = _REFERENCE.match(text.strip())
    return int(match.group(1)) if match else None


def actor(context: BotContext) -> str:
    return f"moderator {context.person.actor_code}"


async def say(update: Update, text: str) -> None:
    if update.callback_query:
        await update.callback_query.answer(text[:200])
    else:
        await update.effective_message.reply_text(text)


async def tell(update: Update, lines: list[str]) -> None:
    """Lines of HTML as replies, in as few messages as Telegram's limit allows."""
    for message in pack(lines):
        await update.effective_message.reply_text(message)


async def load_report(update: Update, context: BotContext, reference: str | int | None,
                      quiet: bool = False) -> Report | None:
    report_id = reference if isinstance(reference, int) else parse_reference(reference or "")
    report = await reports.get(await context.services.db(), report_id) if report_id else None
    if report is None and not quiet:
        await say(update, context.t("mod.not_found"))
    return report


async def apply(update: Update, context: BotContext, report: Report, target: str,
                note: str | None = None, *, internal: bool = False, prompt_id: int | None = None,
                expect: tuple[str, int | None] | None = None, **fields) -> Report | None:
    """Change the status, refresh the card, tell the reporter; a senseless change is refused."""
    t = context.t
    try:
        updated, _, notice = await moderation.change_status(
            await context.services.db(), report.id, actor(context), target, note, internal=internal,
            prompt_id=prompt_id, expect=expect, taken_by=context.person.id, **fields)
    except moderation.Moved as moved:
        await say(update, t("mod.prompt.moved", reference=report.reference, status=t(f"status.{moved.current}")))
        return None
    except moderation.TransitionRefused as refused:
        await say(update, t("mod.transition_refused", reference=report.reference,
                            status=t(f"status.{refused.current}"), target=t(f"status.{target}")))
        return None
    await say(update, t("mod.done", reference=updated.reference, status=t(f"status.{target}")))
    afterwards(update, context, redrawn(context, updated.id, notice))
    return updated


def afterwards(update: Update, context: BotContext, work: Coroutine[Any, Any, None]) -> None:
    """What a change causes beyond its answer, run once the moderator is answered and beside the
    chat's next update rather than before it. Its failures reach the error handler as the
    update's would, and a stop waits for it."""
    context.application.create_task(work, update=update, name="moderation:afterwards")


async def redrawn(context: BotContext, report_id: int, notice: int | None = None) -> None:
    """The card drawn as the report is now, then the outbox's ``notice`` to the reporter
    attempted. Quick changes of one report are drawn once each at most, in order: a redraw that
    waits to start draws every change made before it starts (it reads the report then)."""
    redraws: dict[int, list] = context.application.bot_data.setdefault(_REDRAWS, {})
    entry = redraws.setdefault(report_id, [asyncio.Lock(), False])  # the lock, and whether one waits
    lock = entry[0]
    if not entry[1]:
        entry[1] = True
        async with lock:
            entry[1] = False
            report = await reports.get(await context.services.db(), report_id)
            if report is not None:
                await refresh_card(context, context.services, report)
        if not entry[1] and not lock.locked():
            redraws.pop(report_id, None)
    if notice is not None:
        await deliveries.attempt(context, notice)


_REDRAWS = "moderation.redraws"  # bot_data: report id -> its card's redraw lock, and whether one waits


class Retry(Exception):
    """The answer cannot be used (no reason, an unknown report, a date that does not exist): the
    moderator is told why and the same question stays open."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


async def finish(update: Update, context: BotContext, action: str, report: Report, words: str,
                 *, internal: bool = False, prompt_id: int | None = None,
                 expect: tuple[str, int | None] | None = None) -> Report | None:
    """Carry out ``action`` with the words it needs; raises Retry when they will not do."""
    t = context.t
    words = clean(words).strip()[:NOTE_MAX]
    if action in ("reject", "resolve"):
        if not words:
            raise Retry(t("mod.need_words", reference=report.reference))
        target = "rejected" if action == "reject" else "resolved"
        return await apply(update, context, report, target, note=words, internal=internal, prompt_id=prompt_id,
                           expect=expect)
    if action == "duplicate":
        original = await load_report(update, context, words, quiet=True)
        if original is None:
            raise Retry(t("mod.not_found"))
        if original.id == report.id:
            raise Retry(t("mod.not_itself"))
        return await apply(update, context, report, "duplicate", prompt_id=prompt_id, expect=expect,
                           duplicate_of=original.reference)
    kind, _, target = action.partition(":")
    try:
        outside = outside_ref.parse(words, context.person.language, context.services.today())
    except outside_ref.BadWhen as bad:
        raise Retry(t(f"mod.external_date.{bad}")) from None
    filed = outside.filed_on.isoformat() if outside.filed_on else None
    if kind == "correct":
        return await correct(update, context, report, target, outside.number, filed, prompt_id, expect)
    return await apply(update, context, report, "escalated", prompt_id=prompt_id, expect=expect, escalated_to=target,
                       external_ref=outside.number, external_date=filed, escalated_at=utcnow())


async def correct(update: Update, context: BotContext, report: Report, target: str, number: str | None,
                  filed: str | None, prompt_id: int | None,
                  expect: tuple[str, int | None] | None = None) -> Report | None:
    """Correct the latest escalation step (the body, its number, the filing date)."""
    t = context.t
    try:
        updated, notice = await moderation.correct_escalation(
            await context.services.db(), report.id, actor(context), target, number, filed, prompt_id=prompt_id,
            expect=expect)
    except moderation.Moved as moved:
        await say(update, t("mod.prompt.moved", reference=report.reference, status=t(f"status.{moved.current}")))
        return None
    except moderation.TransitionRefused as refused:
        await say(update, t("mod.transition_refused", reference=report.reference,
                            status=t(f"status.{refused.current}"), target=t("status.escalated")))
        return None
    await say(update, t("mod.escalation_corrected", reference=updated.reference))
    afterwards(update, context, redrawn(context, updated.id, notice))
    return updated


# ---- commands -----------------------------------------------------------------------------

async def status_command(update: Update, context: BotContext) -> None:
    """/take, /verify, /reopen REF · /reject REF reason · /resolve REF outcome · /dup REF ORIGINAL
    · /escalate REF target [number] [date] (again: on to the next body) · /fixescalation REF
    target [number] [date]."""
    command = update.message.text.split()[0].lstrip("/").split("@")[0].lower()
    args = context.args or []
    report = await load_report(update, context, args[0]) if args else None
    if report is None:
        if not args:
            await say(update, context.t(f"mod.usage.{command}", targets=", ".join(ESCALATION_TARGETS)))
        return
    rest = " ".join(args[1:]).strip()
    try:
        if command in DIRECT:
            await apply(update, context, report, DIRECT[command])
        elif command in ("reject", "resolve", "dup"):
            if not rest:
                await say(update, context.t(f"mod.usage.{command}"))
                return
            await finish(update, context, "duplicate" if command == "dup" else command, report, rest)
        else:  # escalate, fixescalation
            target = args[1].lower() if len(args) > 1 else ""
            if target not in ESCALATION_TARGETS:
                await say(update, context.t(f"mod.usage.{command}", targets=", ".join(ESCALATION_TARGETS)))
                return
            kind = "escalate" if command == "escalate" else "correct"
            await finish(update, context, f"{kind}:{target}", report, " ".join(args[2:]) or "-")
    except Retry as retry:
        await say(update, retry.message)


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
    """/reply REF text: a public answer, delivered to the reporter in a frame in their language;
    refused for an anonymous report (nobody to write to: the reporter chose so)."""
    found = await _report_and_text(update, context, "reply")
    if found is None:
        return
    report, text = found
    if not report.contact_allowed or report.reporter_id is None:
        await say(update, context.t("mod.reply_anonymous", reference=report.reference))
        return
    notice = await moderation.add_reply(await context.services.db(), report.id, actor(context), text)
    delivered = notice is not None and await deliveries.attempt(context, notice)
    await say(update, context.t("mod.replied" if delivered else "mod.reply_stored", reference=report.reference))


STATUS_COMMANDS = ["take", "verify", "reopen", "reject", "resolve", "dup", "escalate", "fixescalation"]


def handlers() -> list[BaseHandler]:
    return fence("staff", [
        CommandHandler(STATUS_COMMANDS, status_command),
        CommandHandler("note", note_command),
        CommandHandler("reply", reply_command),
    ])
