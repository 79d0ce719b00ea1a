"""Delivering the outbox: each item is claimed, sent, and marked sent; a failure that may pass
(Telegram's 5xx, a time-out, a lost connection, a 429) is tried again later with a growing pause;
one that will not (the bot blocked, the reporter gone) is given up and logged in one line.

All of it is sent in the background (bot.services.pacing): in the moderators' chat, answers to
moderators go first and the outbox gets the rest of the group's window. A card that would reach
that chat only after more than a window (a minute: 15 messages at the outbox's share of 20 a
minute), behind what waits there already, gives way, with every card after it, to one summary
message a window ("12 new, 2 urgent") that points to the dashboard and /queue, where those
reports are. A summarised report never gets its card later, not even once the chat is quiet
again (posting them then would flood it again); cards resume for the reports that come in once
what waits is short again.

An urgent report's alert (outbox.FOREGROUND) is the exception: it is never summarised and never
sent in the background, so it takes the group's reserve as an answer to a moderator does and
overtakes every card and file waiting for the group's limit."""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram import CallbackQuery
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

from bot.services import feedback, pacing, receipts
from handlers import mod_cards
from handlers.context import BotContext
from storage import outbox, reports

log = logging.getLogger(__name__)

BATCH = 50
MAX_PAUSE = timedelta(minutes=5)


def pause(attempts: int) -> timedelta:
    """2, 4, 8 … seconds after each failed attempt, at most five minutes."""
    return min(timedelta(seconds=2 ** max(attempts, 1)), MAX_PAUSE)


async def attempt(context: BotContext, item_id: int, query: CallbackQuery | None = None,
                  now_or_later: bool = False) -> bool:
    """One attempt at one item (none if another runner has it); True when it was delivered.
    A ``query`` (the press of Send) lets the confirmation take the place of the review screen."""
    db = await context.services.db()
    item = await outbox.claim(db, item_id, now_or_later=now_or_later)
    if item is None:
        return False
    if item.kind in outbox.FOREGROUND:
        delivered = await _attempt(context, item, query)  # ahead of the background, in the reserve
        if not delivered:
            _retry_alert(context, item)
        return delivered
    with pacing.background():
        return await _attempt(context, item, query)


async def _attempt(context: BotContext, item: outbox.Item, query: CallbackQuery | None) -> bool:
    db = await context.services.db()
    report = await reports.get(db, item.report_id)
    try:
        if report is None:
            raise feedback.Unreachable("the report is gone")
        if item.kind == "alert":
            async def noted() -> None:
                await outbox.update_body(db, item.id, noted=True)
            await mod_cards.post_alert(context, report, item.body, noted)
        elif item.kind == "summary":
            await mod_cards.post_summary(context, item.body.get("reports", []))
        elif item.kind in feedback.REPORTER_KINDS:
            await feedback.tell(context.bot, context.services, report, item.kind, item.body, query)
        elif item.kind == "card":
            await mod_cards.post_card(context, report)
        elif item.kind == "answer":
            await mod_cards.post_answer(context, report, item.body["text"])
        else:
            async def progress(done: int) -> None:
                await outbox.update_body(db, item.id, done=done)
            only = set(item.body["only"]) if "only" in item.body else None
            await mod_cards.post_evidence_under_card(context, report, item.body.get("done", 0), progress, only)
    except (Forbidden, feedback.Unreachable) as exc:
        log.info("outbox %s of report %s given up: %s", item.kind, item.report_id, type(exc).__name__)
        await outbox.give_up(db, item.id, f"{type(exc).__name__}: {exc}")
        return False
    except BadRequest as exc:
        log.warning("outbox %s of report %s refused by Telegram: %s", item.kind, item.report_id, exc)
        await outbox.give_up(db, item.id, f"BadRequest: {exc}")
        return False
    except RetryAfter as exc:
        wait = exc.retry_after  # seconds, or a timedelta in later versions of python-telegram-bot
        await outbox.retry_after(db, item.id, wait if isinstance(wait, timedelta) else timedelta(seconds=wait))
        return False
    except (NetworkError, mod_cards.CardNotPosted) as exc:
        log.warning("outbox %s of report %s not delivered yet (%s)", item.kind, item.report_id,
                    type(exc).__name__)
        await outbox.retry_after(db, item.id, pause(item.attempts))
        return False
    await outbox.sent(db, item.id)
    if item.kind in ("confirmation", "lost"):
        context.services.soon_scrub()  # its chat (and a confirmation's code) were in the row until now
    return True


