"""Evidence records: kept at receipt under the reporter's draft (storage.downloads.keep, before the
download), read per report."""

from __future__ import annotations

from collections.abc import Iterable

from storage import audit, outbox
from storage.db import Database
from storage.models import EvidenceRecord

_FIELDS = [name for name in EvidenceRecord.model_fields if name != "id"]
# The folders of DATA_DIR that hold evidence files (originals, and previews of older versions too).
STORED_FOLDERS = ("evidence", "thumbnails", "previews")


async def add_to_draft(db: Database, owner_id: int, record: EvidenceRecord) -> int:
    """Record a received file under its owner's draft; returns the new row id."""
    values = record.model_dump(exclude={"id"})
    columns = ", ".join(_FIELDS)
    marks = ", ".join(f":{name}" for name in _FIELDS)
    return await db.insert(
        f"INSERT INTO evidence (owner_id, {columns}) VALUES (:owner_id, {marks})",
        {**values, "owner_id": owner_id},
    )


# A draft's file Telegram refused to give (storage.downloads.refuse) is no longer counted in it.
_NOT_REFUSED = "NOT EXISTS (SELECT 1 FROM downloads d WHERE d.evidence_id = evidence.id AND d.refused > 0)"


async def add_to_report(db: Database, report_id: int, record: EvidenceRecord,
                        notices: Iterable[tuple[str, dict]] = (), action: str = "urgent_added",
                        note: str | None = None) -> int:
    """Record a file sent after its report was filed (an urgent report's follow-up, an answer to
    a moderator) under the report, on the record (``action``, with ``note`` or the file's kind),
    with the outbox ``notices`` (kind, body: each body gets the new row's id as "evidence") that
    tell of it, in one transaction; returns the row id."""
    values = record.model_dump(exclude={"id"})
    columns = ", ".join(_FIELDS)
    marks = ", ".join(f":{name}" for name in _FIELDS)
    async with db.transaction() as conn:
        cur = await conn.execute(f"INSERT INTO evidence (report_id, {columns}) VALUES (:report_id, {marks})",
                                 {**values, "report_id": report_id})
        evidence_id = int(cur.lastrowid)
        await audit.append(conn, report_id, "reporter", action, None, None, note or record.kind)
        for kind, body in notices:
            await outbox.enqueue(conn, kind, report_id, **{**body, "evidence": evidence_id})
    return evidence_id


async def count_of_draft(db: Database, owner_id: int) -> int:
    row = await db.fetchone(
        f"SELECT COUNT(*) FROM evidence WHERE owner_id = ? AND report_id IS NULL AND {_NOT_REFUSED}", (owner_id,)
    )
    return int(row[0])


async def of_draft(db: Database, owner_id: int) -> list[EvidenceRecord]:
    rows = await db.fetchall(
        f"SELECT id, {', '.join(_FIELDS)} FROM evidence"
        f" WHERE owner_id = ? AND report_id IS NULL AND {_NOT_REFUSED} ORDER BY id",
        (owner_id,),
    )
    return [EvidenceRecord(**dict(row)) for row in rows]


async def of_report(db: Database, report_id: int) -> list[EvidenceRecord]:
    rows = await db.fetchall(
        f"SELECT id, {', '.join(_FIELDS)} FROM evidence WHERE report_id = ? ORDER BY id",
        (report_id,),
    )
    return [EvidenceRecord(**dict(row)) for row in rows]


async def counts_of_reports(db: Database, report_ids: list[int]) -> dict[int, int]:
    """How many files each of these reports holds (those without are left out)."""
    if not report_ids:
        return {}
    marks = ", ".join("?" for _ in report_ids)
    rows = await db.fetchall(f"SELECT report_id, COUNT(*) AS n FROM evidence WHERE report_id IN ({marks})"
                             " GROUP BY report_id", tuple(report_ids))
    return {row["report_id"]: int(row["n"]) for row in rows}


