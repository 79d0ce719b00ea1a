"""Reports: submitting a draft as one transaction, and reading reports back."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from storage import audit
from storage.db import Database, utcnow
from storage.models import NewReport, Report

_COLUMNS = (
    "id, reference, reporter_id, reporter_role, accredited, category, subcategory, region,"
    " precinct, place, latitude, longitude, occurred_at, description, contact_allowed, status,"
    " submitted_at, submission_key, precinct_kind, taken_by, status_note, duplicate_of, escalated_to,"
    " external_ref, external_date, escalated_at, status_changed_at, moderator_message_id,"
    " alerted_at, deadline_reminded"
)


def reference_for(report_id: int) -> str:
    return f"KZ-{report_id:06d}"


def _report(row) -> Report:
    return Report(**dict(row))


async def submit(db: Database, reporter_id: int | None, report: NewReport) -> tuple[Report, bool]:
    """Store the report, move the reporter's draft evidence under it and drop the draft, atomically.

    Returns the report and whether it was created now; a repeated ``submission_key``
    (a second tap on Send) returns the report the first call made.
    """
    try:
        return await _submit(db, reporter_id, report)
    finally:
        if reporter_id is not None:
            db.draft_cache.invalidate(reporter_id)  # the draft went with the submission


async def _submit(db: Database, reporter_id: int | None, report: NewReport) -> tuple[Report, bool]:
    async with db.transaction() as conn:
        async with conn.execute(
            f"SELECT {_COLUMNS} FROM reports WHERE submission_key = ?", (report.submission_key,)
        ) as cur:
            existing = await cur.fetchone()
        if existing:
            return _report(existing), False
        async with conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM reports") as cur:
            (report_id,) = await cur.fetchone()
        now = utcnow()
        fields = report.model_dump()
        await conn.execute(
            "INSERT INTO reports (id, reference, reporter_id, reporter_role, accredited, category,"
            " subcategory, region, precinct, precinct_kind, place, latitude, longitude, occurred_at,"
            " description, contact_allowed, status, submitted_at, submission_key)"
            " VALUES (:id, :reference, :reporter_id, :reporter_role, :accredited, :category,"
            " :subcategory, :region, :precinct, :precinct_kind, :place, :latitude, :longitude,"
            " :occurred_at, :description, :contact_allowed, 'new', :submitted_at, :submission_key)",
            {
                **fields,
                "id": report_id,
                "reference": reference_for(report_id),
                "reporter_id": reporter_id,
                "submitted_at": now,
            },
        )
        if reporter_id is not None:
            await conn.execute(
                "UPDATE evidence SET report_id = ?, owner_id = NULL"
                " WHERE owner_id = ? AND report_id IS NULL",
                (report_id, reporter_id),
            )
            await conn.execute("DELETE FROM drafts WHERE person_id = ?", (reporter_id,))
        await audit.append(conn, report_id, "reporter", "submitted", None, "new", None)
        async with conn.execute(f"SELECT {_COLUMNS} FROM reports WHERE id = ?", (report_id,)) as cur:
            row = await cur.fetchone()
    return _report(row), True


async def get(db: Database, report_id: int) -> Report | None:
    row = await db.fetchone(f"SELECT {_COLUMNS} FROM reports WHERE id = ?", (report_id,))
    return _report(row) if row else None


async def by_reference(db: Database, reference: str) -> Report | None:
    row = await db.fetchone(f"SELECT {_COLUMNS} FROM reports WHERE reference = ?", (reference,))
    return _report(row) if row else None


async def of_reporter(db: Database, reporter_id: int, limit: int = 20) -> list[Report]:
    rows = await db.fetchall(
        f"SELECT {_COLUMNS} FROM reports WHERE reporter_id = ? ORDER BY id DESC LIMIT ?",
        (reporter_id, limit),
    )
    return [_report(row) for row in rows]


async def count_of_reporter(db: Database, reporter_id: int) -> int:
    row = await db.fetchone("SELECT COUNT(*) FROM reports WHERE reporter_id = ?", (reporter_id,))
    return int(row[0])


async def count_within(db: Database, reporter_id: int, period: timedelta) -> int:
    """How many reports this reporter sent in the last ``period``."""
    since = (datetime.now(timezone.utc) - period).isoformat(timespec="seconds")
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
