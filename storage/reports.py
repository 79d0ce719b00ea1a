"""Reports: submitting a draft as one transaction, and reading reports back."""

from __future__ import annotations

from datetime import timedelta
from typing import Awaitable, Callable, Iterable

import aiosqlite

from storage import audit, outbox
from domain.clock import ago, utcnow
from domain.rules import STATUSES
from storage.db import Database, fetch_one
from storage.models import NewReport, Report

# Both lists follow the models: a field added to NewReport (and its column, in a migration) is
# stored and read back with no change here.
COLUMNS = ", ".join(Report.model_fields)
_INSERTED = (*NewReport.model_fields, "id", "reference", "reporter_id", "status", "submitted_at", "receipt_hash")
_INSERT = (f"INSERT INTO reports ({', '.join(_INSERTED)})"
           f" VALUES ({', '.join(':' + name for name in _INSERTED)})")


def reference_for(report_id: int) -> str:
    return f"KZ-{report_id:06d}"


def from_row(row) -> Report:
    """A report from a row selected with ``COLUMNS``."""
    return Report(**dict(row))


async def submit(db: Database, owner_id: int, report: NewReport, notices: Iterable[tuple[str, dict]] = (),
                 *, receipt_hash: str | None = None, chat_ref: bytes | None = None,
                 with_draft: bool = True,
                 then: Callable[[aiosqlite.Connection, int], Awaitable[None]] | None = None) -> tuple[Report, bool]:
    """Store the report, move its author's draft evidence under it, drop the draft and record
    the ``notices`` (outbox kind, body) that tell of it, atomically.

    The report is linked to its author (``owner_id``) only if they allowed contact; then their
    sealed ``chat_ref`` is kept so the bot can write to them. An anonymous report keeps no link
    at all: only its receipt's hash. Returns the report and whether it was created now; a
    repeated ``submission_key`` (a second tap on Send) returns the report the first call made.
    ``with_draft`` False (an urgent report, filed in two taps beside whatever draft is open)
    leaves the author's draft and its files where they are. ``then`` stores, in the same
    transaction, what a report of another kind carries beside it (storage.counts: the figures);
    it runs with the rest in SQLite's thread (storage.whole) and awaits only its statements.
    """
    try:
        return await _submit(db, owner_id, report, notices, receipt_hash, chat_ref, with_draft, then)
    finally:
        db.draft_cache.invalidate(owner_id)  # the draft went with the submission


async def _submit(db: Database, owner_id: int, report: NewReport, notices: Iterable[tuple[str, dict]],
                  receipt_hash: str | None, chat_ref: bytes | None, with_draft: bool,
                  then: Callable[[aiosqlite.Connection, int], Awaitable[None]] | None) -> tuple[Report, bool]:
    linked = owner_id if report.contact_allowed else None

    async def body(conn: aiosqlite.Connection) -> tuple[aiosqlite.Row, bool]:
        existing = await fetch_one(conn, f"SELECT {COLUMNS} FROM reports WHERE submission_key = ?",
                                   (report.submission_key,))
        if existing:
            return existing, False
        (report_id,) = await fetch_one(conn, "SELECT COALESCE(MAX(id), 0) + 1 FROM reports")
        fields = report.model_dump()
        await conn.execute(_INSERT, {
            **fields,
            "id": report_id,
            "reference": reference_for(report_id),
            "reporter_id": linked,
            "status": STATUSES[0],
            "submitted_at": utcnow(),
            "receipt_hash": receipt_hash,
        })
        if then is not None:
            await then(conn, report_id)
        if with_draft:
            await conn.execute(
                "UPDATE evidence SET report_id = ?, owner_id = NULL WHERE owner_id = ? AND report_id IS NULL",
                (report_id, owner_id),
            )
            await conn.execute("DELETE FROM drafts WHERE person_id = ?", (owner_id,))
        if linked is not None and chat_ref is not None:
            # The link they agreed to: the one way back to them, sealed. People's timestamps
            # are days (storage.people), and this one is left alone for the same reason.
            await conn.execute("UPDATE people SET chat_ref = ? WHERE id = ?", (chat_ref, linked))
        await audit.append(conn, report_id, "reporter", "submitted", None, "new", None)
        for kind, fields_of_notice in notices:
            await outbox.enqueue(conn, kind, report_id, **fields_of_notice)
        row = await fetch_one(conn, f"SELECT {COLUMNS} FROM reports WHERE id = ?", (report_id,))
        return row, True

    row, created = await db.whole(body)
    return from_row(row), created


