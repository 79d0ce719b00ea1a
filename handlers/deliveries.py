"""Delivering the outbox: each item is claimed, sent, and marked sent; a failure that may pass
(Telegram's 5xx, a time-out, a lost connection, a 429) is tried again later with a growing pause;
one that will not (the bot blocked, the reporter gone) is given up and logged in one line.

All of it is sent in the background (services.pacing): in the moderators' chat, answers to
moderators go first and the outbox gets the rest of the group's window. A card that would reach
that chat more than a window from now (a minute; the outbox's share is 15 of 20 messages a
minute), reckoned from what the window holds already and what waits before it, gives way, with
every card after it, to one summary message a window ("12 new, 2 urgent") that points to the
dashboard and /queue, where those reports are: whether the cards came in a burst or one by one
in a steady stream. A summarised report never gets its card later, not even once the chat is
quiet again (posting them then would flood it again); cards resume for the reports that come in
once what waits is short again.

Nothing goes to that chat twice. Each message is marked on its way (outbox.depart) only once the
group's window lets it go, just before the call, and the mark is lifted when its result is
recorded (a card's message id, an album's place in its evidence); a runner whose lease ran out
while it waited finds the item in other hands and leaves it, and a card summarised while it
waited is withdrawn. A mark found with nobody on it (a kill or a time-out between the call and
its record: Telegram may have the message) is never sent blindly again (``_unknown``).

An urgent report's alert (outbox.FOREGROUND) is the exception: it is never summarised and never
sent in the background, so it takes the group's reserve as an answer to a moderator does and
overtakes every card and file waiting for the group's limit. Its private copies to the
moderators on duty (kind ``duty``, handlers.duty) go at once beside it."""

from __future__ import annotations

import logging
from contextlib import contextmanager
from datetime import timedelta
from typing import Callable, Iterator

from telegram import CallbackQuery
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from services import feedback, pacing, receipts
from handlers import duty, mod_cards
from handlers.context import BotContext
from storage import outbox, reports

log = logging.getLogger(__name__)

BATCH = 50
MAX_PAUSE = timedelta(minutes=5)
WINDOW = timedelta(minutes=1)  # a summary's pace when the bot does not pace itself (no window known)
# Items a runner of this process is attempting now: a second runner that claims one (its lease
# ran out while it waited for the group's window) leaves it to the first.
_ON_ITS_WAY: set[int] = set()


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


def _marked(item: outbox.Item) -> bool:
    """Whether the item's messages are marked on their way to Telegram (outbox.depart): all
    that goes to the moderators' chat, but for an urgent report's notes, which keep their own."""
    return item.kind in ("card", "summary", "answer", "evidence") or (
        item.kind == "alert" and item.body.get("added") is None)


async def _attempt(context: BotContext, item: outbox.Item, query: CallbackQuery | None) -> bool:
    if not _marked(item):
        return await _deliver(context, item, query)
    if item.id in _ON_ITS_WAY:
        return False  # another runner here has it (its lease ran out while it waited): it goes once
    _ON_ITS_WAY.add(item.id)
    try:
        if item.body.get("sending") is not None and item.kind != "evidence":
            return await _unknown(context, item)
        return await _deliver(context, item, query)
    finally:
        _ON_ITS_WAY.discard(item.id)


async def _unknown(context: BotContext, item: outbox.Item) -> bool:
    """An earlier attempt marked the message on its way and did not record what became of it (a
    kill, or a time-out, between the call and its record): Telegram may have it in the chat.
    It is not sent blindly again. A card whose message id was recorded is in the chat; one
    whose id was not is named in a summary instead (a second card for the same report is what
    moderators must never see); a summary or an answer counts as delivered or is given up. An
    urgent report's alert is the exception: it goes again, a doubled alert costs less than a
    missed one."""
    db = await context.services.db()
    report = await reports.get(db, item.report_id)
    if item.kind in ("card", "alert") and report is not None and report.moderator_message_id is not None:
        await outbox.sent(db, item.id)  # the card's id was recorded: it is there
        return True
    log.warning("outbox %s of report %s: an earlier attempt ended without its result; not sent again",
                item.kind, item.report_id)
    if item.kind == "alert":
        await outbox.landed(db, item.id)
        return await _deliver(context, item, None)
    if item.kind == "card":
        await outbox.summarise(db, [item.id], _window(context), unsure=True)
    elif item.kind == "summary":
        await outbox.sent(db, item.id)
    else:
        await outbox.give_up(db, item.id, "unknown: an attempt ended without its result")
    return False


def _window(context: BotContext) -> timedelta:
    budget = getattr(context.bot.rate_limiter, "group_budget", lambda: None)()
    return timedelta(seconds=budget[1]) if budget else WINDOW


