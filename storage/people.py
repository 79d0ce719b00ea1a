"""People and their roles and settings, looked up by keyed pseudonym."""

from __future__ import annotations

from typing import Callable

from domain.clock import utcnow
from storage.db import Database
from storage.models import Language, Person, Role

_COLUMNS = "id, pseudonym, language, role, staff_name"


async def get(db: Database, pseudonym: str) -> Person | None:
    row = await db.fetchone(f"SELECT {_COLUMNS} FROM people WHERE pseudonym = ?", (pseudonym,))
    return Person(**dict(row)) if row else None


async def get_by_id(db: Database, person_id: int) -> Person | None:
    row = await db.fetchone(f"SELECT {_COLUMNS} FROM people WHERE id = ?", (person_id,))
    return Person(**dict(row)) if row else None


async def get_or_create(
    db: Database, pseudonym: str, language: Language, chat_ref: bytes | None
) -> Person:
    """The person with this pseudonym, created with ``language`` at first contact."""
    found = await get(db, pseudonym)
    if found:
        return found
    now = utcnow()
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO people (pseudonym, chat_ref, language, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (pseudonym) DO NOTHING",
            (pseudonym, chat_ref, language, now, now),
        )
    person = await get(db, pseudonym)
    assert person is not None
    return person


async def set_language(db: Database, person_id: int, language: Language) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE people SET language = ?, updated_at = ? WHERE id = ?",
            (language, utcnow(), person_id),
        )


async def set_role(db: Database, person_id: int, role: Role) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE people SET role = ?, updated_at = ? WHERE id = ?", (role, utcnow(), person_id)
        )


async def set_chat_ref(db: Database, person_id: int, chat_ref: bytes) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE people SET chat_ref = ?, updated_at = ? WHERE id = ?",
            (chat_ref, utcnow(), person_id),
        )


async def rename(db: Database, person_id: int, pseudonym: str, chat_ref: bytes | None) -> None:
    """Move a person to a new pseudonym (after the secret was rotated), re-sealing the chat."""
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE people SET pseudonym = ?, chat_ref = COALESCE(?, chat_ref), updated_at = ?"
            " WHERE id = ?",
            (pseudonym, chat_ref, utcnow(), person_id),
        )


async def fill_chat_ref(db: Database, person_id: int, chat_ref: bytes) -> None:
    """Store the sealed chat where none is stored yet (a cheap no-op otherwise)."""
    row = await db.fetchone("SELECT chat_ref IS NULL AS missing FROM people WHERE id = ?", (person_id,))
    if row and row["missing"]:
        await set_chat_ref(db, person_id, chat_ref)


async def chat_ref(db: Database, person_id: int) -> bytes | None:
    row = await db.fetchone("SELECT chat_ref FROM people WHERE id = ?", (person_id,))
    return row["chat_ref"] if row else None


async def delete(db: Database, person_id: int) -> None:
    """Forget a person: drafts and draft evidence go with them, reports lose the link."""
    try:
        async with db.transaction() as conn:
            await conn.execute("DELETE FROM people WHERE id = ?", (person_id,))
    finally:
        db.draft_cache.invalidate(person_id)  # the draft went with the person (ON DELETE CASCADE)


async def reseal_chat_refs(db: Database, unseal: Callable[[bytes], str | None],
                           seal: Callable[[str], bytes]) -> int:
    """Seal every chat reference again (after a key rotation), in one transaction; returns how
    many. A reference that does not open is left as it is."""
    count = 0
    async with db.transaction() as conn:
        async with conn.execute("SELECT id, chat_ref FROM people WHERE chat_ref IS NOT NULL") as cur:
            rows = await cur.fetchall()
        for person_id, sealed in rows:
            opened = unseal(sealed)
            if opened is not None:
                await conn.execute("UPDATE people SET chat_ref = ? WHERE id = ?", (seal(opened), person_id))
                count += 1
    return count
