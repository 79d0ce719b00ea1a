"""The domain rules pinned to the spec written here, not to domain/rules.py: the status
transitions, the open statuses, the order of typed dates, and the re-armed draft reminder."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from services.i18n import Translator
from services.when import parse_date
from domain import clock
from domain.rules import LANGUAGES, OPEN, STATUSES, TRANSITIONS
from handlers import jobs
from handlers.context import BotContext
from storage import drafts, evidence, moderation, people, reports
from storage.crypto import Keys
from storage.db import Database
from storage.models import Draft, EvidenceRecord, NewReport
from tests.fake_telegram import FakeUser
from tests.harness import make_settings
from tests.report_helpers import L, db_rows, finish_and_send, up_to_evidence

KEYS = Keys("unit-test-secret-key-0123456789abcdef")

# The spec: where a moderator may move a report from each status. Written out here so that a
# mistake in domain.rules.TRANSITIONS is caught rather than copied.
EXPECTED_TRANSITIONS: dict[str, set[str]] = {
    "new": {"in_review", "rejected", "duplicate"},
    "in_review": {"verified", "rejected", "duplicate"},
    "verified": {"escalated", "resolved", "in_review"},
    "escalated": {"resolved", "escalated"},  # escalated again: the prosecutor, then a court
    "rejected": {"in_review"},
    "duplicate": {"in_review"},
    "resolved": set(),
}
EXPECTED_STATUSES = set(EXPECTED_TRANSITIONS)
EXPECTED_OPEN = {"new", "in_review", "verified", "escalated"}  # statuses that still need someone
PAIRS = [(a, b) for a in sorted(EXPECTED_STATUSES) for b in sorted(EXPECTED_STATUSES)]


def new_report(key: str) -> NewReport:
    return NewReport(reporter_role="voter", category="pressure", subcategory="coercion_work",
                     region="astana", precinct="12", occurred_at=clock.utcnow(),
                     description="Директор велел всем сотрудникам голосовать и прислать фото бюллетеня.",
                     submission_key=key)


async def report_in(db: Database, status: str, key: str = "k") -> int:
    """A stored report forced into ``status``; returns its id."""
    person = await people.get_or_create(db, KEYS.pseudonym(1), "ru", None)
    report, _ = await reports.submit(db, person.id, new_report(key))
    await db.write("UPDATE reports SET status = ? WHERE id = ?", (status, report.id))
    return report.id


# ---- transitions ------------------------------------------------------------------------------

def test_the_domain_has_the_seven_statuses_and_the_transitions_of_the_spec():
    assert set(STATUSES) == EXPECTED_STATUSES and len(STATUSES) == 7
    assert STATUSES[0] == "new"  # a report is submitted as new
    assert {status: set(targets) for status, targets in TRANSITIONS.items()} == EXPECTED_TRANSITIONS


@pytest.mark.parametrize(("current", "target"), PAIRS)
async def test_change_status_follows_the_transition_matrix(db, current, target):
    """Allowed moves change the status and write one audit row; others are refused and change nothing."""
    report_id = await report_in(db, current)
    audit_before = (await db.fetchone("SELECT COUNT(*) FROM audit_log"))[0]
    if target in EXPECTED_TRANSITIONS[current]:
        updated, came_from, _ = await moderation.change_status(db, report_id, "moderator X", target)
        assert (updated.status, came_from) == (target, current)
        rows = await db.fetchall("SELECT actor, action, from_status, to_status FROM audit_log ORDER BY id")
        # One status row; an escalation also a row naming the body it went to (the history says where).
        steps = [row for row in rows[audit_before:] if row["action"] == "escalation_step"]
        assert len(steps) == (target == "escalated")
        rows = [row for row in rows if row["action"] != "escalation_step"]
        assert len(rows) == audit_before + 1
        assert tuple(rows[-1]) == ("moderator X", "status", current, target)
        assert (await reports.get(db, report_id)).status == target
    else:
        with pytest.raises(moderation.TransitionRefused) as refused:
            await moderation.change_status(db, report_id, "moderator X", target)
        assert refused.value.current == current
        stored = await reports.get(db, report_id)
        assert (stored.status, stored.status_changed_at, stored.status_note) == (current, None, None)
        assert (await db.fetchone("SELECT COUNT(*) FROM audit_log"))[0] == audit_before


# ---- the open statuses ------------------------------------------------------------------------

def test_open_statuses_are_those_of_the_spec():
    assert set(OPEN) == EXPECTED_OPEN and len(OPEN) == len(EXPECTED_OPEN)


async def test_the_queue_holds_exactly_the_open_reports(db):
    """One report in each status: the queue lists those in an open status, and no other."""
    ids = {status: await report_in(db, status, key=status) for status in sorted(EXPECTED_STATUSES)}
    listed, total = await moderation.queue(db, 0, 100)
    assert {report.status for report in listed} == EXPECTED_OPEN
    assert sorted(report.id for report in listed) == sorted(ids[s] for s in EXPECTED_OPEN)
    assert total == len(EXPECTED_OPEN)


# End to end: the bot with a moderators' group, as in tests/test_moderation.py.
ADMIN = 1001
GROUP = {"id": -100778, "type": "supergroup", "title": "Moderators"}


@pytest.fixture
def settings(fake, data_dir):
    fake.add_chat(GROUP)
    return make_settings(fake, data_dir, admin_ids=str(ADMIN), moderator_chat_id=GROUP["id"])


async def test_an_escalated_report_is_in_the_queue_and_the_digest(app, fake, user_factory, data_dir):
    """End to end: an escalated report still needs someone, so /queue lists it and the morning
    digest counts it among those waiting."""
    admin = FakeUser(fake, ADMIN, language_code="ru", first_name="Нурлан")
    group = FakeUser(fake, ADMIN, language_code="ru", first_name="Нурлан", chat=GROUP)
    reporter = user_factory("ru")
    await up_to_evidence(reporter, "ru", "Членов комиссии заставили подписать пустой протокол заранее.")
    reference = await finish_and_send(reporter, "ru", evidence=False)
    for step, status in ((f"/take {reference}", "in_review"), (f"/verify {reference}", "verified"),
                         (f"/escalate {reference} court 2-15/26", "escalated")):
        (done,) = await admin.say(step)
        assert done.message["text"] == L("ru", "mod.done", reference=reference, status=L("ru", f"status.{status}"))
    assert db_rows(data_dir, "SELECT status FROM reports")[0]["status"] == "escalated"

    (queue,) = await admin.say("/queue")
    lines = queue.message["text"].split("\n")
    assert lines[0] == L("ru", "mod.queue_title", count=Translator("ru").plural("mod.reports", 1), page=1)
    (item,) = [line for line in lines[1:] if reference in line]
    assert L("ru", "status.escalated") in item

    (card,) = await group.replies(1)  # the card, posted when the report came in
    # Its edits follow each answer (afterwards): the last one in before the digest is looked for.
    await fake.wait_for(lambda: L("ru", "status.escalated") in fake.messages[
        (card.message["chat"]["id"], card.message["message_id"])]["text"], 10)
    group.mark_seen()
    await jobs.digest(BotContext(app))
    (digest,) = await group.replies(1)
    text = digest.message["text"]
    assert text.split("\n")[0] == L("ru", "mod.digest_title", count=Translator("ru").plural("mod.reports", 1))
    assert L("ru", "mod.stats.line", label=L("ru", "status.escalated"), count=1) in text.split("\n")
    for status in ("new", "in_review", "verified"):
        assert L("ru", "mod.stats.line", label=L("ru", f"status.{status}"), count=0) in text.split("\n")
    for status in ("rejected", "duplicate", "resolved"):
        assert L("ru", f"status.{status}") not in text


# ---- dates as people type them ----------------------------------------------------------------

TODAY = date(2026, 12, 1)


def test_english_dates_are_month_first():
    assert parse_date("01/11/2026", "en", today=TODAY) == date(2026, 1, 11)
    assert parse_date("11/24/2026", "en", today=TODAY) == date(2026, 11, 24)


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_russian_and_kazakh_dates_are_day_first(lang):
    assert parse_date("01.11.2026", lang, today=TODAY) == date(2026, 11, 1)
    assert parse_date("24.11.2026", lang, today=TODAY) == date(2026, 11, 24)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_iso_dates_read_the_same_in_every_language(lang):
    assert parse_date("2026-11-01", lang, today=TODAY) == date(2026, 11, 1)


# ---- the 24-hour draft reminder ---------------------------------------------------------------

DAY = timedelta(hours=24)


async def reminded_at(db: Database, person_id: int) -> str | None:
    return (await db.fetchone("SELECT reminded_at FROM drafts WHERE person_id = ?", (person_id,)))["reminded_at"]


async def idle_for_two_days(db: Database, person_id: int) -> None:
    await db.write("UPDATE drafts SET updated_at = ? WHERE person_id = ?",
                   (clock.ago(timedelta(days=2)), person_id))


async def reminded_draft(db: Database) -> int:
    """A draft idle for two days that was reminded once; returns its person's id."""
    person = await people.get_or_create(db, KEYS.pseudonym(2), "kk", None)
    await drafts.save(db, person.id, Draft(key="d", step="region", reporter_role="voter"))
    await idle_for_two_days(db, person.id)
    assert await drafts.due_for_reminder(db, DAY) == [person.id]
    await drafts.mark_reminded(db, person.id)
    assert await reminded_at(db, person.id) is not None
    assert await drafts.due_for_reminder(db, DAY) == []
    return person.id


async def test_saving_a_changed_draft_arms_the_reminder_again(db):
    person_id = await reminded_draft(db)
    await drafts.save(db, person_id, Draft(key="d", step="precinct", reporter_role="voter", region="abai"))
    assert await reminded_at(db, person_id) is None
    await idle_for_two_days(db, person_id)
    assert await drafts.due_for_reminder(db, DAY) == [person_id]


async def test_evidence_added_to_a_draft_arms_the_reminder_again(db):
    person_id = await reminded_draft(db)
    record = EvidenceRecord(kind="photo", file_id="F1", file_unique_id="U1", sha256="ab" * 32,
                            size=10, received_at=clock.utcnow())
    await evidence.add_to_draft(db, person_id, record)
    assert await reminded_at(db, person_id) is None
    row = await db.fetchone("SELECT updated_at FROM drafts WHERE person_id = ?", (person_id,))
    assert row["updated_at"] == record.received_at  # the draft's idle clock moved too
    await idle_for_two_days(db, person_id)
    assert await drafts.due_for_reminder(db, DAY) == [person_id]
