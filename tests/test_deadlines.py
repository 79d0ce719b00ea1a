"""End to end: legal deadlines are watched from the incident on, not only after escalation: the
appeal window of every open report, the answer window from the typed filing date; reminders come
two days before, on the day and once missed, each once and in order, one message per day for
all its reports; overdue reports are flagged in /queue, the digest and their cards; an
escalation can be corrected and continued, each step audited."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.services.i18n import Translator
from domain import clock
from handlers import jobs
from handlers.context import BotContext
from tests.fake_telegram import FakeUser
from tests.harness import make_settings, running_bot
from tests.report_helpers import L, db_rows, db_write, finish_and_send, up_to_evidence

ADMIN = 1001
GROUP = {"id": -100782, "type": "supergroup", "title": "Moderators"}


@pytest.fixture
def settings(fake, data_dir):
    fake.add_chat(GROUP)
    return make_settings(fake, data_dir, admin_ids=str(ADMIN), moderator_chat_id=GROUP["id"])


@pytest.fixture
def group(fake):
    return FakeUser(fake, ADMIN, language_code="ru", first_name="Нурлан", chat=GROUP)


def ru(key: str, **params) -> str:
    return L("ru", key, **params)


def today(settings) -> date:
    return clock.local_now(settings.tz).date()


def day(value: date) -> str:
    return Translator("ru", tz=None).date(value)


async def reports(user_factory, group: FakeUser, n: int) -> list[str]:
    """``n`` reports from as many voters (one person's reports are limited per hour), each card
    in the chat with its message id recorded."""
    references = []
    for _ in range(n):
        reporter = user_factory("ru")
        await up_to_evidence(reporter, "ru", "Директор школы потребовал от учителей фото бюллетеня.")
        references.append(await finish_and_send(reporter, "ru", evidence=False, contact=True))
        (card,) = await group.replies(1)
        await group.say("/help")  # in order after the card: its message id is stored by now
    return references


def reminders(fake) -> list[str]:
    texts = [e.message.get("text", "") for e in fake.chat_events(GROUP["id"]) if e.kind == "message"]
    return [text for text in texts if text.startswith(("⏳", "🔴", "❌"))]


async def incident(data_dir, reference: str, days_ago: int, settings, status: str = "verified") -> date:
    occurred = today(settings) - timedelta(days=days_ago)
    await db_write(data_dir, f"UPDATE reports SET status = '{status}', occurred_at = '{occurred.isoformat()}T10:00'"
                             f" WHERE reference = '{reference}'")
    return occurred


async def test_a_verified_report_is_reminded_of_its_appeal_window_in_order_and_once(
        app, fake, settings, user_factory, group, data_dir):
    first, second, late = await reports(user_factory, group, 3)
    context = BotContext(app)
    for reference in (first, second):
        occurred = await incident(data_dir, reference, 8, settings)
    await incident(data_dir, late, 10, settings)  # first seen on its last day
    deadline = occurred + timedelta(days=10)
    await jobs.deadlines(context)
    last_day, soon = await group.replies(2)  # the nearer day first
    # One message per stage and day, listing all its reports; never escalated, still watched.
    assert soon.message["text"] == ru("mod.deadline.appeal.soon", date=day(deadline), count=2) + f"\n{first}, {second}"
    assert last_day.message["text"] == ru("mod.deadline.appeal.today", date=day(today(settings)), count=1) + f"\n{late}"
    await jobs.deadlines(context)  # nothing twice
    await group.say("/help")
    assert len(reminders(fake)) == 2

    # Days pass (the incident moves back): "today", then "missed", each once; "soon" never after them.
    await incident(data_dir, first, 10, settings)
    await jobs.deadlines(context)
    (on_the_day,) = await group.replies(1)
    assert on_the_day.message["text"].split("\n") == [
        ru("mod.deadline.appeal.today", date=day(today(settings)), count=1), first]
    await incident(data_dir, first, 11, settings)
    await incident(data_dir, late, 11, settings)
    await jobs.deadlines(context)
    (missed,) = await group.replies(1)
    assert missed.message["text"].split("\n") == [
        ru("mod.deadline.appeal.overdue", date=day(today(settings) - timedelta(days=1)), count=2), f"{first}, {late}"]
    await jobs.deadlines(context)
    await group.say("/help")
    assert sum(first in text for text in reminders(fake)) == 3  # soon, today, missed: no more
    assert fake.refused == []


async def test_overdue_reports_are_flagged_in_the_queue_the_digest_and_the_card(
        app, fake, settings, user_factory, group, data_dir):
    overdue, fresh = await reports(user_factory, group, 2)
    await incident(data_dir, overdue, 12, settings, status="in_review")
    await incident(data_dir, fresh, 1, settings, status="in_review")
    (queue,) = await group.say("/queue")
    lines = queue.message["text"].split("\n")
    assert [line.split(" ")[0] for line in lines[1:]] == [ru("mod.overdue_flag"), fresh]
    assert overdue in lines[1]
    await jobs.digest(BotContext(app))
    (digest,) = await group.replies(1)
    assert digest.message["text"].split("\n")[-1] == ru("mod.digest_overdue", count=1, references=overdue)
    shown = [e.message for e in await group.say(f"/view {overdue}", n=1)]
    appeal = ru("mod.card.deadline.appeal", date=day(today(settings) - timedelta(days=2)),
                state=ru("mod.deadline_state.overdue"))
    assert appeal in shown[0]["text"].split("\n")
    assert fake.refused == []


async def escalate(group: FakeUser, fake, card_id: int, target: str, words: str) -> None:
    await group.press(ru("mod.action.escalate"), message=fake.messages[(GROUP["id"], card_id)])
    (targets,) = await group.replies(1)
    ask, chosen = await group.tap(ru(f"mod.target.{target}"), n=2, message=targets.message)
    await group.reply(ask.message, words, n=3)


async def test_the_answer_window_runs_from_the_typed_filing_date_and_escalation_goes_on(
        app, fake, settings, user_factory, group, data_dir):
    reporter = user_factory("ru")
    await up_to_evidence(reporter, "ru", "Директор школы потребовал от учителей фото бюллетеня.")
    reference = await finish_and_send(reporter, "ru", evidence=False, contact=True)
    (card,) = await group.replies(1)
    card_id = card.message["message_id"]
    await incident(data_dir, reference, 3, settings, status="new")
    for command in ("take", "verify"):
        await group.say(f"/{command} {reference}", n=2)  # the card edited, the moderator told
    await reporter.replies(2)
    filed = today(settings) - timedelta(days=4)
    await escalate(group, fake, card_id, "commission", f"№ 15 от {filed:%d.%m.%Y}")
    (told,) = await reporter.replies(1)
    assert ru("status.escalated_to.commission") in told.message["text"]
    card = fake.messages[(GROUP["id"], card_id)]["text"].split("\n")
    answer_day = filed + timedelta(days=5)
    assert ru("mod.card.deadline.answer", date=day(answer_day), state=ru("mod.deadline_state.soon")) in card
    await jobs.deadlines(BotContext(app))
    (reminder,) = await group.replies(1)
    assert reminder.message["text"].split("\n") == [ru("mod.deadline.answer.soon", date=day(answer_day), count=1),
                                                    reference]

    # The number was mistyped: corrected from the card, the step's body kept.
    await group.press(ru("mod.action.correct"), message=fake.messages[(GROUP["id"], card_id)])
    (targets,) = await group.replies(1)
    ask, chosen = await group.tap(ru("mod.target.commission"), n=2, message=targets.message)
    done, _, _ = await group.reply(ask.message, f"15/2-7 {filed:%d.%m.%Y}", n=3)
    assert done.message["text"] == ru("mod.escalation_corrected", reference=reference)
    # The commission did not answer: on to the prosecutor, then a court.
    await escalate(group, fake, card_id, "prosecutor", f"2-44 {today(settings):%d.%m.%Y}")
    await escalate(group, fake, card_id, "court", "-")
    told = [e.message["text"] for e in await reporter.replies(2)]
    assert [ru("status.escalated_to.prosecutor") in told[0], ru("status.escalated_to.court") in told[1]] == [True, True]
    steps = db_rows(data_dir, "SELECT target, external_ref, external_date FROM escalations ORDER BY id")
    assert [tuple(step) for step in steps] == [("commission", "15/2-7", filed.isoformat()),
                                               ("prosecutor", "2-44", today(settings).isoformat()),
                                               ("court", None, None)]
    card = fake.messages[(GROUP["id"], card_id)]["text"]
    assert card.count(ru("mod.target.commission")) == 1 and ru("mod.target.court") in card
    # The court's date is not known yet: its window counts from the escalation, and says so.
    assert ru("mod.card.deadline.answer_estimated", date=day(today(settings) + timedelta(days=5)),
              state=ru("mod.deadline_state.running")) in card.split("\n")
    audit = db_rows(data_dir, "SELECT action, from_status, to_status, note FROM audit_log WHERE report_id = 1 ORDER BY id")
    assert [(a["action"], a["to_status"]) for a in audit][-4:] == [
        ("status", "escalated"), ("escalation_corrected", None), ("status", "escalated"), ("status", "escalated")]
    assert audit[-3]["note"] == f"commission 15 {filed.isoformat()} → commission 15/2-7 {filed.isoformat()}"
    assert fake.refused == []
