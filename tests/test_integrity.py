"""Tamper-evident records (storage.integrity): a report, a file's row or an audit entry changed or
deleted behind the bot's back is named by its reference at start (one log line, the staff once)
and by ``python -m bot.verify``; an old database is sealed once; bot.rekey re-tags.

Changes made through the bot keep the records intact: every run of the bot in the tests ends
with that check (tests/harness.running_bot), so the moderation flow, /fix, an urgent report's
additions, /deletemydata and the rest are covered wherever they are tested."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest

from handlers import integrity as at_start
from storage import audit, evidence, integrity, moderation, reports
from storage.db import Database
from storage.models import EvidenceRecord, NewReport, Report
from tests.fake_telegram import FakeUser
from tests.harness import SECRET, bot_env, make_settings, run_module, running_bot
from tests.report_helpers import KEYS, L, db_rows, finish_and_send, jpeg, up_to_evidence

ADMIN = 1001
GROUP = {"id": -100778, "type": "supergroup", "title": "Moderators"}
NEW_SECRET = "rotated-secret-key-0123456789abcdef0123456789abcdef"


@pytest.fixture
def settings(fake, data_dir):
    fake.add_chat(GROUP)
    return make_settings(fake, data_dir, admin_ids=str(ADMIN), moderator_chat_id=GROUP["id"])


@pytest.fixture
def group(fake):
    return FakeUser(fake, ADMIN, language_code="ru", chat=GROUP)


def tamper(data_dir: Path, *statements: str) -> None:
    """What someone with the database file but not the key does, the bot stopped."""
    conn = sqlite3.connect(data_dir / "bot.sqlite3")
    try:
        with conn:
            for sql in statements:
                conn.execute(sql)
    finally:
        conn.close()


async def file_two_reports(user: FakeUser, group: FakeUser) -> tuple[str, str]:
    """KZ-000001 with two photos, taken by a moderator; KZ-000002 without files."""
    await up_to_evidence(user, "ru", "На участке раздавали деньги за голоса, видел сам.")
    for color in ((200, 10, 10), (10, 200, 10)):
        await user.photo(jpeg(color=color))
        await user.replies(1)
    first = await finish_and_send(user, "ru")
    card, *_ = await group.replies(3)
    await group.press(L("ru", "mod.action.take"), message=card.message)  # a status change, on the record
    await group.replies(1)  # the card, edited
    await up_to_evidence(user, "ru", "Наблюдателя не пустили на участок без объяснения причин.")
    second = await finish_and_send(user, "ru", evidence=False)
    await group.replies(1)
    return first, second


def record_lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "handlers.integrity" and r.levelno >= logging.WARNING]


async def test_an_edited_report_is_named_at_start_to_the_staff_once_and_by_the_command(
        fake, settings, data_dir, group, caplog):
    user = FakeUser(fake, 7300001, language_code="ru")
    async with running_bot(settings):
        first, second = await file_two_reports(user, group)
    assert (first, second) == ("KZ-000001", "KZ-000002")

    tamper(data_dir, "UPDATE reports SET description = 'Ничего не было.' WHERE id = 1")
    caplog.set_level(logging.INFO)
    async with running_bot(settings, records_intact=False):
        (told,) = await group.replies(1)
    (line,) = record_lines(caplog)
    assert "KZ-000001: edited" in line and "KZ-000002" not in line and "keeps running" in line
    text = told.message["text"]
    assert L("ru", "mod.records.edited", where=first) in text and second not in text
    assert text.startswith(L("ru", "mod.records.header", count=1))

    status, out, err = await run_module("bot.verify", bot_env(fake, data_dir))
    assert status == 1, err
    assert "KZ-000001: the report's own row was edited" in out and "KZ-000002" not in out

    caplog.clear()
    async with running_bot(settings, records_intact=False) as application:
        # Told once: the same findings again are logged, but no second message is planned
        # (checked at once after the check: a planned message would still be waiting).
        await at_start.check_at_start(application)
        assert not application.job_queue.get_jobs_by_name(at_start.JOB)
        await user.say("/start")  # and the bot works on
    assert all("KZ-000001: edited" in line for line in record_lines(caplog))
    header = L("ru", "mod.records.header", count=1)
    assert len([e for e in fake.chat_events(GROUP["id"]) if (e.message or {}).get("text", "").startswith(header)]) == 1
    assert fake.refused == []


async def test_deleted_rows_are_named_by_the_command(fake, settings, data_dir, group, tmp_path):
    user = FakeUser(fake, 7300002, language_code="ru")
    async with running_bot(settings):
        first, second = await file_two_reports(user, group)
    status, out, _ = await run_module("bot.verify", bot_env(fake, data_dir))
    assert status == 0 and "intact" in out, out

    pristine = (data_dir / "bot.sqlite3").read_bytes()
    tamper(data_dir, "DELETE FROM evidence WHERE id = (SELECT max(id) FROM evidence WHERE report_id = 1)")
    status, out, _ = await run_module("bot.verify", bot_env(fake, data_dir))
    assert status == 1 and "KZ-000001: a file's row was deleted" in out and second not in out, out

    # An audit entry in the middle (the moderator's Take), then the last one (the second report's).
    (data_dir / "bot.sqlite3").write_bytes(pristine)
    tamper(data_dir, "DROP TRIGGER audit_log_no_delete",
           "DELETE FROM audit_log WHERE action = 'status' AND report_id = 1")
    status, out, _ = await run_module("bot.verify", bot_env(fake, data_dir))
    assert status == 1 and "audit log: audit entries 2 were deleted" in out, out
    assert "KZ-000001: the report was put back to an earlier version" in out  # its latest state went with it

    (data_dir / "bot.sqlite3").write_bytes(pristine)
    tamper(data_dir, "DROP TRIGGER audit_log_no_delete", "DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)")
    status, out, _ = await run_module("bot.verify", bot_env(fake, data_dir))
    assert status == 1 and "audit log: audit entries 3 were deleted" in out and "KZ-000002" in out, out

    (data_dir / "bot.sqlite3").write_bytes(pristine)
    tamper(data_dir, "PRAGMA foreign_keys = OFF", "DELETE FROM reports WHERE id = 2")
    status, out, _ = await run_module("bot.verify", bot_env(fake, data_dir))
    assert status == 1 and "KZ-000002: the report was deleted" in out, out


# ---- the rules, one by one, on a database built through storage --------------------------------

async def built(path: Path) -> Database:
    """Two reports, the first with two files, a status change, a correction and an urgent addition."""
    db = await Database.open(path)
    integrity.bind(db, KEYS.record_keys())
    await db.write("INSERT INTO people (id, pseudonym, created_at, updated_at) VALUES (1, 'p', '2026-11-24', '2026-11-24')")
    for colour in ("red", "green"):
        await evidence.add_to_draft(db, 1, sample_file(colour))
    await reports.submit(db, 1, sample_report("key-1"))
    await reports.submit(db, 1, sample_report("key-2"), with_draft=False)
    await moderation.change_status(db, 1, "moderator AAAA", "in_review", taken_by=None)
    await moderation.correct(db, 1, "moderator AAAA", {"region": "karaganda"})
    await reports.append_description(db, 2, "Ещё: наблюдателя вывели силой.")
    await evidence.add_to_report(db, 2, sample_file("blue"))
    await moderation.add_note(db, 1, "moderator AAAA", "проверить видео")
    return db


def sample_report(key: str) -> NewReport:
    return NewReport(reporter_role="voter", category="pressure", subcategory="coercion_work", region="almaty_city",
                     occurred_at="2026-11-24T09:00:00+05:00", description="Директор требовал фото бюллетеня.",
                     submission_key=key)


def sample_file(name: str) -> EvidenceRecord:
    return EvidenceRecord(kind="photo", file_id=f"f-{name}", file_unique_id=f"u-{name}", sha256=name * 8,
                          received_at="2026-11-24T09:01:00+00:00", size=1000)


def findings(path: Path, keys: list[bytes] | None = None) -> list[str]:
    return [str(f) for f in integrity.verify_file(path, keys or KEYS.record_keys()).findings]


@pytest.fixture
async def records(tmp_path) -> Path:
    path = tmp_path / "records.sqlite3"
    db = await built(path)
    await db.close()
    assert findings(path) == []
    return path


def change(path: Path, *statements: str) -> list[str]:
    conn = sqlite3.connect(path)
    with conn:
        for sql in statements:
            conn.execute(sql)
    conn.close()
    return findings(path)


@pytest.mark.parametrize("sql, expected", [
    ("UPDATE reports SET description = 'x' WHERE id = 1", ["KZ-000001 edited"]),
    ("UPDATE reports SET status = 'new' WHERE id = 1", ["KZ-000001 edited"]),
    ("UPDATE reports SET region = 'astana' WHERE id = 2", ["KZ-000002 edited"]),
    ("UPDATE reports SET occurred_at = '2026-11-23T09:00:00+05:00' WHERE id = 2", ["KZ-000002 edited"]),
    ("UPDATE evidence SET sha256 = 'f00d' WHERE id = 2", ["KZ-000001 file_edited 2"]),
    ("UPDATE evidence SET received_at = '2026-11-25T00:00:00+00:00' WHERE id = 3", ["KZ-000002 file_edited 1"]),
    ("UPDATE evidence SET report_id = 2 WHERE id = 1", ["KZ-000001 files_removed", "KZ-000002 file_edited 1"]),
    ("DELETE FROM evidence WHERE id = 1", ["KZ-000001 files_removed"]),
    ("UPDATE reports SET tag = NULL WHERE id = 2", ["KZ-000002 edited"]),
    # not what a moderator or lawyer relies on (REPORT_NOT_COVERED): changed without an entry
    ("UPDATE reports SET moderator_message_id = 5, alerted_at = 'x', reporter_id = NULL WHERE id = 1", []),
])
def test_each_covered_change_is_found(records, sql, expected):
    assert change(records, sql) == expected


def test_audit_entries_edited_or_deleted_are_found(records):
    assert change(records, "DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_delete",
                  "UPDATE audit_log SET note = 'ничего' WHERE action = 'note'") == ["KZ-000001 entry_edited 7"]
    assert change(records, "DELETE FROM audit_log WHERE id = 3") == [
        "audit log entries_deleted 3", "KZ-000001 entry_edited 7"]


async def test_a_report_put_back_to_an_earlier_version_is_found(records):
    """Each version of a row carries a valid tag; only the latest entry's state says which is
    current. A rejection undone by writing the row's earlier version back is found."""
    conn = sqlite3.connect(records)
    before = conn.execute("SELECT status, status_changed_at, tag FROM reports WHERE id = 2").fetchone()
    conn.close()
    db = await Database.open(records)
    integrity.bind(db, KEYS.record_keys())
    await moderation.change_status(db, 2, "moderator AAAA", "in_review")
    await moderation.change_status(db, 2, "moderator AAAA", "rejected", "Нет доказательств.")
    await db.close()
    assert findings(records) == []
    assert change(records, "UPDATE reports SET status = ?, status_changed_at = ?, tag = ?, status_note = NULL,"
                           " public_note = NULL, taken_by = NULL WHERE id = 2" .replace("?", "'{}'").format(*before)
                  .replace("'None'", "NULL")) == ["KZ-000002 reverted"]


