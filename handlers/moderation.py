"""Moderators act on a report by command, and every action by command or by the answer to a
card button's question (handlers.mod_prompts) goes through ``run``: the rulebook
(services.moderation, the same the dashboard calls) decides and records it, then the
moderator is answered, the card in the moderators' chat redrawn and the reporter told.

Every handler is fenced to staff (handlers.staff_guard). The moderator is answered first; then
(``afterwards``, beside the chat's next update) the card in the moderators' chat is edited and
the reporter is told in their language: the group's window, which an edit may wait for, holds up
neither this answer nor the next one in the group, whose updates are handled one at a time.
"""

from __future__ import annotations

import asyncio
from typing import Any, Coroutine

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from services import moderation as rulebook
from services.i18n import pack
from services.moderation import Refused, Request
from domain.rules import ESCALATION_TARGETS
from handlers import deliveries
from handlers.context import BotContext
from handlers.mod_cards import refresh_card
from handlers.staff_guard import fence
from storage import reports
from storage.models import Report

# What each outcome tells the moderator who acted.
DONE = {"changed": "mod.done", "noted": "mod.noted", "replied": "mod.replied", "taken_over": "mod.taken_over",
        "escalation_corrected": "mod.escalation_corrected", "unchanged": "mod.fix.unchanged",
        "witness_confirmed": "witness.confirmed", "witness_split": "witness.split"}


def actor(context: BotContext) -> str:
    return rulebook.actor(context.person)


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
    report_id = reference if isinstance(reference, int) else rulebook.parse_reference(reference or "")
    report = await reports.get(await context.services.db(), report_id) if report_id else None
    if report is None and not quiet:
        await say(update, context.t("mod.not_found"))
    return report


def afterwards(update: Update, context: BotContext, work: Coroutine[Any, Any, None]) -> None:
    """What a change causes beyond its answer, run once the moderator is answered and beside the
    chat's next update rather than before it. Its failures reach the error handler as the
    update's would, and a stop waits for it."""
    context.application.create_task(work, update=update, name="moderation:afterwards")


async def redrawn(context: BotContext, report_id: int, notice: int | None = None, redraw: bool = True) -> None:
    """The card drawn as the report is now (unless ``redraw`` is False), then the outbox's
    ``notice`` to the reporter attempted. Quick changes of one report are drawn once each at
    most, in order: a redraw that waits to start draws every change made before it starts (it
    reads the report then)."""
    if not redraw:
        if notice is not None:
            await deliveries.attempt(context, notice)
        return
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


async def run(update: Update, context: BotContext, report: Report, request: Request) -> Report | None:
    """Carry out a moderator's action through the rulebook; the moderator is answered first,
    then the card is redrawn and the reporter told. Returns the report as changed, or None when
    it was refused for the report's state; raises Retry when the words will not do."""
    t = context.t
    try:
        outcome = await rulebook.act(await context.services.db(), context.person, report, request, t,
                                     context.services.today())
    except Refused as refused:
        if refused.retry:
            raise Retry(t(refused.key, **refused.params)) from None
        await say(update, t(refused.key, **refused.params))
        return None
    updated = outcome.report
    target = rulebook.TARGET_OF.get(request.action, "")
    if outcome.kind == "replied":
        delivered = outcome.notice is not None and await deliveries.attempt(context, outcome.notice)
        await say(update, t("mod.replied" if delivered else "mod.reply_stored", reference=report.reference))
        return updated
    await say(update, t(DONE[outcome.kind], reference=updated.reference,
                        status=t(f"status.{target}") if target else ""))
    if outcome.redraw or outcome.notice is not None:
        afterwards(update, context, redrawn(context, updated.id, outcome.notice, outcome.redraw))
    return updated


# ---- commands -----------------------------------------------------------------------------

async def status_command(update: Update, context: BotContext) -> None:
    """/take, /verify, /reopen, /takeover REF · /reject REF reason · /resolve REF outcome · /dup
    REF ORIGINAL · /escalate REF target [number] [date] (again: on to the next body) ·
    /fixescalation REF target [number] [date] · /group REF confirm|split."""
    command = update.message.text.split()[0].lstrip("/").split("@")[0].lower()
    args = context.args or []
    report = await load_report(update, context, args[0]) if args else None
    if report is None:
        if not args:
            await say(update, context.t(f"mod.usage.{command}", targets=", ".join(ESCALATION_TARGETS)))
        return
    rest = " ".join(args[1:]).strip()
    if command in ("reject", "resolve", "dup") and not rest:
        await say(update, context.t(f"mod.usage.{command}"))
        return
    if command in ("escalate", "fixescalation"):
        target = args[1].lower() if len(args) > 1 else ""
        if target not in ESCALATION_TARGETS:
            await say(update, context.t(f"mod.usage.{command}", targets=", ".join(ESCALATION_TARGETS)))
            return
        action = "escalate" if command == "escalate" else "correct_escalation"
        request = Request(action=action, target=target, outside=" ".join(args[2:]))
    elif command == "dup":
        request = Request(action="duplicate", original=rest)
    elif command == "group":  # /group REF confirm · /group REF split: the witnesses of one event
        if rest.lower() not in ("confirm", "split"):
            await say(update, context.t("mod.usage.group"))
            return
        request = Request(action=f"group_{rest.lower()}")
    else:
        request = Request(action=command, words=rest)
    try:
        await run(update, context, report, request)
    except Retry as retry:
        await say(update, retry.message)


async def _report_and_text(update: Update, context: BotContext, command: str) -> tuple[Report, str] | None:
    """For /note and /reply: the report named first and the words after it, or a usage line."""
    args = context.args or []
    if len(args) < 2:
        await say(update, context.t(f"mod.usage.{command}"))
        return None
    report = await load_report(update, context, args[0])
    return (report, " ".join(args[1:])) if report is not None else None


async def note_command(update: Update, context: BotContext) -> None:
    """/note REF text: an internal note, seen by moderators only."""
    await _words_command(update, context, "note")


async def reply_command(update: Update, context: BotContext) -> None:
    """/reply REF text: a public answer, delivered to the reporter in a frame in their language;
    refused for an anonymous report (nobody to write to: the reporter chose so)."""
    await _words_command(update, context, "reply")


async def _words_command(update: Update, context: BotContext, command: str) -> None:
    found = await _report_and_text(update, context, command)
    if found is None:
        return
    report, text = found
    try:
        await run(update, context, report, Request(action=command, words=text))
    except Retry as retry:
        await say(update, retry.message)


STATUS_COMMANDS = ["take", "verify", "reopen", "takeover", "reject", "resolve", "dup", "escalate", "fixescalation", "group"]


def handlers() -> list[BaseHandler]:
    return fence("staff", [
        CommandHandler(STATUS_COMMANDS, status_command),
        CommandHandler("note", note_command),
        CommandHandler("reply", reply_command),
    ])
