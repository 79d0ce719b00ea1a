"""The append-only audit log of everything done to a report (triggers refuse edits), each entry
chained to the one before and carrying the report's state after it (storage.integrity)."""

from __future__ import annotations

import aiosqlite

from domain.clock import utcnow
from storage import integrity
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
    """Write one row inside the caller's transaction, so it lands with the change it records,
    after that change: the report and its files are tagged as they then stand."""
    entry = await integrity.chain(conn, {"report_id": report_id, "actor": actor, "action": action,
                                         "from_status": from_status, "to_status": to_status, "note": note,
                                         "created_at": utcnow()})
    await conn.execute(
        "INSERT INTO audit_log (id, report_id, actor, action, from_status, to_status, note, created_at, state, tag)"
        " VALUES (:id, :report_id, :actor, :action, :from_status, :to_status, :note, :created_at, :state, :tag)",
        entry,
    )


async def of_report(db: Database, report_id: int) -> list[AuditEntry]:
    rows = await db.fetchall(
        "SELECT * FROM audit_log WHERE report_id = ? ORDER BY id", (report_id,)
    )
    return [AuditEntry(**dict(row)) for row in rows]


async def reseal(db: Database, key: bytes, action: str, note: str) -> tuple[int, int, int]:
    """Tag every report, file and audit entry under ``key``, as they stand, in one transaction,
    and put that on the record (``action``: integrity.SEALED or REKEYED, with ``note``); a report
    with no entry of its own gets one. Returns how many reports, files and entries (before)."""
    async with db.transaction() as conn:
        counts, without_entry = await integrity.retag(conn, key)
        for report_id in without_entry:
            await append(conn, report_id, integrity.ACTOR, action, None, None, None)
        await append(conn, None, integrity.ACTOR, action, None, None, note)
    return counts