def test_deleted_and_added_reports_and_the_head(records):
    assert change(records, "PRAGMA foreign_keys = OFF", "DELETE FROM reports WHERE id = 2",
                  "DELETE FROM evidence WHERE report_id = 2") == ["KZ-000002 deleted"]
    assert change(records, "INSERT INTO reports (id, reference, reporter_role, category, region, occurred_at,"
                           " description, status, submitted_at, submission_key) VALUES (9, 'KZ-000009', 'voter',"
                           " 'pressure', 'astana', 'x', 'forged', 'new', 'x', 'k9')")[:2] == [
        "KZ-000009 edited", "KZ-000009 not_on_record"]
    assert "audit log head_changed missing" in change(records, "DELETE FROM meta WHERE name = 'records_head'")


async def test_an_old_database_is_sealed_once_at_upgrade_and_then_checked(fake, settings, data_dir, caplog):
    """A database of version 20 (no tags), as the previous release left it: sealed at the first
    start (one entry on the record), checked from then on; stripping the tags later is found."""
    data_dir.mkdir(parents=True)
    path = data_dir / "bot.sqlite3"
    old = await Database.open(path, upto=20)
    await old.close()
    tamper(data_dir,
           "INSERT INTO reports (id, reference, reporter_role, category, region, occurred_at, description, status,"
           " submitted_at, submission_key) VALUES (1, 'KZ-000001', 'voter', 'pressure', 'astana',"
           " '2026-11-24T09:00:00+05:00', 'Старое сообщение.', 'in_review', '2026-11-24T04:10:00+00:00', 'k1')",
           "INSERT INTO evidence (report_id, kind, file_id, file_unique_id, sha256, received_at)"
           " VALUES (1, 'photo', 'f', 'u', 'abc', '2026-11-24T04:09:00+00:00')",
           "INSERT INTO audit_log (report_id, actor, action, to_status, created_at)"
           " VALUES (1, 'reporter', 'submitted', 'new', '2026-11-24T04:10:00+00:00')",
           "INSERT INTO audit_log (report_id, actor, action, from_status, to_status, created_at)"
           " VALUES (1, 'moderator AAAA', 'status', 'new', 'in_review', '2026-11-24T05:00:00+00:00')")
    caplog.set_level(logging.INFO)
    async with running_bot(settings):
        pass
    (sealed,) = record_lines(caplog)
    assert sealed.startswith("records sealed: 1 reports, 1 files and 2 audit entries")
    async with running_bot(settings):
        pass
    entries = db_rows(data_dir, "SELECT action, note FROM audit_log ORDER BY id")
    assert [e["action"] for e in entries] == ["submitted", "status", integrity.SEALED]  # once
    assert findings(path) == []

    tamper(data_dir, "UPDATE reports SET description = 'Подменено.'", "UPDATE reports SET tag = NULL")
    caplog.clear()
    async with running_bot(settings, records_intact=False):
        pass
    (line,) = record_lines(caplog)
    assert line.startswith("records changed outside the bot: KZ-000001: edited")  # not sealed again


