"""Moderation data: status changes with their audit rows, notes, replies, queues and counts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from domain.rules import OPEN, allowed
from storage import audit, outbox
from domain.clock import utcnow
from storage.db import Database
from storage.models import Report
from storage.reports import COLUMNS, from_row

_CHANGE_FIELDS = {"taken_by", "status_note", "duplicate_of", "escalated_to", "external_ref",
                  "external_date", "escalated_at"}


class TransitionRefused(ValueError):
    """The report is not in a status from which this change makes sense."""

    def __init__(self, current: str) -> None:
        super().__init__(current)
        self.current = current


async def change_status(db: Database, report_id: int, actor: str, to_status: str,
                        note: str | None = None, **fields: Any) -> tuple[Report, str, int | None]:
    """Move a report to ``to_status``, write the audit row and record the reporter's
    notification (when the report still has a reporter), in one transaction. Returns the
    updated report, the status it came from, and the notification's outbox id."""
    unknown = set(fields) - _CHANGE_FIELDS
    if unknown:
        raise ValueError(f"not changeable here: {unknown}")
    async with db.transaction() as conn:
        async with conn.execute("SELECT status FROM reports WHERE id = ?", (report_id,)) as cur:
            row = await cur.fetchone()
        if row is None:
            raise LookupError(report_id)
        current = row["status"]
        if not allowed(current, to_status):
            raise TransitionRefused(current)
        now = utcnow()
        updates = {**fields, "status": to_status, "status_changed_at": now}
        if current == "duplicate" and to_status != "duplicate":
            updates["duplicate_of"] = None  # reopened: no longer a copy of anything
        if to_status in ("rejected", "resolved") or note is not None:
            updates.setdefault("status_note", note)
        assignments = ", ".join(f"{name} = :{name}" for name in updates)
        await conn.execute(f"UPDATE reports SET {assignments} WHERE id = :id", {**updates, "id": report_id})
        await audit.append(conn, report_id, actor, "status", current, to_status, note)
        async with conn.execute(f"SELECT {COLUMNS} FROM reports WHERE id = ?", (report_id,)) as cur:
            updated = from_row(await cur.fetchone())
        notice = await outbox.enqueue(conn, "status", report_id, status=to_status) if updated.reporter_id else None
    return updated, current, notice


async def record(db: Database, report_id: int | None, actor: str, action: str, note: str | None = None) -> None:
    """An action that changes nothing but must be on the record (an export, an evidence bundle,
    a complaint draft): who took what out of the bot, and when. ``report_id`` None: many reports."""
    async with db.transaction() as conn:
        await audit.append(conn, report_id, actor, action, None, None, note)


async def add_note(db: Database, report_id: int, actor: str, text: str) -> None:
    """An internal note: only moderators see it; it lives in the append-only audit log."""
    async with db.transaction() as conn:
        await audit.append(conn, report_id, actor, "note", None, None, text)


async def add_reply(db: Database, report_id: int, actor: str, text: str) -> int | None:
    """A public answer to the reporter: kept for My reports, audited, and recorded for delivery
    (when the report still has a reporter); returns the outbox id."""
    async with db.transaction() as conn:
        await conn.execute("INSERT INTO replies (report_id, text, created_at) VALUES (?, ?, ?)",
                           (report_id, text, utcnow()))
        await audit.append(conn, report_id, actor, "reply", None, None, text)
        async with conn.execute("SELECT reporter_id FROM reports WHERE id = ?", (report_id,)) as cur:
            (reporter_id,) = await cur.fetchone()
        return await outbox.enqueue(conn, "reply", report_id, text=text) if reporter_id else None


async def replies_of(db: Database, report_id: int) -> list[str]:
    rows = await db.fetchall("SELECT text FROM replies WHERE report_id = ? ORDER BY id", (report_id,))
    return [row["text"] for row in rows]


async def set_moderator_message(db: Database, report_id: int, message_id: int) -> None:
    async with db.transaction() as conn:
        await conn.execute("UPDATE reports SET moderator_message_id = ? WHERE id = ?", (message_id, report_id))


async def queue(db: Database, offset: int, limit: int) -> tuple[list[Report], int]:
    """Reports that still need someone, oldest first, and how many there are in all."""
    marks = ", ".join("?" for _ in OPEN)
    rows = await db.fetchall(
        f"SELECT {COLUMNS} FROM reports WHERE status IN ({marks}) ORDER BY submitted_at, id LIMIT ? OFFSET ?",
        (*OPEN, limit, offset),
    )
    total = await db.fetchone(f"SELECT COUNT(*) FROM reports WHERE status IN ({marks})", OPEN)
    return [from_row(row) for row in rows], int(total[0])


