"""Witnesses of one event: which reports a new one belongs with (same file, same precinct or
place within a few hours), the groups they form, and a moderator's confirming or splitting them."""

from __future__ import annotations

import math
from dataclasses import dataclass

import aiosqlite

from domain import clock
from domain.rules import WITNESS_DISTANCE_M, WITNESS_WINDOW
from storage import audit
from storage.db import Database, fetch_one

_METRES_PER_DEGREE = 111_320


@dataclass(frozen=True)
class Member:
    report_id: int
    reference: str
    reporter_id: int | None
    reason: str
    state: str


@dataclass(frozen=True)
class Group:
    """A group as it stands: its first report's id and its members, oldest first."""

    anchor: int
    members: list[Member]

    @property
    def witnesses(self) -> int:
        """Independent reporters: each reporter who allowed contact once, each anonymous report
        on its own (nothing links two of them, so nothing says they are one person)."""
        known = {member.reporter_id for member in self.members if member.reporter_id is not None}
        return len(known) + sum(1 for member in self.members if member.reporter_id is None)

    @property
    def confirmed(self) -> bool:
        return all(member.state == "confirmed" for member in self.members)


def _metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(a))


async def _related(conn, report_id: int) -> dict[int, str]:
    """The other reports this one is taken to witness the same event as, with why."""
    row = await fetch_one(conn, "SELECT region, precinct, precinct_kind, latitude, longitude, submitted_at"
                          " FROM reports WHERE id = ?", (report_id,))
    if row is None:
        return {}
    found: dict[int, str] = {}
    for column in ("sha256", "file_unique_id"):
        for (other,) in await conn.execute_fetchall(
                f"SELECT DISTINCT other.report_id FROM evidence AS mine JOIN evidence AS other"
                f" ON other.{column} = mine.{column} WHERE mine.report_id = ? AND mine.{column} IS NOT NULL"
                f" AND other.report_id IS NOT NULL AND other.report_id != ?", (report_id, report_id)):
            found.setdefault(other, "evidence")
    at = clock.parse(row["submitted_at"])
    start, end = clock.iso(at - WITNESS_WINDOW), clock.iso(at + WITNESS_WINDOW)
    if row["precinct"] and row["precinct_kind"] in ("number", None):  # None: stored before kinds were
        # One report stands for each group found (joining it brings the whole group): a busy
        # precinct's hundredth report reads a row a group, not a row a report before it.
        for (other,) in await conn.execute_fetchall(
                "SELECT MIN(r.id) FROM reports AS r LEFT JOIN witness_groups AS w ON w.report_id = r.id"
                " WHERE r.region = ? AND r.precinct = ? AND r.submitted_at BETWEEN ? AND ? AND r.id != ?"
                " GROUP BY COALESCE(w.group_id, -r.id)", (row["region"], row["precinct"], start, end, report_id)):
            found.setdefault(other, "precinct")
    if row["latitude"] is not None and row["longitude"] is not None:
        lat, lon = float(row["latitude"]), float(row["longitude"])
        dlat = WITNESS_DISTANCE_M / _METRES_PER_DEGREE
        dlon = dlat / max(0.01, math.cos(math.radians(lat)))
        groups_met: set[int] = set()
        for other, olat, olon, group in await conn.execute_fetchall(
                "SELECT r.id, r.latitude, r.longitude, w.group_id FROM reports AS r INDEXED BY reports_located_time"
                " LEFT JOIN witness_groups AS w ON w.report_id = r.id"
                " WHERE r.latitude IS NOT NULL AND r.submitted_at BETWEEN ? AND ? AND r.latitude BETWEEN ? AND ?"
                " AND r.longitude BETWEEN ? AND ? AND r.id != ? ORDER BY r.id",
                (start, end, lat - dlat, lat + dlat, lon - dlon, lon + dlon, report_id)):
            if group is not None and group in groups_met:
                continue  # its group is in already, through an earlier member
            if _metres(lat, lon, float(olat), float(olon)) <= WITNESS_DISTANCE_M:
                found.setdefault(other, "place")
                if group is not None:
                    groups_met.add(group)
    if found:  # an observer's count (the same precinct, the same photo) is no witness to an incident
        marks = ", ".join("?" for _ in found)
        for (count,) in await conn.execute_fetchall(
                f"SELECT id FROM reports WHERE id IN ({marks}) AND kind != 'violation'", tuple(found)):
            del found[count]
    if found:  # a report a moderator split off stays apart
        marks = ", ".join("?" for _ in found)
        for (split,) in await conn.execute_fetchall(
                f"SELECT report_id FROM witness_groups WHERE state = 'split' AND report_id IN ({marks})", tuple(found)):
            del found[split]
    return found


async def place(db: Database, report_id: int) -> int | None:
    """Put a newly stored report with the reports it witnesses the same event as (groups it
    bridges become one, anchored at the oldest); returns its group's anchor, or None if it stands
    alone (or was split off by a moderator)."""
    async def body(conn: aiosqlite.Connection) -> int | None:
        mine = await fetch_one(conn, "SELECT group_id, state FROM witness_groups WHERE report_id = ?", (report_id,))
        if mine is not None and mine["state"] == "split":
            return None
        related = await _related(conn, report_id)
        if not related:
            return mine["group_id"] if mine else None
        return await _join(conn, report_id, related)

    return await db.whole(body)


