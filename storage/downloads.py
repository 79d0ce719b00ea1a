"""Downloads still owed (migration 0021): a file's reference is recorded, as a pending evidence row
under its draft or report, before a byte of it is fetched; the download then fills the row in.
A kill, a time-out or an outage leaves the row pending and its debt here, tried again later
(handlers.evidence_intake), and its sender is told through the outbox if it finally fails."""

from __future__ import annotations

from datetime import timedelta

import aiosqlite
from pydantic import BaseModel

from domain import clock
from storage import audit, outbox
from storage.db import Database, fetch_one
from storage.models import EvidenceRecord

_FIELDS = [name for name in EvidenceRecord.model_fields if name != "id"]
# A download under way is not picked up again by the job before this; at a start every debt is due.
LEASE = timedelta(minutes=10)


class Owed(BaseModel):
    """One download owed: the file's record (pending), where it belongs, and whom to tell."""

    record: EvidenceRecord
    report_id: int | None
    chat: str  # sealed, as an outbox confirmation carries it (services.receipts)
    language: str
    attempts: int
    refused: int = 0  # a draft's file Telegram refused: 1 its sender still to be told, 2 told


async def keep(db: Database, record: EvidenceRecord, chat: str, language: str, *,
               owner_id: int | None = None, report_id: int | None = None) -> tuple[int, bool]:
    """Keep a file's reference, pending, under its owner's draft or (an urgent report's addition,
    audited) under a report, with its debt; returns the row id and whether it is new. The same
    file there already (its message handled again after a kill, or sent twice) is kept once."""
    values = {**record.model_dump(exclude={"id"}), "pending": True}

    async def body(conn: aiosqlite.Connection) -> tuple[int, bool]:
        where = "report_id = ?" if report_id is not None else "owner_id = ? AND report_id IS NULL"
        found = await fetch_one(conn, f"SELECT id FROM evidence WHERE {where} AND file_unique_id = ?",
                                (report_id if report_id is not None else owner_id, record.file_unique_id))
        if found is not None:
            return int(found["id"]), False
        columns = ", ".join(_FIELDS)
        marks = ", ".join(f":{name}" for name in _FIELDS)
        cur = await conn.execute(
            f"INSERT INTO evidence (owner_id, report_id, {columns}) VALUES (:owner_id, :report_id, {marks})",
            {**values, "owner_id": owner_id if report_id is None else None, "report_id": report_id})
        evidence_id = int(cur.lastrowid)
        now = clock.now()
        await conn.execute(
            "INSERT INTO downloads (evidence_id, chat, language, due_at, created_at) VALUES (?, ?, ?, ?, ?)",
            (evidence_id, chat, language, clock.iso(now + LEASE), clock.iso(now)))
        if report_id is not None:
            await audit.append(conn, report_id, "reporter", "urgent_added", None, None, record.kind)
        return evidence_id, True

    return await db.whole(body)


async def owed(db: Database, evidence_id: int) -> Owed | None:
    """The debt of one file (None: it is downloaded, or gone with its draft)."""
    rows = await _owed(db, "d.evidence_id = ?", (evidence_id,))
    return rows[0] if rows else None


async def due(db: Database, limit: int = 10) -> list[Owed]:
    """Downloads due for another attempt, oldest first."""
    return await _owed(db, "d.refused = 0 AND d.due_at <= ? ORDER BY d.evidence_id LIMIT ?", (clock.utcnow(), limit))


async def of_draft(db: Database, owner_id: int) -> list[Owed]:
    """The downloads a draft still waits for (not those Telegram refused)."""
    return await _owed(db, "d.refused = 0 AND e.owner_id = ? AND e.report_id IS NULL ORDER BY e.id", (owner_id,))


async def refused_in_reports(db: Database) -> list[Owed]:
    """Files Telegram refused while their report was a draft, now sent with it: to be let go."""
    return await _owed(db, "d.refused > 0 AND e.report_id IS NOT NULL ORDER BY e.id", ())


async def refuse(db: Database, evidence_id: int, told: bool) -> None:
    """A draft's file Telegram will never give: kept out of the draft's count and tries, let go
    once the report is sent (``told``: its sender heard of it in the chat already)."""
    await db.write("UPDATE downloads SET refused = ? WHERE evidence_id = ?", (2 if told else 1, evidence_id))


async def _owed(db: Database, where: str, params: tuple) -> list[Owed]:
    rows = await db.fetchall(
        f"SELECT e.id, e.report_id, {', '.join('e.' + name for name in _FIELDS)}, d.chat, d.language, d.attempts,"
        " d.refused"
        f" FROM downloads d JOIN evidence e ON e.id = d.evidence_id WHERE {where}", params)
    owed_list = []
    for row in rows:
        fields = dict(row)
        owed_list.append(Owed(report_id=fields.pop("report_id"), chat=fields.pop("chat"),
                              language=fields.pop("language"), attempts=fields.pop("attempts"),
                              refused=fields.pop("refused"), record=EvidenceRecord(**fields)))
    return owed_list