async def _deliver(context: BotContext, item: outbox.Item, query: CallbackQuery | None) -> bool:
    db = await context.services.db()
    report = await reports.get(db, item.report_id)
    done = item.body.get("done", 0)
    if item.kind == "evidence" and item.body.get("sending") is not None:
        done = item.body["sending"]  # a message whose fate is unknown is skipped, never sent twice
        log.warning("outbox evidence of report %s: message %s ended without its result; not sent again",
                    item.report_id, done)
        await outbox.landed(db, item.id, done=done)

    def departing(step: int):
        """Marks ``step`` on its way as its first call goes (pacing.departing); the calls after
        it in the same step (an album refused and sent one by one) go on that mark."""
        marked = False

        async def hook() -> bool:
            nonlocal marked
            marked = marked or await outbox.depart(db, item.id, step)
            return marked
        return pacing.departing(hook) if _marked(item) else _nothing()

    try:
        if report is None:
            raise feedback.Unreachable("the report is gone")
        if item.kind == "alert":
            async def noted() -> None:
                await outbox.update_body(db, item.id, noted=True)
            with departing(1):
                await mod_cards.post_alert(context, report, item.body, noted)
        elif item.kind == "duty":
            await duty.alert_privately(context, report, item.body["to"])
        elif item.kind == "summary":
            with departing(1):
                await mod_cards.post_summary(context, item.body.get("reports", []))
        elif item.kind in feedback.REPORTER_KINDS:
            await feedback.tell(context.bot, context.services, report, item.kind, item.body, query)
        elif item.kind == "card":
            with departing(1):
                await mod_cards.post_card(context, report)
        elif item.kind == "answer":
            with departing(1):
                await mod_cards.post_answer(context, report, item.body["text"], item.body.get("evidence"))
        else:
            async def progress(number: int) -> None:
                await outbox.landed(db, item.id, done=number)  # the record after each message
            only = set(item.body["only"]) if "only" in item.body else None
            await mod_cards.post_evidence_under_card(context, report, done, progress, departing, only)
    except pacing.Withdrawn:
        return False  # summarised, or sent by another runner, while it waited for the window
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
        await outbox.landed(db, item.id)  # refused: surely not in the chat
        await outbox.retry_after(db, item.id, wait if isinstance(wait, timedelta) else timedelta(seconds=wait))
        return False
    except (NetworkError, mod_cards.CardNotPosted) as exc:
        log.warning("outbox %s of report %s not delivered yet (%s)", item.kind, item.report_id,
                    type(exc).__name__)
        if not isinstance(exc, TimedOut):
            await outbox.landed(db, item.id)  # no answer came because no call got through
        await outbox.retry_after(db, item.id, pause(item.attempts))
        return False
    await outbox.sent(db, item.id)
    if item.kind in ("confirmation", "lost"):
        context.services.soon_scrub()  # its chat (and a confirmation's code) were in the row until now
    return True


@contextmanager
def _nothing() -> Iterator[None]:
    yield


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
    """Cards that would wait longer than a window (Telegram's minute) for the moderators' chat
    give way to the summary (see the module's docstring), whatever way they came (a burst, or a
    steady stream one by one): oldest first, each card's turn is reckoned from what the group's
    window holds now and what goes before it (what is already due there, and the cards kept
    before it with their evidence); from the first that would wait longer, it and every later
    one are summarised. Returns the reports summarised. Without pacing (benchmarks, most tests)
    there is no window to reckon with, and with GROUP_SUMMARIES=false no wish to: every card goes."""
    settings = context.services.settings
    limiter = context.bot.rate_limiter
    budget = getattr(limiter, "group_budget", lambda: None)()
    if budget is None or settings.moderator_chat_id is None or not settings.group_summaries:
        return []
    _, period = budget
    db = await context.services.db()
    ahead, cards, joinable = await outbox.group_backlog(db)

    def wait(position: int) -> float:
        return limiter.group_wait(settings.moderator_chat_id, position)
    cut = first_late(wait, ahead, [messages for _, messages in cards], period)
    if cut is not None and not joinable:  # a new summary goes before every card: one more ahead
        cut = first_late(wait, ahead + 1, [messages for _, messages in cards], period)
    if cut is None:
        return []
    summarised = await outbox.summarise(db, [item for item, _ in cards[cut:]], timedelta(seconds=period))
    if summarised:
        log.info("%d cards gave way to a summary (%d messages waited for the moderators' chat)",
                 len(summarised), ahead + sum(messages for _, messages in cards))
    return summarised


def first_late(wait: Callable[[int], float], ahead: int, cards: list[int], period: float) -> int | None:
    """The first card (by its index in ``cards``, each the number of messages it goes with) that
    would reach the chat more than ``period`` seconds from now, ``wait(n)`` being when the n-th
    message from now may go and ``ahead`` how many go before the first card; None if none would."""
    for index, messages in enumerate(cards):
        if wait(ahead + 1) > period:
            return index
        ahead += messages
    return None


async def confirm_now(context: BotContext, query: CallbackQuery | None = None) -> bool:
    """The person's confirmation that has not reached them (its first sending failed), sent now
    because they asked again (Send once more, /report): True when it reached them."""
    if context.private_chat is None:
        return False
    db = await context.services.db()
    item_id = await outbox.pending_confirmation(db, receipts.chat_tag(context.services.keys, context.private_chat))
    return item_id is not None and await attempt(context, item_id, query=query, now_or_later=True)


def soon(context: BotContext) -> None:
    """Deliver what is due now, without making the person who caused it wait: one run at a time
    (a run about to start will find it; one under way looks again before it ends).

    Runs that overlapped (a new one each time a Send came while the last was running, a hundred
    Sends a second in the benchmark) all chased the same item at the head of the outbox, and
    every chase but one was a write transaction that took nothing: about 19 a report, queued on
    the one database connection before the Sends' own (BENCHMARKS.md, issue #26)."""
    run = context.application.bot_data.setdefault(_NOW, _NowRun())
    if run.running:
        run.again = True
    elif not context.job_queue.get_jobs_by_name("outbox:now"):
        context.job_queue.run_once(_deliver_now, 0, name="outbox:now")


class _NowRun:
    """Whether the run ``soon`` started is under way, and whether it was asked for again since."""

    def __init__(self) -> None:
        self.running = False
        self.again = False


_NOW = "outbox.now"  # bot_data: the _NowRun of this process


async def _deliver_now(context: BotContext) -> None:
    run = context.application.bot_data.setdefault(_NOW, _NowRun())
    if run.running:  # (a run of the job queue's own, started before this one's flag was seen)
        run.again = True
        return
    run.running = True
    try:
        while True:
            run.again = False
            await deliver_due(context)
            if not run.again or not context.application.running:
                return
    finally:
        run.running = False