async def test_rekey_tags_everything_again_and_keeps_what_it_found_on_the_record(fake, data_dir, tmp_path):
    user = FakeUser(fake, 7300003, language_code="ru")
    async with running_bot(make_settings(fake, data_dir)):
        await up_to_evidence(user, "ru", "Бюллетени выдавали без паспорта.")
        await user.photo(jpeg())
        await user.replies(1)
        await finish_and_send(user, "ru")
        await up_to_evidence(user, "ru", "Камеру на участке выключили во время подсчёта.")
        await finish_and_send(user, "ru", evidence=False)
    path = data_dir / "bot.sqlite3"
    old, new = KEYS.record_keys(), make_settings(fake, data_dir, secret_key=NEW_SECRET).keys().record_keys()
    assert "KZ-000001 edited" in findings(path, new)  # another key's tags are not these

    status, out, err = await run_module("bot.rekey", bot_env(fake, data_dir, SECRET_KEY=NEW_SECRET,
                                                             SECRET_KEY_PREVIOUS=SECRET))
    assert status == 0, err
    assert "re-tagged 2 reports, 1 files and 2 audit entries" in out
    assert findings(path, new) == [] and findings(path, old) != []
    status, out, _ = await run_module("bot.verify", bot_env(fake, data_dir, SECRET_KEY=NEW_SECRET))
    assert status == 0, out

    # A row changed before a rotation: the rotation goes on, and says so, on the record.
    tamper(data_dir, "UPDATE reports SET description = 'Подменено.' WHERE id = 2")
    status, out, err = await run_module("bot.rekey", bot_env(fake, data_dir, SECRET_KEY=SECRET,
                                                             SECRET_KEY_PREVIOUS=NEW_SECRET))
    assert status == 1 and "KZ-000002: edited" in err, err
    (entry,) = db_rows(data_dir, "SELECT note FROM audit_log WHERE action = ? ORDER BY id DESC LIMIT 1",
                       (integrity.REKEYED,))
    assert entry["note"] == "found changed: KZ-000002: edited"
    assert findings(path, old) == []


