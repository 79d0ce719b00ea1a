"""Transactions run whole in SQLite's thread (storage.whole): committed in one trip, rolled back
whole on any error, a body that awaits anything but its statements refused before it commits;
and a busy precinct's new report reads one report a witness group, not one a report."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bench.lock_trips import counting_trips
from domain import clock
from services import witnesses as grouping
from storage import integrity, outbox, people, reports, whole, witnesses
from storage.crypto import Keys
from storage.models import NewReport

KEYS = Keys("unit-test-secret-key-0123456789abcdef")


async def test_a_body_is_committed_in_one_trip_and_returns_its_value(db):

    async def body(conn):
        await conn.execute("INSERT INTO meta (name, value) VALUES ('a', '1')")
        async with conn.execute("SELECT value FROM meta WHERE name = 'a'") as cursor:
            (value,) = await cursor.fetchone()
        rows = await conn.execute_fetchall("SELECT name FROM meta WHERE name = 'a'")
        return value, len(rows), conn.in_transaction

    with counting_trips(db) as trips:
        assert await db.whole(body) == ("1", 1, True)
    assert trips[0] == 1
    assert (await db.fetchone("SELECT value FROM meta WHERE name = 'a'"))[0] == "1"
    assert not db.conn.in_transaction


async def test_an_error_rolls_the_whole_body_back(db):
    async def body(conn):
        await conn.execute("INSERT INTO meta (name, value) VALUES ('b', '1')")
        raise ValueError("half way")

    with pytest.raises(ValueError):
        await db.whole(body)
    assert await db.fetchone("SELECT value FROM meta WHERE name = 'b'") is None
    assert not db.conn.in_transaction
    await db.write("INSERT INTO meta (name, value) VALUES ('c', '1')")  # the connection still works


async def test_a_body_that_awaits_outside_its_statements_is_refused_and_rolled_back(db):
    async def body(conn):
        await conn.execute("INSERT INTO meta (name, value) VALUES ('d', '1')")
        await asyncio.sleep(0)  # would leave the lock held across a turn of the loop, in the wrong thread

    with pytest.raises(whole.AwaitedOutside):
        await db.whole(body)
    assert await db.fetchone("SELECT value FROM meta WHERE name = 'd'") is None
    assert not db.conn.in_transaction


async def test_a_failed_commit_is_rolled_back(db):
    await db.write("CREATE TABLE parent (id INTEGER PRIMARY KEY)")
    await db.write("CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER"
                   " REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)")

    async def body(conn):
        await conn.execute("INSERT INTO child (id, parent_id) VALUES (1, 42)")  # checked at COMMIT

    with pytest.raises(Exception, match="FOREIGN KEY"):
        await db.whole(body)
    assert not db.conn.in_transaction
    assert await db.fetchone("SELECT id FROM child") is None


async def test_the_hot_transactions_are_one_trip_each_and_tagged(db):
    """A Send's writes (the report, its witness group, the confirmation's claim) take one trip
    each under the lock, and the records are still tagged (the keys are found through the body's
    connection)."""
    integrity.bind(db, KEYS.record_keys())
    person = await people.get_or_create(db, KEYS.pseudonym(1), "ru")
    with counting_trips(db) as trips:
        stored, created = await reports.submit(db, person.id, NewReport(
            reporter_role="voter", category="station", subcategory="stuffing", region="karaganda", precinct="245",
            precinct_kind="number", occurred_at="2026-11-29", description="Вброс бюллетеней на участке.",
            contact_allowed=False, submission_key="k1"), [("confirmation", {"chat": "x"})])
        assert created and trips[0] == 1
        await witnesses.place(db, stored.id)
        assert trips[0] == 2
        (item_id,) = [row[0] for row in await db.fetchall("SELECT id FROM outbox")]
        assert (await outbox.claim(db, item_id)).kind == "confirmation"
        assert trips[0] == 3
    row = await db.fetchone("SELECT tag FROM reports WHERE id = ?", (stored.id,))
    assert row["tag"]
    verdict = await integrity.verify(db, KEYS.record_keys())
    assert verdict.intact and verdict.entries == 1


async def test_a_busy_precincts_new_report_reads_one_report_a_group(db):
    """Thirty reports of one precinct are one group; the thirty-first finds that group through one
    of them (joining it brings the rest), and the group is whole afterwards."""
    start = clock.now()
    ids = []
    for n in range(31):
        person = await people.get_or_create(db, KEYS.pseudonym(100 + n), "ru")
        stored, _ = await reports.submit(db, person.id, NewReport(
            reporter_role="voter", category="station", subcategory="stuffing", region="karaganda",
            precinct="245", precinct_kind="number", occurred_at="2026-11-29",
            description="Карусель на участке.", contact_allowed=False, submission_key=f"k{n}"))
        await db.write("UPDATE reports SET submitted_at = ? WHERE id = ?",
                       (clock.iso(start + timedelta(minutes=n)), stored.id))
        ids.append(stored.id)
        if n < 30:
            await grouping.place(db, stored.id)

    async def related(conn):
        return await witnesses._related(conn, ids[-1])

    assert len(await db.whole(related)) == 1
    await grouping.place(db, ids[-1])
    group = await witnesses.group_of(db, ids[-1])
    assert group is not None and [member.report_id for member in group.members] == ids
