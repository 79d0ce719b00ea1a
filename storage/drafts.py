"""Drafts of reports, one per person, written through at every step of the wizard."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from storage.db import Database, utcnow
from storage.models import Draft


async def get(db: Database, person_id: int) -> Draft | None:
    row = await db.fetchone("SELECT data FROM drafts WHERE person_id = ?", (person_id,))
    return Draft.model_validate_json(row["data"]) if row else None


async def save(db: Database, person_id: int, draft: Draft) -> None:
    now = utcnow()
    await db.write(
        "INSERT INTO drafts (person_id, data, created_at, updated_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (person_id) DO UPDATE SET data = excluded.data,"
        " updated_at = excluded.updated_at, reminded_at = NULL",
        (person_id, draft.model_dump_json(), now, now),
    )


async def delete(db: Database, person_id: int) -> None:
    await db.write("DELETE FROM drafts WHERE person_id = ?", (person_id,))


def _ago(age: timedelta) -> str:
    return (datetime.now(timezone.utc) - age).isoformat(timespec="seconds")


async def due_for_reminder(db: Database, idle: timedelta) -> list[int]:
    """People whose draft has been untouched for ``idle`` and who were not reminded yet."""
    rows = await db.fetchall(
        "SELECT person_id FROM drafts WHERE updated_at <= ? AND reminded_at IS NULL", (_ago(idle),)
    )
    return [row["person_id"] for row in rows]


async def mark_reminded(db: Database, person_id: int) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE drafts SET reminded_at = ? WHERE person_id = ?", (utcnow(), person_id)
        )


async def expired(db: Database, age: timedelta) -> list[int]:
    rows = await db.fetchall("SELECT person_id FROM drafts WHERE updated_at <= ?", (_ago(age),))
    return [row["person_id"] for row in rows]


async def count(db: Database) -> int:
    row = await db.fetchone("SELECT COUNT(*) FROM drafts")
    return int(row[0])
