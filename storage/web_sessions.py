"""The dashboard's one-time sign-in links and sessions; tokens are kept only as keyed hashes."""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel

from domain import clock
from storage.db import Database


class Session(BaseModel):
    person_id: int
    csrf: str
    expires_at: str


async def add_login(db: Database, token_hash: str, person_id: int) -> None:
    async with db.transaction() as conn:
        await conn.execute("INSERT INTO web_logins (token_hash, person_id, created_at) VALUES (?, ?, ?)",
                           (token_hash, person_id, clock.utcnow()))


async def use_login(db: Database, token_hash: str, valid_for: timedelta) -> int | None:
    """The person a link signs in, marking it used; None when unknown, used or too old."""
    async with db.transaction() as conn:
        async with conn.execute(
                "UPDATE web_logins SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND created_at >= ?"
                " RETURNING person_id", (clock.utcnow(), token_hash, clock.ago(valid_for))) as cur:
            row = await cur.fetchone()
    return int(row[0]) if row else None


async def open_session(db: Database, id_hash: str, person_id: int, csrf: str, lasts: timedelta) -> None:
    now = clock.now()
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO web_sessions (id_hash, person_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
            (id_hash, person_id, csrf, clock.iso(now), clock.iso(now + lasts)))


async def session(db: Database, id_hash: str) -> Session | None:
    """A session still open: not expired, not revoked."""
    row = await db.fetchone(
        "SELECT person_id, csrf, expires_at FROM web_sessions"
        " WHERE id_hash = ? AND revoked_at IS NULL AND expires_at > ?", (id_hash, clock.utcnow()))
    return Session(**dict(row)) if row else None


async def revoke(db: Database, id_hash: str) -> None:
    async with db.transaction() as conn:
        await conn.execute("UPDATE web_sessions SET revoked_at = ? WHERE id_hash = ? AND revoked_at IS NULL",
                           (clock.utcnow(), id_hash))


async def revoke_person(db: Database, person_id: int) -> int:
    """Close every session of someone no longer staff; how many were open."""
    async with db.transaction() as conn:
        cur = await conn.execute(
            "UPDATE web_sessions SET revoked_at = ? WHERE person_id = ? AND revoked_at IS NULL",
            (clock.utcnow(), person_id))
        await conn.execute("DELETE FROM web_logins WHERE person_id = ? AND used_at IS NULL", (person_id,))
        return cur.rowcount


async def use_init_data(db: Database, data_hash: str, expires_at: str) -> bool:
    """Mark a Mini App's initData used; False when it was used before (a replay). Those past
    their expiry are forgotten on the way (they would be refused as stale anyway)."""
    async with db.transaction() as conn:
        await conn.execute("DELETE FROM web_init_data_used WHERE expires_at <= ?", (clock.utcnow(),))
        cur = await conn.execute("INSERT OR IGNORE INTO web_init_data_used (data_hash, expires_at) VALUES (?, ?)",
                                 (data_hash, expires_at))
        return cur.rowcount == 1