async def claim(db: Database, evidence_id: int) -> None:
    """An attempt begins: the job leaves this file alone for a lease."""
    await db.write("UPDATE downloads SET due_at = ?, attempts = attempts + 1 WHERE evidence_id = ?",
                   (clock.iso(clock.now() + LEASE), evidence_id))


async def retry_after(db: Database, evidence_id: int, delay: timedelta) -> None:
    await db.write("UPDATE downloads SET due_at = ? WHERE evidence_id = ?",
                   (clock.iso(clock.now() + delay), evidence_id))


async def release_all(db: Database) -> None:
    """At start: every owed download is due now (attempts a kill cut, pauses after failures)."""
    await db.write("UPDATE downloads SET due_at = ? WHERE due_at > ?", (clock.utcnow(), clock.utcnow()))


async def completed(db: Database, downloaded: EvidenceRecord) -> bool:
    """The download's result into its row, which is pending no more, and the debt dropped, in one
    transaction with what tells the moderators of a file that came after its report was posted:
    an urgent report's note with the file under its alert; an ordinary report's file under its
    card, unless its evidence is still to be posted (then it goes with the rest) or it went into a
    summary. False when the row is gone (its draft discarded) or already complete."""
    values = {**downloaded.model_dump(exclude={"id"}), "pending": False}
    changed = ", ".join(f"{name} = :{name}" for name in _FIELDS)

    async def body(conn: aiosqlite.Connection) -> bool:
        cur = await conn.execute(f"UPDATE evidence SET {changed} WHERE id = :id AND pending = 1",
                                 {**values, "id": downloaded.id})
        if cur.rowcount != 1:
            return False
        await conn.execute("DELETE FROM downloads WHERE evidence_id = ?", (downloaded.id,))
        row = await fetch_one(conn, "SELECT e.report_id, r.priority FROM evidence e LEFT JOIN reports r"
                              " ON r.id = e.report_id WHERE e.id = ?", (downloaded.id,))
        if row["report_id"] is not None:
            # A report's file changed: on its record, so its tags follow (storage.integrity).
            await audit.append(conn, row["report_id"], "reporter", "evidence_arrived", None, None, downloaded.kind)
            await _tell_moderators(conn, row["report_id"], row["priority"], downloaded)
        return True

    return await db.whole(body)


async def _tell_moderators(conn: aiosqlite.Connection, report_id: int, priority: str,
                           downloaded: EvidenceRecord) -> None:
    if priority == "urgent":
        await outbox.enqueue(conn, "alert", report_id, added=downloaded.kind, evidence=downloaded.id)
        return
    row = await fetch_one(
        conn, "SELECT SUM(sent_at IS NULL AND given_up IS NULL) AS waiting, SUM(sent_at IS NOT NULL) AS sent"
        " FROM outbox WHERE report_id = ? AND kind = 'evidence' AND json_extract(body, '$.only') IS NULL",
        (report_id,))
    if not row["waiting"] and row["sent"]:
        await outbox.enqueue(conn, "evidence", report_id, only=[downloaded.id])


async def lost(db: Database, evidence_id: int, *, tell: bool) -> Owed | None:
    """The file cannot be downloaded: its row goes (and its debt with it). With ``tell``, a file
    of a report gets the outbox's notice to its sender ("lost", with the sealed chat until it is
    delivered), in the same transaction. Returns what was owed (None: already gone)."""
    debt = await owed(db, evidence_id)
    if debt is None:
        return None
    async with db.transaction() as conn:
        cur = await conn.execute("DELETE FROM evidence WHERE id = ? AND pending = 1", (evidence_id,))
        if cur.rowcount != 1:
            return None
        if debt.report_id is not None:  # a report's file gone: on its record (storage.integrity)
            await audit.append(conn, debt.report_id, "reporter", "evidence_lost", None, None, debt.record.kind)
        if tell and debt.report_id is not None:
            await outbox.enqueue(conn, "lost", debt.report_id, chat=debt.chat, lang=debt.language,
                                 file=debt.record.kind)
    return debt


async def pending_in_draft(db: Database, owner_id: int) -> int:
    """How many of a draft's files are still coming (not those Telegram refused)."""
    row = await db.fetchone(
        "SELECT COUNT(*) FROM evidence e JOIN downloads d ON d.evidence_id = e.id"
        " WHERE e.owner_id = ? AND e.report_id IS NULL AND d.refused = 0", (owner_id,))
    return int(row[0])
