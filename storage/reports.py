"""Reports: submitting a draft as one transaction, and reading reports back."""

from __future__ import annotations

from datetime import timedelta
from typing import Iterable

from storage import audit, outbox
from domain.clock import ago, utcnow
from domain.rules import STATUSES
from storage.db import Database
from storage.models import NewReport, Report

# Both lists follow the models: a field added to NewReport (and its column, in a migration) is
# stored and read back with no change here.
COLUMNS = ", ".join(Report.model_fields)
_INSERTED = (*NewReport.model_fields, "id", "reference", "reporter_id", "status", "submitted_at")
_INSERT = (f"INSERT INTO reports ({', '.join(_INSERTED)})"
           f" VALUES ({', '.join(':' + name for name in _INSERTED)})")


def reference_for(report_id: int) -> str:
    return f"KZ-{report_id:06d}"


def from_row(row) -> Report:
    """A report from a row selected with ``COLUMNS``."""
    return Report(**dict(row))


async def submit(db: Database, reporter_id: int | None, report: NewReport,
                 notices: Iterable[tuple[str, dict]] = ()) -> tuple[Report, bool]:
    """Store the report, move the reporter's draft evidence under it, drop the draft and record
    the ``notices`` (outbox kind, body) that tell of it, atomically.

    Returns the report and whether it was created now; a repeated ``submission_key``
    (a second tap on Send) returns the report the first call made.
    """
    try:
        return await _submit(db, reporter_id, report, notices)
    finally:
        if reporter_id is not None:
            db.draft_cache.invalidate(reporter_id)  # the draft went with the submission


async def _submit(db: Database, reporter_id: int | None, report: NewReport,
                  notices: Iterable[tuple[str, dict]]) -> tuple[Report, bool]:
    async with db.transaction() as conn:
        async with conn.execute(
            f"SELECT {COLUMNS} FROM reports WHERE submission_key = ?", (report.submission_key,)
        ) as cur:
            existing = await cur.fetchone()
        if existing:
            return from_row(existing), False
        async with conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM reports") as cur:
            (report_id,) = await cur.fetchone()
        now = utcnow()
        fields = report.model_dump()
        await conn.execute(_INSERT, {
            **fields,
            "id": report_id,
            "reference": reference_for(report_id),
            "reporter_id": reporter_id,
            "status": STATUSES[0],
            "submitted_at": now,
        })
        if reporter_id is not None:
            await conn.execute(
                "UPDATE evidence SET report_id = ?, owner_id = NULL"
                " WHERE owner_id = ? AND report_id IS NULL",
                (report_id, reporter_id),
            )
            await conn.execute("DELETE FROM drafts WHERE person_id = ?", (reporter_id,))
        await audit.append(conn, report_id, "reporter", "submitted", None, "new", None)
        for kind, body in notices:
            await outbox.enqueue(conn, kind, report_id, **body)
        async with conn.execute(f"SELECT {COLUMNS} FROM reports WHERE id = ?", (report_id,)) as cur:
            row = await cur.fetchone()
    return from_row(row), True


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
    """How many reports were submitted at or after ``since_iso``."""
    row = await db.fetchone("SELECT COUNT(*) FROM reports WHERE submitted_at >= ?", (since_iso,))
    return int(row[0])

