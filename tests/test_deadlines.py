"""End to end: legal deadlines are watched from the incident on, per kind of violation and per
addressee: the appeal window of a commission's action (not of vote buying), the answer window of
a prosecutor or a court from the typed filing date, a new window after a commission's answer;
every step's window kept; reminders come two days before, on the day and once missed, each once
and in order, one message per day for all its reports; overdue reports are flagged in /queue,
the digest and their cards; an escalation can be corrected and continued, each step audited,
and the court's draft lists the filings before it."""

from __future__ import annotations

import hashlib
import json
from datetime import date, timedelta

import pytest

from services.complaint import long_date
from services.i18n import Translator
from domain import clock
from domain.rules import CATEGORIES
from handlers import jobs
from handlers.context import BotContext
from tests.fake_telegram import FakeUser
from tests.harness import make_settings, running_bot
from tests.report_helpers import L, db_rows, db_write, docx_text, finish_and_send, up_to_evidence

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


async def incident(data_dir, reference: str, days_ago: int, settings, status: str = "verified",
                   subcategory: str = "issuance") -> date:
    """Move the incident back; by default it is a commission member's act (ballots issued so
    that people vote for others), which the 10-day appeal window of art. 20 cl. 9 is for."""
    occurred = today(settings) - timedelta(days=days_ago)
    group = CATEGORIES[subcategory]
    await db_write(data_dir, f"UPDATE reports SET status = '{status}', occurred_at = '{occurred.isoformat()}T10:00',"
                             f" category = '{group}', subcategory = '{subcategory}' WHERE reference = '{reference}'")
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
    appeal = ru("mod.window.appeal", date=day(today(settings) - timedelta(days=2)),
                state=ru("mod.deadline_state.missed"))
    assert appeal in shown[0]["text"].split("\n")
    assert fake.refused == []


async def escalate(group: FakeUser, fake, card_id: int, target: str, words: str) -> None:
    await group.press(ru("mod.action.escalate"), message=fake.messages[(GROUP["id"], card_id)])
    (targets,) = await group.replies(1)
    ask, chosen = await group.tap(ru(f"mod.target.{target}"), n=2, message=targets.message)
    await group.reply(ask.message, words, n=3)


async def test_vote_buying_has_no_appeal_window(app, fake, settings, user_factory, group, data_dir):
    """The 10-day window of art. 20 cl. 9 is for a commission's decision or action: a campaign's
    vote buying is not appealed, and is never reminded of as if it were."""
    buying, issuance = await reports(user_factory, group, 2)
    await incident(data_dir, buying, 9, settings, subcategory="vote_buying")
    await incident(data_dir, issuance, 9, settings)
    await jobs.deadlines(BotContext(app))
    (soon,) = await group.replies(1)
    assert soon.message["text"].split("\n")[-1] == issuance
    shown = [e.message["text"] for e in await group.say(f"/view {buying}", n=2)]
    assert ru("mod.window.appeal", date=day(today(settings) + timedelta(days=1)),
              state=ru("mod.deadline_state.soon")) not in shown[0]
    assert "⏳" not in shown[0]
    assert fake.refused == []


async def test_a_complaint_on_voting_day_is_due_at_once(fake, settings, data_dir, user_factory, group):
    """Art. 49: filed with a prosecutor on voting day (ELECTION_DAY), the answer is due that day."""
    settings = settings.model_copy(update={"election_day": today(settings)})
    async with running_bot(settings) as app:
        (reference,) = await reports(user_factory, group, 1)
        await incident(data_dir, reference, 0, settings, subcategory="stuffing")
        await group.say(f"/escalate {reference} prosecutor 7 {today(settings):%d.%m.%Y}", n=2)
        card = (await group.say(f"/view {reference}", n=2))[0].message["text"].split("\n")
        at_once = ru("mod.window.answer_at_once", target=ru("mod.target.prosecutor"), step=1,
                     date=day(today(settings)), state=ru("mod.deadline_state.today"))
        assert at_once in card
        await jobs.deadlines(BotContext(app))
        (today_reminder,) = await group.replies(1)
        assert today_reminder.message["text"].split("\n") == [
            ru("mod.deadline.answer.today", date=day(today(settings)), count=1), reference]
    assert fake.refused == []


def window(kind: str, when: date, state: str, **params) -> str:
    return ru(f"mod.window.{kind}", date=day(when), state=ru(f"mod.deadline_state.{state}"), **params)