async def _join(conn, report_id: int, related: dict[int, str], state: str = "suggested") -> int:
    """Put ``report_id`` and ``related`` (id: reason) in one group; returns its anchor."""
    ids = [report_id, *related]
    marks = ", ".join("?" for _ in ids)
    grouped = {row[0]: row[1] for row in await conn.execute_fetchall(
        f"SELECT report_id, group_id FROM witness_groups WHERE report_id IN ({marks}) AND group_id IS NOT NULL",
        tuple(ids))}
    anchors = set(grouped.values()) | {i for i in ids if i not in grouped}
    anchor = min(anchors)
    others = sorted(anchors - {anchor})
    if others:
        marks = ", ".join("?" for _ in others)
        await conn.execute(f"UPDATE witness_groups SET group_id = ? WHERE group_id IN ({marks})", (anchor, *others))
    now = clock.utcnow()
    reason = next(iter(related.values()))
    for member, why in ((report_id, reason), *related.items()):
        if member in grouped:
            continue
        await conn.execute(
            "INSERT INTO witness_groups (report_id, group_id, reason, state, created_at) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (report_id) DO UPDATE SET group_id = excluded.group_id, reason = excluded.reason,"
            " state = excluded.state", (member, anchor, why, state, now))
    if state == "confirmed":
        await conn.execute("UPDATE witness_groups SET state = 'confirmed' WHERE report_id = ?", (report_id,))
    return anchor


async def group_of(db: Database, report_id: int) -> Group | None:
    """The group ``report_id`` is in, or None."""
    row = await db.fetchone("SELECT group_id FROM witness_groups WHERE report_id = ? AND group_id IS NOT NULL",
                            (report_id,))
    return None if row is None else await _group(db, int(row[0]))


async def _group(db: Database, anchor: int) -> Group | None:
    rows = await db.fetchall(
        "SELECT r.id, r.reference, r.reporter_id, w.reason, w.state FROM witness_groups AS w"
        " JOIN reports AS r ON r.id = w.report_id WHERE w.group_id = ? ORDER BY r.id", (anchor,))
    members = [Member(row[0], row[1], row[2], row[3], row[4]) for row in rows]
    return Group(anchor, members) if len(members) > 1 else None


async def groups_of_reports(db: Database, report_ids: list[int]) -> dict[int, Group]:
    """The group each of ``report_ids`` is in (those in none left out), in one query: a page of
    the queue marks each row's witnesses."""
    found: dict[int, Group] = {}
    for start in range(0, len(report_ids), 500):
        chunk = report_ids[start:start + 500]
        marks = ", ".join("?" * len(chunk))
        rows = await db.fetchall(
            "SELECT w.report_id, m.group_id, r.id, r.reference, r.reporter_id, m.reason, m.state"
            " FROM witness_groups AS w JOIN witness_groups AS m ON m.group_id = w.group_id"
            f" JOIN reports AS r ON r.id = m.report_id WHERE w.report_id IN ({marks}) ORDER BY w.report_id, r.id",
            tuple(chunk))
        members: dict[int, tuple[int, list[Member]]] = {}
        for row in rows:
            members.setdefault(row[0], (row[1], []))[1].append(Member(row[2], row[3], row[4], row[5], row[6]))
        found.update({report_id: Group(anchor, listed) for report_id, (anchor, listed) in members.items()
                      if len(listed) > 1})
    return found


async def confirm(db: Database, report_id: int, actor: str) -> Group | None:
    """A moderator confirms the group ``report_id`` is in (all its members); None: no group."""
    async with db.transaction() as conn:
        async with conn.execute("SELECT group_id FROM witness_groups WHERE report_id = ? AND group_id IS NOT NULL",
                                (report_id,)) as cur:
            row = await cur.fetchone()
        if row is None:
            return None
        await conn.execute("UPDATE witness_groups SET state = 'confirmed' WHERE group_id = ?", (row[0],))
        await audit.append(conn, report_id, actor, "witness_confirm", None, None, None)
    return await _group(db, int(row[0]))


async def split(db: Database, report_id: int, actor: str) -> bool:
    """A moderator takes ``report_id`` out of its group for good (a group left with one report
    is none); the other members stay together, anchored at the oldest left. False: no group."""
    async with db.transaction() as conn:
        async with conn.execute("SELECT group_id FROM witness_groups WHERE report_id = ? AND group_id IS NOT NULL",
                                (report_id,)) as cur:
            row = await cur.fetchone()
        if row is None:
            return False
        anchor = int(row[0])
        await conn.execute("UPDATE witness_groups SET group_id = NULL, state = 'split' WHERE report_id = ?", (report_id,))
        if anchor == report_id:
            async with conn.execute("SELECT MIN(report_id) FROM witness_groups WHERE group_id = ?", (anchor,)) as cur:
                (new,) = await cur.fetchone()
            if new is not None:
                await conn.execute("UPDATE witness_groups SET group_id = ? WHERE group_id = ?", (new, anchor))
        await audit.append(conn, report_id, actor, "witness_split", None, None, None)
    return True


async def join_duplicate(db: Database, report_id: int, original_id: int) -> int:
    """A report marked a duplicate of ``original_id`` is a witness of the same event, confirmed
    (a moderator said so); its files stay its own and show with the original's."""
    async with db.transaction() as conn:
        await conn.execute("DELETE FROM witness_groups WHERE report_id = ? AND state = 'split'", (report_id,))
        return await _join(conn, report_id, {original_id: "duplicate"}, state="confirmed")


async def recently_joined(db: Database, since: str, limit: int = 20) -> list[tuple[str, str, str]]:
    """(reference, its group's first reference, reason) of reports that joined a group since
    ``since``, newest first."""
    rows = await db.fetchall(
        "SELECT r.reference, a.reference, w.reason FROM witness_groups AS w JOIN reports AS r ON r.id = w.report_id"
        " JOIN reports AS a ON a.id = w.group_id WHERE w.group_id != w.report_id AND w.created_at >= ?"
        " ORDER BY w.created_at DESC, w.report_id DESC LIMIT ?", (since, limit))
    return [(row[0], row[1], row[2]) for row in rows]