async def by_receipt(db: Database, receipt_hash: str) -> Report | None:
    """The report whose receipt carries the code with this hash."""
    row = await db.fetchone(f"SELECT {COLUMNS} FROM reports WHERE receipt_hash = ?", (receipt_hash,))
    return from_row(row) if row else None


async def get(db: Database, report_id: int) -> Report | None:
    row = await db.fetchone(f"SELECT {COLUMNS} FROM reports WHERE id = ?", (report_id,))
    return from_row(row) if row else None


async def by_reference(db: Database, reference: str) -> Report | None:
    row = await db.fetchone(f"SELECT {COLUMNS} FROM reports WHERE reference = ?", (reference,))
    return from_row(row) if row else None


async def of_reporter(db: Database, reporter_id: int, limit: int = 20) -> list[Report]:
    rows = await db.fetchall(
        f"SELECT {COLUMNS} FROM reports WHERE reporter_id = ? ORDER BY id DESC LIMIT ?",
        (reporter_id, limit),
    )
    return [from_row(row) for row in rows]


async def count_of_reporter(db: Database, reporter_id: int) -> int:
    row = await db.fetchone("SELECT COUNT(*) FROM reports WHERE reporter_id = ?", (reporter_id,))
    return int(row[0])


async def count_within(db: Database, reporter_id: int, period: timedelta) -> int:
    """How many reports this reporter sent in the last ``period``."""
    since = ago(period)
    row = await db.fetchone(
        "SELECT COUNT(*) FROM reports WHERE reporter_id = ? AND submitted_at >= ?",
        (reporter_id, since),
    )
    return int(row[0])


async def count_before(db: Database, reporter_id: int, report_id: int) -> int:
    """How many reports this reporter sent before the given one."""
    row = await db.fetchone(
        "SELECT COUNT(*) FROM reports WHERE reporter_id = ? AND id < ?", (reporter_id, report_id)
    )
    return int(row[0])


async def count_since(db: Database, since_iso: str) -> int:
    """How many violation reports were submitted at or after ``since_iso`` (not observers' counts)."""
    row = await db.fetchone("SELECT COUNT(*) FROM reports WHERE submitted_at >= ? AND kind = 'violation'", (since_iso,))
    return int(row[0])



# ---- what the reporter of an urgent report adds right after it (services.urgent) ----------

async def append_description(db: Database, report_id: int, text: str,
                             notices: Iterable[tuple[str, dict]] = (), separator: str = "\n\n") -> Report:
    """Add ``text`` to the report's description, after ``separator`` (a paragraph of its own, or
    a space for the next part of a text Telegram split); the search index follows by its
    triggers; on the record, with the ``notices`` that tell of it, in one transaction."""
    async with db.transaction() as conn:
        await conn.execute("UPDATE reports SET description = description || ? || ? WHERE id = ?",
                           (separator, text, report_id))
        await audit.append(conn, report_id, "reporter", "urgent_added", None, None, "text")
        return await _added(conn, report_id, notices)


async def set_location(db: Database, report_id: int, latitude: float, longitude: float,
                       notices: Iterable[tuple[str, dict]] = ()) -> Report:
    """Set where the report happened, on the record, with the ``notices`` that tell of it."""
    async with db.transaction() as conn:
        await conn.execute("UPDATE reports SET latitude = ?, longitude = ? WHERE id = ?",
                           (latitude, longitude, report_id))
        await audit.append(conn, report_id, "reporter", "urgent_added", None, None, "location")
        return await _added(conn, report_id, notices)


WHERE_COLUMNS = ("region", "precinct_kind", "precinct", "place")


async def set_where(db: Database, report_id: int, what: str, changes: dict[str, str | None],
                    notices: Iterable[tuple[str, dict]] = ()) -> Report:
    """Where an urgent report happened, as its reporter said after filing it (``what``: region,
    precinct or place), on the record, with the ``notices`` that tell of it, in one transaction."""
    if not changes or set(changes) - set(WHERE_COLUMNS):
        raise ValueError("only where a report happened is set here")
    assignments = ", ".join(f"{column} = ?" for column in changes)
    async with db.transaction() as conn:
        await conn.execute(f"UPDATE reports SET {assignments} WHERE id = ?", (*changes.values(), report_id))
        await audit.append(conn, report_id, "reporter", "urgent_added", None, None, what)
        return await _added(conn, report_id, notices)


async def _added(conn, report_id: int, notices: Iterable[tuple[str, dict]]) -> Report:
    for kind, body in notices:
        await outbox.enqueue(conn, kind, report_id, **body)
    async with conn.execute(f"SELECT {COLUMNS} FROM reports WHERE id = ?", (report_id,)) as cur:
        return from_row(await cur.fetchone())
