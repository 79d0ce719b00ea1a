"""``python -m bench.lock_trips``: how many trips to SQLite's thread a Send's writes take while
they hold the database's write lock (the report, its witness group, the confirmation's claim),
for 30 reports at one precinct in turn (each joins the same witness group). Every other write
waits for the lock meanwhile, and under load each trip waits for a turn of the event loop
(BENCHMARKS.md, issue #26). Not part of the test suite; prints the counts."""

from __future__ import annotations

import asyncio
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import aiosqlite

from storage import integrity, outbox, people, reports, witnesses
from storage.crypto import Keys
from storage.db import Database
from storage.models import NewReport


@contextmanager
def counting_trips(db: Database) -> Iterator[list[int]]:
    """``[n]``: the trips to SQLite's thread made while ``db``'s write lock is held, from now to
    the end of the block (tests/test_whole_transactions.py counts them too)."""
    trips = [0]
    real = aiosqlite.Connection._execute

    async def counted(self, fn, *args, **kwargs):
        if db._write_lock.locked():
            trips[0] += 1
        return await real(self, fn, *args, **kwargs)

    aiosqlite.Connection._execute = counted  # type: ignore[method-assign]
    try:
        yield trips
    finally:
        aiosqlite.Connection._execute = real  # type: ignore[method-assign]


async def main(count: int = 30) -> list[int]:
    with tempfile.TemporaryDirectory() as tmp:
        db = await Database.open(Path(tmp) / "trips.sqlite3")
        integrity.bind(db, Keys("lock-trips-benchmark-secret-0123456789").record_keys())
        per_send = []
        try:
            with counting_trips(db) as trips:
                for i in range(count):
                    person = await people.get_or_create(db, uuid.uuid4().hex * 2, "ru")
                    trips[0] = 0
                    report = NewReport(reporter_role="voter", category="coercion_work", region="astana",
                                       precinct="245", precinct_kind="number", occurred_at="2026-12-07T05:00:00+05:00",
                                       description="Бастық бәрін дауыс беруге апарды.", submission_key=uuid.uuid4().hex)
                    stored, _ = await reports.submit(db, person.id, report, [("confirmation", {"chat": "sealed"})])
                    await witnesses.place(db, stored.id)
                    for item in await outbox.due(db, 1):
                        await outbox.claim(db, item)
                    per_send.append(trips[0])
        finally:
            await db.close()
    return per_send


if __name__ == "__main__":
    counts = asyncio.run(main())
    print(f"trips under the write lock per Send (report, witness group, claim): first {counts[0]}, "
          f"last {counts[-1]} (the group grown to {len(counts)})")
