"""Drafts of reports, one per person, written through at every step of the wizard."""

from __future__ import annotations

from datetime import timedelta
from typing import Callable

from storage.crypto import Keys
from domain.clock import ago, utcnow
from storage.db import Database
from storage.models import Draft


async def get(db: Database, person_id: int) -> Draft | None:
    """The person's draft: a fresh object each time, so changing it changes nothing stored. That
    there is none is remembered too (a new person's first look costs no trip the second time)."""
    data = db.draft_cache.get(person_id)
    if data is None:
        generation = db.draft_cache.generation
        row = await db.fetchone("SELECT data FROM drafts WHERE person_id = ?", (person_id,))
        data = row["data"] if row else NONE
        db.draft_cache.fill(person_id, data, generation)
    return Draft.model_validate_json(data) if data != NONE else None


def none_yet(db: Database, person_id: int) -> None:
    """A person created just now has no draft: known without reading."""
    db.draft_cache.put(person_id, NONE)


NONE = ""  # in the cache: the person has no draft (a stored draft is never empty JSON)


async def save(db: Database, person_id: int, draft: Draft,
               chat_ref: bytes | Callable[[], bytes] | None = None) -> None:
    """Write the draft through; a new draft keeps ``chat_ref`` (the sealed private chat) for its
    reminder and its wizard state after a restart: it goes when the draft goes. Given as a
    function, the chat is sealed only while the stored draft is not known to carry one (a
    Fernet token at every step was sealed for nothing: the first one stays)."""
    if callable(chat_ref):
        chat_ref = None if db.draft_cache.marked(person_id) else chat_ref()
    now, data = utcnow(), draft.model_dump_json()
    try:
        await db.write(
            "INSERT INTO drafts (person_id, data, created_at, updated_at, chat_ref) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (person_id) DO UPDATE SET data = excluded.data,"
            " updated_at = excluded.updated_at, reminded_at = NULL,"
            " chat_ref = COALESCE(drafts.chat_ref, excluded.chat_ref)",
            (person_id, data, now, now, chat_ref),
        )
    except BaseException:
        db.draft_cache.invalidate(person_id)  # whether it was written is unknown: read it again
        raise
    db.draft_cache.put(person_id, data, mark=chat_ref is not None)


async def chat_ref(db: Database, person_id: int) -> bytes | None:
    """The sealed chat the person's draft was written in."""
    row = await db.fetchone("SELECT chat_ref FROM drafts WHERE person_id = ?", (person_id,))
    return row["chat_ref"] if row else None


async def delete(db: Database, person_id: int) -> None:
    try:
        await db.write("DELETE FROM drafts WHERE person_id = ?", (person_id,))
    finally:
        db.draft_cache.invalidate(person_id)


async def due_for_reminder(db: Database, idle: timedelta) -> list[int]:
    """People whose draft has been untouched for ``idle`` and who were not reminded yet."""
    rows = await db.fetchall(
        "SELECT person_id FROM drafts WHERE updated_at <= ? AND reminded_at IS NULL", (ago(idle),)
    )
    return [row["person_id"] for row in rows]


async def mark_reminded(db: Database, person_id: int) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE drafts SET reminded_at = ? WHERE person_id = ?", (utcnow(), person_id)
        )


async def expired(db: Database, age: timedelta) -> list[int]:
    rows = await db.fetchall("SELECT person_id FROM drafts WHERE updated_at <= ?", (ago(age),))
    return [row["person_id"] for row in rows]


async def count(db: Database) -> int:
    row = await db.fetchone("SELECT COUNT(*) FROM drafts")
    return int(row[0])


async def wizard_states(db: Database, keys: Keys) -> dict[tuple[int, int], str]:
    """The report wizard's state for every open draft, keyed as its ConversationHandler keys
    conversations: (chat, user). Drafts are only made in private chats, where both are the
    person's chat id (kept sealed with the draft)."""
    rows = await db.fetchall(
        "SELECT chat_ref, json_extract(data, '$.step') AS step FROM drafts WHERE chat_ref IS NOT NULL"
    )
    states: dict[tuple[int, int], str] = {}
    for row in rows:
        chat = keys.unseal(row["chat_ref"])
        if chat is not None and row["step"]:
            states[(int(chat), int(chat))] = row["step"]
    return states
