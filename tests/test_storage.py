"""Storage: migrations upgrade in place, pragmas, pseudonyms, append-only audit, atomic submit."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest

from storage import audit, downloads, drafts, evidence, outbox, people, reports
from storage.crypto import Keys
from domain.clock import utcnow
from storage.db import Database, migrations
from storage.cache import RowCache
from storage.models import Draft, EvidenceRecord, NewReport

KEYS = Keys("unit-test-secret-key-0123456789abcdef")


def new_report(key: str = "draft-1", **overrides) -> NewReport:
    fields = dict(reporter_role="voter", category="coercion", subcategory="coercion.work",
                  region="almaty_city", precinct="123", occurred_at=utcnow(),
                  description="Начальник велел всем голосовать и прислать фото бюллетеня.",
                  submission_key=key)
    return NewReport(**{**fields, **overrides})


async def test_pragmas_and_latest_schema(db):
    assert await db.schema_version() == len(migrations())
    assert (await db.fetchone("PRAGMA journal_mode"))[0] == "wal"
    assert (await db.fetchone("PRAGMA foreign_keys"))[0] == 1


async def test_a_new_database_made_at_once_has_the_schema_of_one_migrated_step_by_step(tmp_path):
    """A new database takes every migration in one transaction (storage.db.Database._create);
    it must be the database that applying them one by one makes."""
    old = await Database.open(tmp_path / "stepwise.db", upto=1)
    await old.close()
    stepwise = await Database.open(tmp_path / "stepwise.db")
    fresh = await Database.open(tmp_path / "fresh.db")
    try:
        schema = "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
        assert [tuple(row) for row in await fresh.fetchall(schema)] == [tuple(row) for row in await stepwise.fetchall(schema)]
        assert await fresh.schema_version() == await stepwise.schema_version() == migrations()[-1][0]
        assert [tuple(row) for row in await fresh.fetchall("SELECT * FROM meta ORDER BY 1")] == \
            [tuple(row) for row in await stepwise.fetchall("SELECT * FROM meta ORDER BY 1")]
        assert (await fresh.fetchone("PRAGMA foreign_keys"))[0] == 1
    finally:
        await stepwise.close()
        await fresh.close()


async def test_first_migration_upgrades_to_latest_keeping_rows(tmp_path):
    path = tmp_path / "old.sqlite3"
    old = await Database.open(path, upto=1)
    assert await old.schema_version() == 1
    # Rows as the first version of the bot wrote them (its own SQL, not today's code), under the
    # keyed HMAC pseudonyms of that version: one anonymous report, one whose author allowed contact.
    voter, observer = KEYS.older_pseudonyms(42)[0], KEYS.older_pseudonyms(43)[0]
    async with old.transaction() as conn:
        for pseudonym, chat in ((voter, "42"), (observer, "43")):
            await conn.execute(
                "INSERT INTO people (pseudonym, chat_ref, language, created_at, updated_at)"
                " VALUES (?, ?, 'kk', '2026-01-01T10:11:12+00:00', '2026-01-01T10:11:12+00:00')",
                (pseudonym, KEYS.seal(chat)))
        for number, reporter, contact in ((1, 1, 0), (2, 2, 1)):
            await conn.execute(
                "INSERT INTO reports (id, reference, reporter_id, reporter_role, category, region,"
                " occurred_at, description, submitted_at, submission_key, contact_allowed)"
                " VALUES (?, ?, ?, 'voter', 'pressure', 'astana', '2026-01-01',"
                " 'Директор требует голосовать всем коллективом.', '2026-01-01', ?, ?)",
                (number, f"KZ-00000{number}", reporter, f"k{number}", contact))
    await old.close()

    upgraded = await Database.open(path)
    assert await upgraded.schema_version() == len(migrations()) > 1
    # The anonymous report lost its link, and its author, linked to nothing else, is forgotten.
    anonymous = await reports.by_reference(upgraded, "KZ-000001")
    assert anonymous.reporter_id is None and anonymous.description.startswith("Директор")
    assert await people.get(upgraded, voter) is None
    # The one who allowed contact keeps the sealed link they agreed to; timestamps are days now.
    person = await people.get(upgraded, observer)
    assert person is not None and person.language == "kk"
    assert (await reports.by_reference(upgraded, "KZ-000002")).reporter_id == person.id
    assert KEYS.unseal(await people.chat_ref(upgraded, person.id)) == "43"
    row = await upgraded.fetchone("SELECT created_at, updated_at FROM people")
    assert tuple(row) == ("2026-01-01", "2026-01-01")
    assert await drafts.count(upgraded) == 0  # a table the second migration added
    await upgraded.close()


async def test_outside_dates_typed_before_migration_10_become_dates_or_stay_as_text(tmp_path):
    """Escalations stored as typed (24.11.2026) become ISO dates with their steps; a date that
    does not exist (31.02.2026) or is not one ("вчера") is kept with the number, not lost, and
    never stored as a date that would break every card of its report."""
    path = tmp_path / "old.sqlite3"
    old = await Database.open(path, upto=9)
    async with old.transaction() as conn:
        for number, typed in enumerate(("24.11.2026", "31.02.2026", "вчера", "00.00.2026"), start=1):
            await conn.execute(
                "INSERT INTO reports (id, reference, reporter_role, category, region, occurred_at, description,"
                " submitted_at, submission_key, status, escalated_to, external_ref, external_date, escalated_at)"
                " VALUES (?, ?, 'voter', 'pressure', 'astana', '2026-11-20', 'Описание', '2026-11-20', ?,"
                " 'escalated', 'court', '7', ?, '2026-11-24T10:00:00+00:00')",
                (number, f"KZ-{number:06d}", f"k{number}", typed))
    await old.close()
    upgraded = await Database.open(path)
    rows = await upgraded.fetchall("SELECT external_ref, external_date FROM reports ORDER BY id")
    assert [tuple(row) for row in rows] == [("7", "2026-11-24"), ("7 31.02.2026", None), ("7 вчера", None),
                                            ("7 00.00.2026", None)]
    steps = await upgraded.fetchall("SELECT report_id, target, external_date FROM escalations ORDER BY report_id")
    assert [tuple(step) for step in steps] == [(1, "court", "2026-11-24"), (2, "court", None), (3, "court", None),
                                               (4, "court", None)]
    await upgraded.close()


async def test_restart_keeps_every_row(tmp_path):
    path = tmp_path / "keep.sqlite3"
    first = await Database.open(path)
    person = await people.get_or_create(first, KEYS.pseudonym(7), "ru", None)
    await reports.submit(first, person.id, new_report("a", contact_allowed=True))
    await reports.submit(first, person.id, new_report("b", contact_allowed=True))
    await first.close()
    second = await Database.open(path)
    assert await reports.count_of_reporter(second, person.id) == 2
    await second.close()


async def test_a_person_is_found_under_their_current_name_first_and_created_once(db):
    """First contact's two trips: ``find`` looks under every name at once and prefers the current
    pseudonym; ``create`` twice under one pseudonym (two updates racing) gives the same person."""
    current, older = KEYS.pseudonym(11), KEYS.older_pseudonyms(11)[0]
    assert await people.find(db, [current, older]) is None
    old, _ = await people.create(db, older, "kk")
    assert (await people.find(db, [current, older])).id == old.id
    (new, created), (again, created_again) = await people.create(db, current, "en"), await people.create(db, current, "ru")
    assert created and not created_again
    assert again.id == new.id and again.language == "en" and new.id != old.id
    assert (await people.find(db, [current, older])).id == new.id
    assert (await people.find(db, [older, current])).id == old.id


async def test_no_plain_identity_in_people(db):
    await people.get_or_create(db, KEYS.pseudonym(987654321), "ru", KEYS.seal("987654321"))
    row = await db.fetchone("SELECT * FROM people")
    assert "987654321" not in repr(tuple(row))
    assert KEYS.unseal(row["chat_ref"]) == "987654321"
    assert Keys("another-secret-key-0123456789abcdefgh").unseal(row["chat_ref"]) is None


async def test_submit_is_idempotent_and_moves_draft_evidence(db):
    person = await people.get_or_create(db, KEYS.pseudonym(1), "ru", None)
    record = EvidenceRecord(kind="photo", file_id="F1", file_unique_id="U1", sha256="ab" * 32,
                            size=10, received_at=utcnow())
    await evidence.add_to_draft(db, person.id, record)
    first, created = await reports.submit(db, person.id, new_report("same"))
    second, created_again = await reports.submit(db, person.id, new_report("same"))
    assert created and not created_again and first == second
    assert first.reference == "KZ-000001"
    assert [e.file_unique_id for e in await evidence.of_report(db, first.id)] == ["U1"]
    assert await evidence.of_draft(db, person.id) == []


async def test_audit_log_is_append_only(db):
    person = await people.get_or_create(db, KEYS.pseudonym(1), "ru", None)
    report, _ = await reports.submit(db, person.id, new_report())
    entries = await audit.of_report(db, report.id)
    assert [(e.action, e.to_status) for e in entries] == [("submitted", "new")]
    for sql in ("UPDATE audit_log SET note = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            async with db.transaction() as conn:
                await conn.execute(sql)
    assert len(await audit.of_report(db, report.id)) == 1


async def test_deleting_a_person_cuts_the_link_but_keeps_the_report(db):
    person = await people.get_or_create(db, KEYS.pseudonym(5), "ru", None)
    report, _ = await reports.submit(db, person.id, new_report())
    await people.delete(db, person.id)
    kept = await reports.get(db, report.id)
    assert kept is not None and kept.reporter_id is None


async def test_failed_transaction_leaves_nothing(db):
    with pytest.raises(RuntimeError):
        async with db.transaction() as conn:
            await conn.execute(
                "INSERT INTO people (pseudonym, language, created_at, updated_at) VALUES ('p', 'ru', 'x', 'x')"
            )
            raise RuntimeError("boom")
    assert await db.fetchone("SELECT * FROM people") is None


# ---- the in-memory copy of open drafts --------------------------------------------------------

async def test_draft_copy_follows_every_change_to_drafts(db, tmp_path):
    person = await people.get_or_create(db, KEYS.pseudonym(7), "ru", None)
    await drafts.save(db, person.id, Draft(key="k", step="region", region="abai"))
    loaded = await drafts.get(db, person.id)
    loaded.region = "changed, not saved"
    assert (await drafts.get(db, person.id)).region == "abai"  # a fresh object every time
    # Written behind the cache's back (as the benchmark seeds drafts): a restart reads it.
    await db.write("UPDATE drafts SET data = ? WHERE person_id = ?",
                   (Draft(key="k", step="when").model_dump_json(), person.id))
    reopened = await Database.open(tmp_path / "t.sqlite3")
    try:
        assert (await drafts.get(reopened, person.id)).step == "when"
    finally:
        await reopened.close()
    await reports.submit(db, person.id, new_report("k"))
    assert await drafts.get(db, person.id) is None
    await drafts.save(db, person.id, Draft(key="k2", step="role"))
    await drafts.delete(db, person.id)
    assert await drafts.get(db, person.id) is None
    await drafts.save(db, person.id, Draft(key="k3", step="role"))
    await people.delete(db, person.id)
    assert await drafts.get(db, person.id) is None


def test_a_read_that_raced_a_delete_does_not_bring_the_row_back():
    cache = RowCache(limit=2)
    generation = cache.generation  # a read starts...
    cache.invalidate(1)  # ...the row is deleted while it reads...
    cache.fill(1, "old row", generation)  # ...and it comes back with what it read
    assert cache.get(1) is None
    cache.fill(1, "row", cache.generation)
    cache.put(2, "b")
    cache.get(1)
    cache.put(3, "c")  # over the limit: the least recently used (2) goes
    assert (cache.get(1), cache.get(2), cache.get(3)) == ("row", None, "c")


async def test_wizard_states_come_from_the_drafts(db):
    with_chat = await people.get_or_create(db, KEYS.pseudonym(8), "kk")
    without_chat = await people.get_or_create(db, KEYS.pseudonym(9), "kk")
    await drafts.save(db, with_chat.id, Draft(key="a", step="evidence"), KEYS.seal("8"))
    await drafts.save(db, without_chat.id, Draft(key="b", step="role"))
    assert await drafts.wizard_states(db, KEYS) == {(8, 8): "evidence"}
    other_keys = Keys("another-secret-key-0123456789abcdefgh")
    assert await drafts.wizard_states(db, other_keys) == {}  # sealed under a lost key: skipped


async def test_a_drafts_chat_is_sealed_once_and_again_only_for_a_new_draft(db):
    """The chat given as a function is sealed for the draft's first write; later steps keep the
    stored one without sealing; a new draft after the last one went is sealed again."""
    person = await people.get_or_create(db, KEYS.pseudonym(10), "ru")
    sealed: list[bytes] = []

    def seal() -> bytes:
        sealed.append(KEYS.seal("10"))
        return sealed[-1]

    for step in ("role", "group", "region"):
        await drafts.save(db, person.id, Draft(key="a", step=step), seal)
    assert len(sealed) == 1 and await drafts.chat_ref(db, person.id) == sealed[0]
    await drafts.delete(db, person.id)
    await drafts.save(db, person.id, Draft(key="b", step="role"), seal)
    assert len(sealed) == 2 and await drafts.chat_ref(db, person.id) == sealed[1]
    assert await drafts.wizard_states(db, KEYS) == {(10, 10): "role"}


async def test_no_draft_is_remembered_until_one_is_written(db, monkeypatch):
    """That a person has no draft is read once (a new person's is known without reading); a
    draft written or deleted afterwards is what the next look finds."""
    person = await people.get_or_create(db, KEYS.pseudonym(12), "ru")
    newcomer, _ = await people.create(db, KEYS.pseudonym(13), "ru")
    drafts.none_yet(db, newcomer.id)
    assert await drafts.get(db, person.id) is None
    real = db.fetchone

    async def no_reading(*args):
        raise AssertionError("read again")

    monkeypatch.setattr(db, "fetchone", no_reading)
    assert await drafts.get(db, person.id) is None and await drafts.get(db, newcomer.id) is None
    monkeypatch.setattr(db, "fetchone", real)
    await drafts.save(db, newcomer.id, Draft(key="n", step="group"))
    assert (await drafts.get(db, newcomer.id)).key == "n"
    await drafts.delete(db, newcomer.id)
    assert await drafts.get(db, newcomer.id) is None


async def test_a_single_write_never_joins_another_coroutines_transaction(db):
    """A write sent while a transaction is open waits for it, so a rollback cannot take it."""
    opened, go_on = asyncio.Event(), asyncio.Event()

    async def failing_transaction() -> None:
        with pytest.raises(RuntimeError):
            async with db.transaction() as conn:
                await conn.execute("INSERT INTO people (pseudonym, language, created_at, updated_at)"
                                   " VALUES ('rolled-back', 'ru', 'x', 'x')")
                opened.set()
                await go_on.wait()
                raise RuntimeError("boom")

    task = asyncio.create_task(failing_transaction())
    await opened.wait()
    write = asyncio.create_task(db.write("INSERT INTO people (pseudonym, language, created_at, updated_at)"
                                         " VALUES ('kept', 'ru', 'x', 'x')"))
    go_on.set()
    await asyncio.gather(task, write)
    assert [row["pseudonym"] for row in await db.fetchall("SELECT pseudonym FROM people")] == ["kept"]
    # Writes that do not wait for a transaction do not wait for one another either: all land.
    await asyncio.gather(*(db.insert("INSERT INTO people (pseudonym, language, created_at, updated_at)"
                                     " VALUES (?, 'kk', 'x', 'x')", (f"p{i}",)) for i in range(50)))
    assert (await db.fetchone("SELECT COUNT(*) FROM people"))[0] == 51


async def test_the_search_index_follows_the_reports_in_any_case_and_with_yo(db):
    """Words begin words of the description or the place, whatever the case (Kazakh letters
    too) and with ё read as е; a changed text leaves no old word in the index."""
    from storage import moderation

    person = await people.get_or_create(db, KEYS.pseudonym(9), "kk", None)
    first, _ = await reports.submit(db, person.id, new_report("a", description="Ёлка у входа, МҰҒАЛІМДЕРДЕН талап етті",
                                                             place="Школа №5"))
    await reports.submit(db, person.id, new_report("b", description="Вбросы на участке", place=None))

    async def found(*words: str) -> list[str]:
        return [r.reference for r in await moderation.find(db, moderation.Filters(words=words))]

    assert await found("елка") == await found("ЁЛКА") == await found("мұғалім") == await found("школа") \
        == [first.reference]
    assert await found("вброс", "участке") == ["KZ-000002"] and await found("вброс", "школа") == []
    async with db.transaction() as conn:  # a changed text: the index forgets the old words
        await conn.execute("UPDATE reports SET description = 'Карусель', place = NULL WHERE id = 1")
    assert await found("елка") == [] and await found("школа") == [] and await found("карусель") == [first.reference]


async def test_a_waiting_confirmation_is_found_without_reading_the_whole_outbox(db):
    """Send, /report and /myreports look for it every time, and the outbox keeps every item sent."""
    plan = await db.fetchall(f"EXPLAIN QUERY PLAN {outbox.PENDING_CONFIRMATION}", ("x",))
    assert "USING INDEX outbox_confirmation_waiting" in " ".join(row["detail"] for row in plan)


async def test_a_files_reference_is_kept_once_and_its_debt_goes_with_its_draft(db):
    """storage.downloads: a file's reference, pending, before its download; the same message
    handled again (after a kill) keeps it once; the debt is due at a start, and a discarded draft
    takes it along; a completed download fills the row in and drops the debt."""
    person = await people.get_or_create(db, KEYS.pseudonym(2), "ru", None)
    reference = EvidenceRecord(kind="photo", file_id="F2", file_unique_id="U2", size=10, received_at=utcnow(),
                               pending=True)
    first, new = await downloads.keep(db, reference, "sealed", "ru", owner_id=person.id)
    again, new_again = await downloads.keep(db, reference, "sealed", "ru", owner_id=person.id)
    assert new and not new_again and first == again
    assert await downloads.due(db) == []  # its first attempt is under way (a lease)
    await downloads.release_all(db)  # a start: every debt is due
    (debt,) = await downloads.due(db)
    assert debt.record.id == first and debt.record.pending and debt.report_id is None
    done = debt.record.model_copy(update={"sha256": "cd" * 32, "stored_path": "evidence/x.enc", "pending": False})
    assert await downloads.completed(db, done)
    assert not await downloads.completed(db, done)  # once
    (row,) = await evidence.of_draft(db, person.id)
    assert (row.pending, row.sha256, row.received_at) == (False, "cd" * 32, reference.received_at)
    assert await downloads.due(db) == [] and await downloads.owed(db, first) is None

    second, _ = await downloads.keep(db, reference.model_copy(update={"file_unique_id": "U3"}), "s", "ru",
                                     owner_id=person.id)
    await evidence.discard_draft(db, person.id)
    assert await downloads.owed(db, second) is None
    assert (await db.fetchone("SELECT COUNT(*) AS n FROM downloads"))["n"] == 0
