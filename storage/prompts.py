"""Questions the bot asked a moderator in a chat, waiting for a reply to that very message."""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel

from domain import clock
from storage.db import Database


class Prompt(BaseModel):
    id: int
    chat_id: int
    message_id: int
    moderator_id: int
    action: str
    report_id: int
    internal: bool
    asked_status: str
    asked_step: int | None
    created_at: str


async def create(db: Database, chat_id: int, message_id: int, moderator_id: int, action: str,
                 report_id: int, asked_status: str, asked_step: int | None) -> Prompt:
    """Record a question that is in the chat now (never before it was sent), with the report's
    status and latest escalation step at that moment: the answer holds only while they do."""
    async with db.transaction() as conn:
        cur = await conn.execute(
            "INSERT INTO prompts (chat_id, message_id, moderator_id, action, report_id, asked_status, asked_step,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (chat_id, message_id, moderator_id, action, report_id, asked_status, asked_step, clock.utcnow()))
        prompt_id = int(cur.lastrowid)
    return await get(db, prompt_id)


async def get(db: Database, prompt_id: int) -> Prompt | None:
    row = await db.fetchone("SELECT * FROM prompts WHERE id = ?", (prompt_id,))
    return Prompt(**dict(row)) if row else None


async def at(db: Database, chat_id: int, message_id: int) -> Prompt | None:
    """The question that message is, if it is one still open."""
    row = await db.fetchone("SELECT * FROM prompts WHERE chat_id = ? AND message_id = ?", (chat_id, message_id))
    return Prompt(**dict(row)) if row else None


async def set_internal(db: Database, prompt_id: int, internal: bool) -> None:
    async with db.transaction() as conn:
        await conn.execute("UPDATE prompts SET internal = ? WHERE id = ?", (int(internal), prompt_id))


async def close(db: Database, prompt_id: int) -> bool:
    """Forget a question (cancelled or expired); False if it was already closed."""
    async with db.transaction() as conn:
        cur = await conn.execute("DELETE FROM prompts WHERE id = ?", (prompt_id,))
        return cur.rowcount == 1


async def close_older_than(db: Database, age: timedelta) -> int:
    """Forget questions nobody answered in time; how many."""
    async with db.transaction() as conn:
        cur = await conn.execute("DELETE FROM prompts WHERE created_at < ?", (clock.ago(age),))
        return cur.rowcount