async def get(db: Database, evidence_id: int) -> tuple[int | None, EvidenceRecord] | None:
    """One file's record and the report it belongs to (None while it is in a draft)."""
    row = await db.fetchone(f"SELECT id, report_id, {', '.join(_FIELDS)} FROM evidence WHERE id = ?", (evidence_id,))
    if row is None:
        return None
    fields = dict(row)
    return fields.pop("report_id"), EvidenceRecord(**fields)


async def number_in_report(db: Database, report_id: int, evidence_id: int) -> int:
    """A file's number in its report (1 for the first received), as every listing counts it."""
    row = await db.fetchone("SELECT COUNT(*) FROM evidence WHERE report_id = ? AND id <= ?",
                            (report_id, evidence_id))
    return int(row[0])


async def discard_draft(db: Database, owner_id: int) -> list[EvidenceRecord]:
    """Drop a draft's evidence rows; returns them so their files can be removed too."""
    records = await of_draft(db, owner_id)
    async with db.transaction() as conn:
        await conn.execute(
            "DELETE FROM evidence WHERE owner_id = ? AND report_id IS NULL", (owner_id,)
        )
    return records


async def stored_paths(db: Database) -> set[str]:
    """Every file an evidence row refers to (originals and previews, drafts' and reports')."""
    rows = await db.fetchall("SELECT stored_path, thumbnail_path, preview_path FROM evidence")
    return {path for row in rows for path in row if path}


async def remove_last_of_draft(db: Database, owner_id: int) -> EvidenceRecord | None:
    """Drop the file sent last to a draft (one sent by mistake, removed at the review); returns
    its row so its files can be removed too, or None when the draft has none."""
    async with db.transaction() as conn:
        async with conn.execute(
                f"SELECT id, {', '.join(_FIELDS)} FROM evidence WHERE owner_id = ? AND report_id IS NULL"
                " ORDER BY id DESC LIMIT 1", (owner_id,)) as cur:
            row = await cur.fetchone()
        if row is None:
            return None
        await conn.execute("DELETE FROM evidence WHERE id = ?", (row["id"],))
    return EvidenceRecord(**dict(row))
async def gps_counts_of_reports(db: Database, report_ids: list[int]) -> dict[int, int]:
    """How many files of each report carried a GPS position in their own data (exports' flags)."""
    if not report_ids:
        return {}
    found: dict[int, int] = {}
    for start in range(0, len(report_ids), 500):
        chunk = report_ids[start:start + 500]
        marks = ", ".join("?" for _ in chunk)
        rows = await db.fetchall(f"SELECT report_id, COUNT(*) AS n FROM evidence WHERE report_id IN ({marks})"
                                 " AND had_gps = 1 GROUP BY report_id", tuple(chunk))
        found.update({row["report_id"]: int(row["n"]) for row in rows})
    return found


async def add_to_filing(db: Database, report_id: int, step: int, which: str, record: EvidenceRecord,
                        actor: str) -> int:
    """A moderator's file of a filing in the chain (``which``: the "complaint" as filed, or the
    body's "answer"), kept as the report's evidence with its hash and linked to step ``step``
    (1 = the first filing), on the record; returns the row id. LookupError: no such step."""
    column = {"complaint": "complaint_evidence", "answer": "answer_evidence"}[which]
    values = record.model_dump(exclude={"id"})
    columns = ", ".join(_FIELDS)
    marks = ", ".join(f":{name}" for name in _FIELDS)
    async with db.transaction() as conn:
        async with conn.execute("SELECT id, target FROM escalations WHERE report_id = ? ORDER BY id LIMIT 1 OFFSET ?",
                                (report_id, step - 1)) as cur:
            row = await cur.fetchone() if step >= 1 else None
        if row is None:
            raise LookupError(step)
        cur = await conn.execute(f"INSERT INTO evidence (report_id, {columns}) VALUES (:report_id, {marks})",
                                 {**values, "report_id": report_id})
        evidence_id = int(cur.lastrowid)
        await conn.execute(f"UPDATE escalations SET {column} = ? WHERE id = ?", (evidence_id, row["id"]))
        await audit.append(conn, report_id, actor, "filing_file", None, None,
                           f"{step} {row['target']} {which} {record.sha256 or '-'}")
    return evidence_id
