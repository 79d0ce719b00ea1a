"""The outbox: messages that must reach people, stored before they are sent and retried until
delivered or clearly undeliverable. An item is claimed before each attempt (its due time moved a
lease ahead), so two runners never send the same item at once."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import aiosqlite
from pydantic import BaseModel

from domain import clock
from storage.db import Database

KINDS: tuple[str, ...] = ("confirmation", "status", "reply", "answer", "card", "evidence")  # also the order of sending
LEASE = timedelta(minutes=2)  # an attempt that died (the process was killed) is retried after this
_PRIORITY = " ".join(f"WHEN '{kind}' THEN {rank}" for rank, kind in enumerate(KINDS))


class Item(BaseModel):
    id: int
    kind: str
    report_id: int
    body: dict[str, Any]
    attempts: int
    created_at: str


def _item(row) -> Item:
    return Item(id=row["id"], kind=row["kind"], report_id=row["report_id"], body=json.loads(row["body"]),
                attempts=row["attempts"], created_at=row["created_at"])


async def enqueue(conn: aiosqlite.Connection, kind: str, report_id: int, **body: Any) -> int:
    """Record an item inside the caller's transaction, so it lands with what it tells of."""
    if kind not in KINDS:
        raise ValueError(kind)
    now = clock.utcnow()
    cur = await conn.execute(
        "INSERT INTO outbox (kind, report_id, body, created_at, due_at) VALUES (?, ?, ?, ?, ?)",
        (kind, report_id, json.dumps(body, ensure_ascii=False), now, now))
    return int(cur.lastrowid)


async def add(db: Database, kind: str, report_id: int, **body: Any) -> int:
    """Record an item in a transaction of its own."""
    async with db.transaction() as conn:
        return await enqueue(conn, kind, report_id, **body)


async def claim(db: Database, item_id: int, *, now_or_later: bool = False) -> Item | None:
    """Take a due item for one attempt (None when it is sent, given up, or another runner has it);
    ``now_or_later`` takes it before its due time too (the person is asking for it now)."""
    now = clock.now()
    due_by = clock.iso(now + LEASE) if now_or_later else clock.iso(now)
    async with db.transaction() as conn:
        cur = await conn.execute(
            "UPDATE outbox SET due_at = ?, attempts = attempts + 1"
            " WHERE id = ? AND sent_at IS NULL AND given_up IS NULL AND due_at <= ?",
            (clock.iso(now + LEASE), item_id, due_by))
        if cur.rowcount != 1:
            return None
        async with conn.execute("SELECT * FROM outbox WHERE id = ?", (item_id,)) as rows:
            return _item(await rows.fetchone())


async def release_all(db: Database) -> None:
    """At start: every waiting item is due now (attempts cut by the last stop, items pausing
    after failures): a restart is the moment to try them all again."""
    await db.write("UPDATE outbox SET due_at = ? WHERE sent_at IS NULL AND given_up IS NULL AND due_at > ?",
                   (clock.utcnow(), clock.utcnow()))


async def due(db: Database, limit: int = 50) -> list[int]:
    """Ids of the items due now: what reporters wait for first, then cards, then evidence."""
    rows = await db.fetchall(
        f"SELECT id FROM outbox WHERE sent_at IS NULL AND given_up IS NULL AND due_at <= ?"
        f" ORDER BY CASE kind {_PRIORITY} END, id LIMIT ?", (clock.utcnow(), limit))
    return [row["id"] for row in rows]


async def sent(db: Database, item_id: int) -> None:
    await db.write("UPDATE outbox SET sent_at = ? WHERE id = ?", (clock.utcnow(), item_id))


async def give_up(db: Database, item_id: int, why: str) -> None:
    await db.write("UPDATE outbox SET given_up = ? WHERE id = ?", (why[:200], item_id))


async def retry_after(db: Database, item_id: int, delay: timedelta) -> None:
    await db.write("UPDATE outbox SET due_at = ? WHERE id = ?", (clock.iso(clock.now() + delay), item_id))


async def update_body(db: Database, item_id: int, **body: Any) -> None:
    """Remember how far an attempt got (the evidence posted so far), so a retry goes on from there."""
    await db.write("UPDATE outbox SET body = json_patch(body, ?) WHERE id = ?",
                   (json.dumps(body, ensure_ascii=False), item_id))


async def pending_confirmation(db: Database, reporter_id: int) -> int | None:
    """The reporter's confirmation that has not reached them yet, if any."""
    row = await db.fetchone(
        "SELECT o.id FROM outbox o JOIN reports r ON r.id = o.report_id"
        " WHERE o.kind = 'confirmation' AND o.sent_at IS NULL AND o.given_up IS NULL AND r.reporter_id = ?"
        " ORDER BY o.id DESC LIMIT 1", (reporter_id,))
    return row["id"] if row else None


async def confirmed_by_list(db: Database, reporter_id: int) -> None:
    """/myreports showed the references: the confirmations still waiting are delivered by it."""
    await db.write(
        "UPDATE outbox SET sent_at = ? WHERE kind = 'confirmation' AND sent_at IS NULL AND given_up IS NULL"
        " AND report_id IN (SELECT id FROM reports WHERE reporter_id = ?)", (clock.utcnow(), reporter_id))


async def backlog(db: Database) -> tuple[int, str | None]:
    """How many items wait, and since when the oldest does."""
    row = await db.fetchone(
        "SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM outbox WHERE sent_at IS NULL AND given_up IS NULL")
    return int(row["n"]), row["oldest"]


async def backlog_by_kind(db: Database) -> dict[str, int]:
    rows = await db.fetchall(
        "SELECT kind, COUNT(*) AS n FROM outbox WHERE sent_at IS NULL AND given_up IS NULL GROUP BY kind")
    return {row["kind"]: int(row["n"]) for row in rows}


async def reports_without_card(db: Database, limit: int) -> list[int]:
    """Reports with no card in the moderators' chat and no card waiting in the outbox (made
    while no moderators' chat was set)."""
    rows = await db.fetchall(
        "SELECT r.id FROM reports r WHERE r.moderator_message_id IS NULL AND NOT EXISTS"
        " (SELECT 1 FROM outbox o WHERE o.report_id = r.id AND o.kind = 'card'"
        "  AND o.given_up IS NULL) ORDER BY r.id LIMIT ?", (limit,))
    return [row["id"] for row in rows]
