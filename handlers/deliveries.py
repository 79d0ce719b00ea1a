"""Delivering the outbox: each item is claimed, sent, and marked sent; a failure that may pass
(Telegram's 5xx, a time-out, a lost connection, a 429) is tried again later with a growing pause;
one that will not (the bot blocked, the reporter gone) is given up and logged in one line."""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram import CallbackQuery
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

from bot.services import feedback
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
    report = await reports.get(db, item.report_id)
    try:
        if report is None:
            raise feedback.Unreachable("the report is gone")
        if item.kind in feedback.REPORTER_KINDS:
            await feedback.tell(context.bot, context.services, report, item.kind, item.body, query)
        elif item.kind == "card":
            await mod_cards.post_card(context, report)
        elif item.kind == "answer":
            await mod_cards.post_answer(context, report, item.body["text"])
        else:
            async def progress(done: int) -> None:
                await outbox.update_body(db, item.id, done=done)
            await mod_cards.post_evidence_under_card(context, report, item.body.get("done", 0), progress)
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
    return True


async def deliver_due(context: BotContext) -> None:
    """What is due, one item at a time and chosen afresh each time: what reporters wait for
    first, then cards, then evidence, so a card that came in while a backlog of photos waits for
    the group's limit goes before them."""
    db = await context.services.db()
    for _ in range(BATCH):
        if not context.application.running:
            return  # stopping: what is left waits in the outbox for the next start, not the stop
        # An attempt always moves its item's due time on, so the next look finds another one.
        ids = await outbox.due(db, 1)
        if not ids:
            return
        await attempt(context, ids[0])



async def confirm_now(context: BotContext, query: CallbackQuery | None = None) -> bool:
    """The person's confirmation that has not reached them (its first sending failed), sent now
    because they asked again (Send once more, /report): True when it reached them."""
    db = await context.services.db()
    item_id = await outbox.pending_confirmation(db, context.person.id)
    return item_id is not None and await attempt(context, item_id, query=query, now_or_later=True)


def soon(context: BotContext) -> None:
    """Deliver what is due now, without making the person who caused it wait."""
    context.job_queue.run_once(deliver_due, 0, name="outbox:now")