async def test_a_head_kept_off_the_machine_finds_a_history_forged_with_the_key(tmp_path):
    """Someone with the key can tag a rewritten history; a head kept elsewhere still finds it."""
    path = tmp_path / "records.sqlite3"
    db = await built(path)
    kept = (await db.fetchone("SELECT value FROM meta WHERE name = ?", (integrity.HEAD,)))["value"]
    assert await integrity.head_holds(db, KEYS.record_keys(), kept)
    await db.write("DROP TRIGGER audit_log_no_update")
    await db.write("DROP TRIGGER audit_log_no_delete")
    await db.write("DELETE FROM audit_log WHERE action = 'note'")
    await audit.reseal(db, KEYS.record_keys()[0], integrity.REKEYED, "forged")
    assert (await integrity.verify(db, KEYS.record_keys())).intact  # the key re-forges the chain
    assert not await integrity.head_holds(db, KEYS.record_keys(), kept)  # the kept head does not hold
    await db.close()


def test_every_field_is_covered_or_left_out_with_a_reason():
    """A new column of a report or a file must be placed: covered (then every change to it goes
    with an audit entry) or left out with why."""
    for model, covered, left_out in ((Report, integrity.REPORT_FIELDS, integrity.REPORT_NOT_COVERED),
                                     (EvidenceRecord, integrity.EVIDENCE_FIELDS, integrity.EVIDENCE_NOT_COVERED)):
        fields = set(model.model_fields) - {"id"}
        assert fields <= set(covered) | set(left_out), fields - set(covered) - set(left_out)
        assert not set(covered) & set(left_out)
    # Nothing that leads to a person: the link of a contact report and a draft file's owner.
    assert "reporter_id" not in integrity.REPORT_FIELDS and "owner_id" not in integrity.EVIDENCE_FIELDS


