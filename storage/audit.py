"""The append-only audit log of everything done to a report (triggers refuse edits)."""

from __future__ import annotations

import aiosqlite

from domain.clock import utcnow
from storage.db import Database
from storage.models import AuditEntry


async def append(
    conn: aiosqlite.Connection,
    report_id: int | None,
    actor: str,
    action: str,
    from_status: str | None,
    to_status: str | None,
    note: str | None,
) -> None:
    """Write one row inside the caller's transaction, so it lands with the change it records."""
    await conn.execute(
        "INSERT INTO audit_log (report_id, actor, action, from_status, to_status, note, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (report_id, actor, action, from_status, to_status, note, utcnow()),
    )


async def of_report(db: Database, report_id: int) -> list[AuditEntry]:
    rows = await db.fetchall(
        "SELECT * FROM audit_log WHERE report_id = ? ORDER BY id", (report_id,)
    )
    return [AuditEntry(**dict(row)) for row in rows]