async def test_a_chain_of_filings_keeps_every_window_and_the_court_draft_lists_the_earlier_ones(
        app, fake, settings, user_factory, group, data_dir):
    reporter = user_factory("ru")
    await up_to_evidence(reporter, "ru", "Член комиссии вбросил пачку бюллетеней в урну.")
    reference = await finish_and_send(reporter, "ru", evidence=False, contact=True)
    (card,) = await group.replies(1)
    card_id = card.message["message_id"]
    occurred = await incident(data_dir, reference, 9, settings, status="new", subcategory="stuffing")
    for command in ("take", "verify"):
        await group.say(f"/{command} {reference}", n=2)  # the moderator told, the card edited
    await reporter.replies(2)
    t0 = today(settings)
    to_commission = t0 - timedelta(days=8)
    await escalate(group, fake, card_id, "commission", f"№ 15 от {to_commission:%d.%m.%Y}")
    (told,) = await reporter.replies(1)
    assert ru("status.escalated_to.commission") in told.message["text"]
    card = fake.messages[(GROUP["id"], card_id)]["text"].split("\n")
    # Filed with the commission in time: the appeal window is met; a commission has no art. 49 window.
    assert window("appeal", occurred + timedelta(days=10), "filed") in card
    assert not any(ru("mod.target.commission") in line for line in card if line.startswith("⏳"))

    # The number was mistyped: corrected from the card, the step's body kept.
    await group.press(ru("mod.action.correct"), message=fake.messages[(GROUP["id"], card_id)])
    (targets,) = await group.replies(1)
    ask, chosen = await group.tap(ru("mod.target.commission"), n=2, message=targets.message)
    done, _, _ = await group.reply(ask.message, f"12-3/45 {to_commission:%d.%m.%Y}", n=3)  # answered first
    assert done.message["text"] == ru("mod.escalation_corrected", reference=reference)
    # The commission refused: a new 10-day window to go on to a court or a higher commission.
    refused = t0 - timedelta(days=6)
    recorded, _card_edited = await group.say(f"/answered {reference} 1 refused {refused:%d.%m.%Y}", n=2)
    assert ru("mod.target.commission") in recorded.message["text"]
    # The refusal's scan, kept with its hash as evidence of that step.
    scan = b"%PDF-1.4\n" + "Отказ в рассмотрении жалобы".encode() + b"\n%%EOF\n"
    sent = group.file(scan, "pdf", None, "otkaz.pdf")
    document = {"file_id": sent.file_id, "file_unique_id": sent.file_unique_id, "file_name": "otkaz.pdf",
                "mime_type": "application/pdf", "file_size": len(scan)}
    command = f"/filingfile {reference} 1 answer"
    await group.send(text=command, entities=[{"type": "bot_command", "offset": 0, "length": len("/filingfile")}],
                     reply_to_message={"message_id": 1, "date": 0, "chat": GROUP, "document": document})
    (kept,) = await group.replies(1)
    assert kept.message["text"] == ru("mod.filing_file_saved", reference=reference, step=1,
                                      which=ru("mod.filing_file.answer"), sha256=hashlib.sha256(scan).hexdigest())
    (answer_file,) = db_rows(data_dir, "SELECT answer_evidence FROM escalations ORDER BY id LIMIT 1")
    assert answer_file[0] is not None
    # On to the prosecutor (answer due in 5 days, art. 49), then a court.
    to_prosecutor = t0 - timedelta(days=3)
    await escalate(group, fake, card_id, "prosecutor", f"2-145 {to_prosecutor:%d.%m.%Y}")
    await jobs.deadlines(BotContext(app))
    # Two windows close soon: the court's way of the first ten days (only the commission has it
    # yet, "and (or) a court"), then the prosecutor's answer; the nearer day first.
    court_way, answer = await group.replies(2)
    assert court_way.message["text"].split("\n") == [
        ru("mod.deadline.appeal_court.soon", date=day(occurred + timedelta(days=10)), count=1), reference]
    assert answer.message["text"].split("\n") == [
        ru("mod.deadline.answer.soon", date=day(to_prosecutor + timedelta(days=5)), count=1), reference]
    await escalate(group, fake, card_id, "court", "-")
    told = [e.message["text"] for e in await reporter.replies(2)]
    assert [ru("status.escalated_to.prosecutor") in told[0], ru("status.escalated_to.court") in told[1]] == [True, True]
    steps = db_rows(data_dir, "SELECT target, external_ref, external_date, answer_kind FROM escalations ORDER BY id")
    assert [tuple(step) for step in steps] == [("commission", "12-3/45", to_commission.isoformat(), "refused"),
                                               ("prosecutor", "2-145", to_prosecutor.isoformat(), None),
                                               ("court", None, None, None)]
    # Every window kept: the commission's appeal (met), its answer's appeal (running: the court's
    # date is not typed yet), the prosecutor's answer, the court's answer (counted from today).
    card = fake.messages[(GROUP["id"], card_id)]["text"].split("\n")
    assert window("appeal", occurred + timedelta(days=10), "filed") in card
    assert window("appeal_decision", refused + timedelta(days=10), "running", step=1) in card
    assert window("answer", to_prosecutor + timedelta(days=5), "soon", target=ru("mod.target.prosecutor"),
                  step=2) in card
    assert window("answer_estimated", t0 + timedelta(days=5), "running", target=ru("mod.target.court"),
                  step=3) in card
    # The court's date typed: the commission's answer was appealed in time.
    await group.say(f"/fixescalation {reference} court 3-9 {t0:%d.%m.%Y}", n=2)
    card = fake.messages[(GROUP["id"], card_id)]["text"].split("\n")
    assert window("appeal_decision", refused + timedelta(days=10), "filed", step=1) in card
    assert window("answer", t0 + timedelta(days=5), "running", target=ru("mod.target.court"), step=3) in card

    # The history names the bodies.
    audit = db_rows(data_dir, "SELECT action, to_status, note FROM audit_log WHERE report_id = 1 ORDER BY id")
    assert ("escalation_corrected", None) in [(a["action"], a["to_status"]) for a in audit]
    assert [a["note"].split(" ")[0] for a in audit if a["action"] == "escalation_step"] == [
        "commission", "prosecutor", "court"]
    _card, view, _scan = await group.say(f"/view {reference}", n=3)  # the card, its history, then the evidence (the answer's scan)
    assert ru("mod.history.step", body=ru("mod.target.prosecutor"), ref="2-145", date=day(to_prosecutor)) \
        in view.message["text"]
    assert "📎" in view.message["text"] and hashlib.sha256(scan).hexdigest() in view.message["text"]

    # The court's draft, a Word document, lists the two earlier filings with their answers.
    (sent,) = await group.say(f"/complaint {reference} ru", n=1)
    assert sent.message["document"]["file_name"].endswith(".docx")
    text = docx_text(fake.files[sent.message["document"]["file_id"]].data)
    assert L("ru", "complaint.previous.item", number=1, body=L("ru", "complaint.body.commission"), ref="12-3/45",
             date=long_ru(to_commission),
             answer=L("ru", "complaint.previous.answer_refused", date=long_ru(refused))) in text
    assert L("ru", "complaint.previous.item", number=2, body=L("ru", "complaint.body.prosecutor"), ref="2-145",
             date=long_ru(to_prosecutor), answer=L("ru", "complaint.previous.answer_none")) in text
    assert hashlib.sha256(scan).hexdigest() in text  # the refusal's scan among the evidence, with its hash
    # The export holds every step, not only the latest, and the windows still running.
    (exported,) = await group.say("/export json", n=1)
    (row,) = json.loads(fake.files[exported.message["document"]["file_id"]].data)["reports"]
    assert [(s["body"], s["external_ref"], s["answer"]) for s in row["escalation_steps"]] == [
        ("commission", "12-3/45", "refused"), ("prosecutor", "2-145", None), ("court", "3-9", None)]
    assert {(w["kind"], w["body"]) for w in row["running_deadlines"]} == {("answer", "prosecutor"), ("answer", "court")}
    assert row["assignee"] and row["first_action_at_local"].endswith("+05:00")
    # Resolved, the draft is still there for the lawyer.
    await group.say(f"/resolve {reference} Суд принял жалобу к рассмотрению", n=2)
    (again,) = await group.say(f"/complaint {reference} ru", n=1)
    assert again.message["document"]["file_name"].endswith(".docx")
    assert fake.refused == []


def long_ru(value: date) -> str:
    return long_date(Translator("ru", tz=None), value)

