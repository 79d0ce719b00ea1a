"""The outbox: messages that must reach people, stored before they are sent and retried until
delivered or clearly undeliverable. An item is claimed before each attempt (its due time moved a
lease ahead), so runners do not pick the same item; what goes to the moderators' chat is also
marked on its way (below), so even a runner whose lease ran out never sends it twice.

A card not on its way to Telegram can give way to a summary (``summarise``): its card and evidence
are given up as SUMMARISED, and the report is counted in the one summary message waiting to go.

A message to the moderators' chat is marked on its way (``depart``: ``sending`` in its body) just
before it reaches Telegram, and unmarked once its result is recorded; a mark found by a later
attempt, with no runner of this process still on it, means the attempt died or timed out between
the two, and whether Telegram took the message is not known (handlers.deliveries decides then). An urgent
report's card is an ``alert``: first of all, never summarised, and (handlers.deliveries) never
sent in the background; so are the notes under it of what its reporter added after it."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import aiosqlite
from pydantic import BaseModel

from domain import clock
from storage.db import Database, fetch_one

KINDS: tuple[str, ...] = (
    "alert", "duty", "confirmation", "status", "reply", "lost", "answer", "summary", "card",
    "evidence")  # also the order of sending
GROUP_KINDS = ("alert", "answer", "summary", "card", "evidence")  # what goes to the moderators' chat
# Sent as an answer is, never behind the background: the urgent report's alert (in the group's
# reserve) and its private copies to the moderators on duty (handlers.duty).
FOREGROUND = ("alert", "duty")
# A report's card: a card, or (an urgent report) an alert that is no note of something added.
_CARD = "({o}kind = 'card' OR ({o}kind = 'alert' AND json_extract({o}body, '$.added') IS NULL))"
SUMMARISED = "summarised"  # why a card and its evidence were not sent: the report went into a summary
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
    async def body(conn: aiosqlite.Connection) -> aiosqlite.Row | None:
        cur = await conn.execute(
            "UPDATE outbox SET due_at = ?, attempts = attempts + 1"
            " WHERE id = ? AND sent_at IS NULL AND given_up IS NULL AND due_at <= ?",
            (clock.iso(now + LEASE), item_id, due_by))
        if cur.rowcount != 1:
            return None
        return await fetch_one(conn, "SELECT * FROM outbox WHERE id = ?", (item_id,))

    row = await db.whole(body)
    return None if row is None else _item(row)


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


# A confirmation's body holds its reporter's sealed chat and receipt code (and a notice of a file
# that could not be downloaded, "lost", the chat): kept only until it is delivered or given up,
# so that nothing ties an anonymous report to a chat afterwards.
_FORGET = "body = CASE kind WHEN 'confirmation' THEN '{}' WHEN 'lost' THEN '{}' ELSE body END"


async def sent(db: Database, item_id: int) -> None:
    await db.write(f"UPDATE outbox SET sent_at = ?, {_FORGET} WHERE id = ?", (clock.utcnow(), item_id))


async def give_up(db: Database, item_id: int, why: str) -> None:
    await db.write(f"UPDATE outbox SET given_up = ?, {_FORGET} WHERE id = ?", (why[:200], item_id))


async def retry_after(db: Database, item_id: int, delay: timedelta) -> None:
    await db.write("UPDATE outbox SET due_at = ? WHERE id = ?", (clock.iso(clock.now() + delay), item_id))


_SENDING = "json_extract(body, '$.sending')"


async def depart(db: Database, item_id: int, step: int) -> bool:
    """Mark the item's ``step`` on its way to Telegram; False (nothing marked) when it must not
    go: it was sent, given up (summarised) meanwhile, or another step or runner is on its way."""
    async def body(conn: aiosqlite.Connection) -> bool:
        cur = await conn.execute(
            f"UPDATE outbox SET body = json_set(body, '$.sending', ?) WHERE id = ? AND sent_at IS NULL"
            f" AND given_up IS NULL AND {_SENDING} IS NULL", (step, item_id))
        return cur.rowcount == 1

    return await db.whole(body)


async def landed(db: Database, item_id: int, **body: Any) -> None:
    """The step on its way has its result recorded (``body``: how far the item got), or was
    surely not taken by Telegram: the mark is lifted."""
    await db.write("UPDATE outbox SET body = json_remove(json_patch(body, ?), '$.sending') WHERE id = ?",
                   (json.dumps(body, ensure_ascii=False), item_id))


async def update_body(db: Database, item_id: int, **body: Any) -> None:
    """Remember how far an attempt got (the evidence posted so far), so a retry goes on from there."""
    await db.write("UPDATE outbox SET body = json_patch(body, ?) WHERE id = ?",
                   (json.dumps(body, ensure_ascii=False), item_id))


# Served by migration 0018's index (the expression must stay exactly as it is there).
PENDING_CONFIRMATION = ("SELECT id FROM outbox WHERE kind = 'confirmation' AND sent_at IS NULL AND given_up IS NULL"
                        " AND json_extract(body, '$.who') = ? ORDER BY id DESC LIMIT 1")


async def pending_confirmation(db: Database, who: str) -> int | None:
    """The confirmation that has not reached the chat with this keyed hash yet, if any."""
    row = await db.fetchone(PENDING_CONFIRMATION, (who,))
    return row["id"] if row else None


async def waiting(db: Database, report_id: int, kinds: tuple[str, ...]) -> list[int]:
    """Ids of a report's items of these kinds not sent or given up yet, oldest first."""
    marks = ", ".join("?" for _ in kinds)
    rows = await db.fetchall(
        f"SELECT id FROM outbox WHERE report_id = ? AND kind IN ({marks}) AND sent_at IS NULL AND given_up IS NULL"
        " ORDER BY id", (report_id, *kinds))
    return [row["id"] for row in rows]


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
    while no moderators' chat was set); a report that went into a summary keeps it. An
    observer's count has none (it is no case for moderators)."""
    rows = await db.fetchall(
        "SELECT r.id FROM reports r WHERE r.moderator_message_id IS NULL AND r.kind = 'violation' AND NOT EXISTS"
        f" (SELECT 1 FROM outbox o WHERE o.report_id = r.id AND {_CARD.format(o='o.')}"
        "  AND (o.given_up IS NULL OR o.given_up = ?)) ORDER BY r.id LIMIT ?", (SUMMARISED, limit))
    return [row["id"] for row in rows]