async def test_many_findings_make_one_message_not_hundreds(fake, settings, data_dir, group):
    """A database whose every report was edited gives the staff one message naming the first 40."""
    data_dir.mkdir(parents=True)
    db = await Database.open(data_dir / "bot.sqlite3")
    integrity.bind(db, KEYS.record_keys())
    for number in range(45):
        await reports.submit(db, 1, sample_report(f"k{number}"), with_draft=False)
    await db.close()
    tamper(data_dir, "UPDATE reports SET description = 'Ничего не было.'")
    async with running_bot(settings, records_intact=False):
        (told,) = await group.replies(1)
    text = told.message["text"]
    assert L("ru", "mod.records.edited", where="KZ-000040") in text and "KZ-000041" not in text
    assert L("ru", "mod.records.more", count=5) in text
    assert [line for line in integrity.one_line([integrity.Finding(f"KZ-{n:06d}", "edited") for n in range(300)],
                                                limit=200).split("; ")][-1] == "and 100 more"


def test_hostile_values_are_found_not_crashed_on(records):
    """What someone may write with sqlite3 that the bot never does: a BLOB for text, a text id,
    a state that is no state, a tag that is no text. Each is named; the check never raises."""
    assert change(records, "UPDATE reports SET description = X'00ff' WHERE id = 1") == ["KZ-000001 edited"]
    found = change(records, "DROP TRIGGER audit_log_no_update", "PRAGMA foreign_keys = OFF",
                   "UPDATE audit_log SET state = 'x:y' WHERE id = 7",
                   "UPDATE audit_log SET report_id = 'abc' WHERE id = 6",
                   "UPDATE evidence SET tag = X'01' WHERE id = 3")
    assert found == ["'abc' entry_edited 6", "KZ-000001 entry_edited 7", "KZ-000001 edited",
                     "KZ-000002 file_edited 1", "'abc' deleted"]