def _retry_alert(context: BotContext, item: outbox.Item) -> None:
    """An alert that failed is tried again after its pause by a job of its own: the outbox's
    runner may be waiting on a card for the group's limit and reach it only a minute later. (One
    given up is not claimed again, so the job then does nothing.)"""
    async def again(job_context: BotContext) -> None:
        await attempt(job_context, item.id)
    context.job_queue.run_once(again, pause(item.attempts).total_seconds() + 0.05, name=f"alert:{item.id}")


async def deliver_due(context: BotContext) -> None:
    """What is due, one item at a time and chosen afresh each time: what reporters wait for
    first, then cards, then evidence, so a card that came in while a backlog of photos waits for
    the group's limit goes before them."""
    db = await context.services.db()
    for _ in range(BATCH):
        if not context.application.running:
            return  # stopping: what is left waits in the outbox for the next start, not the stop
        await give_way(context)
        # An attempt always moves its item's due time on, so the next look finds another one.
        ids = await outbox.due(db, 1)
        if not ids:
            return
        await attempt(context, ids[0])


async def give_way(context: BotContext) -> list[int]:
    """Cards that would not reach the moderators' chat within a window at the outbox's share of
    it give way to the summary (see the module's docstring): oldest first, a card is posted when
    what goes before it (what is already due there, and the cards kept before it with their
    evidence) leaves it room in the window; from the first that has none, it and every later one
    are summarised (a lone card only joins a summary already waiting: alone, a summary would
    take its card's place and save nothing). Returns the reports summarised. Without pacing
    (benchmarks, most tests) there is no rate to plan by, and with GROUP_SUMMARIES=false no wish
    to: every card goes."""
    settings = context.services.settings
    budget = getattr(context.bot.rate_limiter, "group_budget", lambda: None)()
    if budget is None or settings.moderator_chat_id is None or not settings.group_summaries:
        return []
    room, period = budget
    db = await context.services.db()
    ahead, cards, joinable = await outbox.group_backlog(db)
    room -= 0 if joinable else 1  # a new summary takes a place too
    for kept, (_, messages) in enumerate(cards):
        if ahead + 1 > room and (joinable or len(cards) - kept > 1):
            items = [item for item, _ in cards[kept:]]
            summarised = await outbox.summarise(db, items, timedelta(seconds=period), join_only=len(items) == 1)
            if summarised:
                log.info("%d cards gave way to a summary (%d messages waited for the moderators' chat)",
                         len(summarised), ahead + sum(messages for _, messages in cards[kept:]))
            return summarised
        ahead += messages
    return []


async def confirm_now(context: BotContext, query: CallbackQuery | None = None) -> bool:
    """The person's confirmation that has not reached them (its first sending failed), sent now
    because they asked again (Send once more, /report): True when it reached them."""
    if context.private_chat is None:
        return False
    db = await context.services.db()
    item_id = await outbox.pending_confirmation(db, receipts.chat_tag(context.services.keys, context.private_chat))
    return item_id is not None and await attempt(context, item_id, query=query, now_or_later=True)


def soon(context: BotContext) -> None:
    """Deliver what is due now, without making the person who caused it wait (a run about to
    start will find it: a burst of reports starts a few runs, not one each)."""
    if not context.job_queue.get_jobs_by_name("outbox:now"):
        context.job_queue.run_once(deliver_due, 0, name="outbox:now")