async def card_coming(db: Database, report_id: int) -> bool:
    """Whether the report's card is still to be posted (not posted, not given up)."""
    row = await db.fetchone(
        f"SELECT 1 FROM outbox WHERE report_id = ? AND {_CARD.format(o='')} AND sent_at IS NULL AND given_up IS NULL",
        (report_id,))
    return row is not None


async def group_backlog(db: Database) -> tuple[int, list[tuple[int, int]], bool]:
    """What waits for the moderators' chat, in messages: those already due to go (answers,
    summaries, cards on their way to Telegram, evidence under cards in the chat: one message a
    file); each card not on its way yet, oldest first, as (item id, messages with its evidence);
    and whether a summary waits that more reports can join (never tried: a runner that claimed
    one has read its list already)."""
    marks = ", ".join("?" for _ in GROUP_KINDS)
    rows = await db.fetchall(
        "SELECT o.id, o.kind, o.report_id, o.attempts, r.moderator_message_id IS NOT NULL AS carded,"
        " json_extract(o.body, '$.sending') AS departed,"
        " (SELECT COUNT(*) FROM evidence e WHERE e.report_id = o.report_id) AS files"
        " FROM outbox o JOIN reports r ON r.id = o.report_id"
        f" WHERE o.sent_at IS NULL AND o.given_up IS NULL AND o.kind IN ({marks}) ORDER BY o.id", GROUP_KINDS)
    fresh = {row["report_id"]: row for row in rows
             if row["kind"] == "card" and row["departed"] is None and not row["carded"]}
    committed = 0
    for row in rows:
        if row["report_id"] in fresh and row["kind"] in ("card", "evidence"):
            continue  # counted with its card below
        committed += (row["files"] if row["carded"] else 0) if row["kind"] == "evidence" else 1
    joinable = any(row["kind"] == "summary" and row["attempts"] == 0 for row in rows)
    return committed, [(row["id"], 1 + row["files"]) for row in fresh.values()], joinable


async def summarise(db: Database, card_ids: list[int], every: timedelta, unsure: bool = False) -> list[int]:
    """These cards, if not on their way to Telegram, give way to a summary: their card and
    evidence are given up as SUMMARISED and their reports join the summary waiting to go (never
    tried), or a new one due ``every`` after the last one went. Returns the reports
    summarised. A card on its way may be in the chat already and is left to go, unless
    ``unsure``: its attempt ended without knowing whether Telegram took it (handlers.deliveries),
    and its report is named in a summary rather than posted a second time."""
    if not card_ids:
        return []
    now = clock.now()
    marks = ", ".join("?" for _ in card_ids)
    on_its_way = "" if unsure else f" AND {_SENDING} IS NULL"
    async with db.transaction() as conn:
        rows = await conn.execute_fetchall(
            f"SELECT report_id FROM outbox WHERE id IN ({marks}) AND kind IN ('card', 'alert'){on_its_way}"
            " AND sent_at IS NULL AND given_up IS NULL ORDER BY id", card_ids)
        report_ids = [row["report_id"] for row in rows]
        waiting = await conn.execute_fetchall(
            # Never tried: one claimed has had its list read by the runner that will send it.
            "SELECT id, body FROM outbox WHERE kind = 'summary' AND attempts = 0"
            " AND sent_at IS NULL AND given_up IS NULL ORDER BY id LIMIT 1")
        if not report_ids:
            return []
        marks = ", ".join("?" for _ in report_ids)
        await conn.execute(
            f"UPDATE outbox SET given_up = ? WHERE (kind IN ('card', 'evidence') OR id IN ({', '.join('?' for _ in card_ids)}))"
            f" AND report_id IN ({marks}) AND sent_at IS NULL AND given_up IS NULL",
            (SUMMARISED, *card_ids, *report_ids))
        if waiting:
            body = json.loads(waiting[0]["body"])
            body["reports"] = body.get("reports", []) + report_ids
            await conn.execute("UPDATE outbox SET body = ? WHERE id = ?", (json.dumps(body), waiting[0]["id"]))
            return report_ids
        rows = await conn.execute_fetchall(
            "SELECT MAX(sent_at) AS last, SUM(sent_at IS NULL) AS sending FROM outbox"
            " WHERE kind = 'summary' AND given_up IS NULL")
        last, sending = rows[0]["last"], rows[0]["sending"]
        due = now + every if sending else max(now, clock.parse(last) + every) if last else now
        await conn.execute(
            "INSERT INTO outbox (kind, report_id, body, created_at, due_at) VALUES ('summary', ?, ?, ?, ?)",
            (report_ids[-1], json.dumps({"reports": report_ids}), clock.iso(now), clock.iso(due)))
    return report_ids