@dataclass(frozen=True)
class Filters:
    """What /find and /export may filter on; every value is bound as a parameter."""

    region: str | None = None
    precinct: str | None = None
    category: str | None = None
    status: str | None = None
    since: str | None = None  # ISO date, inclusive, on submitted_at
    until: str | None = None  # ISO date, inclusive


async def find(db: Database, filters: Filters, limit: int = 1000) -> list[Report]:
    clauses, params = [], []
    for column, value in (("region", filters.region), ("precinct", filters.precinct), ("status", filters.status)):
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    if filters.category is not None:
        clauses.append("(category = ? OR subcategory = ?)")
        params += [filters.category, filters.category]
    if filters.since is not None:
        clauses.append("submitted_at >= ?")
        params.append(filters.since)
    if filters.until is not None:
        clauses.append("submitted_at < date(?, '+1 day')")
        params.append(filters.until)
    where = " AND ".join(clauses) or "1 = 1"
    rows = await db.fetchall(f"SELECT {COLUMNS} FROM reports WHERE {where} ORDER BY id LIMIT ?", (*params, limit))
    return [from_row(row) for row in rows]


async def counts(db: Database, column: str) -> list[tuple[str, int]]:
    """Reports per value of ``status``, ``category`` or ``region``, largest first."""
    if column not in ("status", "category", "subcategory", "region"):
        raise ValueError(column)
    rows = await db.fetchall(f"SELECT {column} AS value, COUNT(*) AS n FROM reports GROUP BY {column} ORDER BY n DESC, value")
    return [(row["value"], row["n"]) for row in rows]


async def stale_new(db: Database, older_than_iso: str) -> list[Report]:
    """New reports nobody took since ``older_than_iso`` and not yet alerted about."""
    rows = await db.fetchall(
        f"SELECT {COLUMNS} FROM reports WHERE status = 'new' AND submitted_at <= ? AND alerted_at IS NULL ORDER BY id",
        (older_than_iso,),
    )
    return [from_row(row) for row in rows]


async def mark(db: Database, report_id: int, column: str, value: str) -> None:
    if column not in ("alerted_at", "deadline_reminded"):
        raise ValueError(column)
    async with db.transaction() as conn:
        await conn.execute(f"UPDATE reports SET {column} = ? WHERE id = ?", (value, report_id))


async def with_status(db: Database, status: str) -> list[Report]:
    rows = await db.fetchall(f"SELECT {COLUMNS} FROM reports WHERE status = ? ORDER BY id", (status,))
    return [from_row(row) for row in rows]


async def moderators(db: Database) -> list[tuple[int, str, str | None]]:
    """(person id, pseudonym, staff name) of everyone with the moderator role."""
    rows = await db.fetchall("SELECT id, pseudonym, staff_name FROM people WHERE role = 'moderator' ORDER BY id")
    return [(row["id"], row["pseudonym"], row["staff_name"]) for row in rows]


async def set_staff_name(db: Database, person_id: int, name: str) -> None:
    async with db.transaction() as conn:
        await conn.execute("UPDATE people SET staff_name = ? WHERE id = ?", (name, person_id))


async def staff_name(db: Database, person_id: int | None) -> str | None:
    if person_id is None:
        return None
    row = await db.fetchone("SELECT staff_name FROM people WHERE id = ?", (person_id,))
    return row["staff_name"] if row else None


async def create_invite(db: Database, code_hash: str, created_by: str) -> None:
    async with db.transaction() as conn:
        await conn.execute("INSERT INTO invites (code_hash, created_by, created_at) VALUES (?, ?, ?)",
                           (code_hash, created_by, utcnow()))


async def redeem_invite(db: Database, code_hash: str, person_id: int) -> bool:
    """Mark the invite used by this person; False if unknown or already used."""
    async with db.transaction() as conn:
        cur = await conn.execute(
            "UPDATE invites SET redeemed_at = ?, redeemed_by = ? WHERE code_hash = ? AND redeemed_at IS NULL",
            (utcnow(), person_id, code_hash),
        )
        if cur.rowcount != 1:
            return False
        await conn.execute("UPDATE people SET role = 'observer' WHERE id = ? AND role = 'reporter'", (person_id,))
    return True
