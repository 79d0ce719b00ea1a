"""Observers' counts: the election's candidates, and the figures a turnout count or a protocol
copy carries beside its report (domain.counts). Reading them for the tally is here too."""

from __future__ import annotations

import json
from typing import Awaitable, Callable, Mapping, Sequence

import aiosqlite
from pydantic import BaseModel

from domain.clock import utcnow
from domain.counts import COPY_STATES, FIGURE_MAX, PROTOCOL_LINES, TURNOUT_HOURS, TURNOUT_SOURCES, candidate_position
from storage.db import Database

Then = Callable[[aiosqlite.Connection, int], Awaitable[None]]


class Candidate(BaseModel):
    position: int
    name: str


class TurnoutFigure(BaseModel):
    """What a turnout count carries: the hour, whose figure it is, and the number of voters."""

    hour: str
    source: str
    voters: int


class ProtocolFigures(BaseModel):
    """What a protocol copy carries: what the observer got of it, its figures line by line, and
    the protocol's rules they broke when it was sent."""

    copy_state: str
    figures: dict[str, int]
    mismatches: list[str] = []


class CopyRow(BaseModel):
    """One protocol copy as the tally reads it."""

    report_id: int
    reference: str
    region: str
    precinct: str | None
    copy_state: str
    submitted_at: str
    figures: dict[str, int]


class TurnoutRow(BaseModel):
    """One turnout count as the tally reads it."""

    report_id: int
    reference: str
    region: str
    precinct: str | None
    hour: str
    source: str
    voters: int
    submitted_at: str


def _valid_line(line: str) -> bool:
    return line in PROTOCOL_LINES or candidate_position(line) is not None


def turnout(figure: TurnoutFigure) -> Then:
    """The ``then`` of reports.submit that stores a turnout count's figure with its report."""
    if figure.hour not in TURNOUT_HOURS or figure.source not in TURNOUT_SOURCES or not 0 <= figure.voters <= FIGURE_MAX:
        raise ValueError("not a turnout figure")

    async def store(conn: aiosqlite.Connection, report_id: int) -> None:
        await conn.execute("INSERT INTO turnout_counts (report_id, hour, source, voters) VALUES (?, ?, ?, ?)",
                           (report_id, figure.hour, figure.source, figure.voters))
    return store


def protocol(copy: ProtocolFigures) -> Then:
    """The ``then`` of reports.submit that stores a protocol copy's figures with its report."""
    if copy.copy_state not in COPY_STATES or not all(
            _valid_line(line) and 0 <= value <= FIGURE_MAX for line, value in copy.figures.items()):
        raise ValueError("not a protocol copy")

    async def store(conn: aiosqlite.Connection, report_id: int) -> None:
        await conn.execute("INSERT INTO protocol_copies (report_id, copy, mismatches) VALUES (?, ?, ?)",
                           (report_id, copy.copy_state, json.dumps(copy.mismatches)))
        await conn.executemany("INSERT INTO protocol_figures (report_id, line, value) VALUES (?, ?, ?)",
                               [(report_id, line, value) for line, value in copy.figures.items()])
    return store


# ---- the election's candidates ------------------------------------------------------------------

async def candidates(db: Database) -> list[Candidate]:
    rows = await db.fetchall("SELECT position, name FROM candidates ORDER BY position")
    return [Candidate(position=row[0], name=row[1]) for row in rows]


async def set_candidates(db: Database, names: Sequence[str]) -> None:
    """Set the election's candidates in the protocol's order (replacing any set before)."""
    now = utcnow()
    async with db.transaction() as conn:
        await conn.execute("DELETE FROM candidates")
        await conn.executemany("INSERT INTO candidates (position, name, set_at) VALUES (?, ?, ?)",
                               [(position, name, now) for position, name in enumerate(names, start=1)])


# ---- reading for the tally ------------------------------------------------------------------------

async def protocol_copies(db: Database, statuses: Sequence[str] | None = None) -> list[CopyRow]:
    """Every protocol copy with its figures (of reports in ``statuses``, if given), oldest first."""
    where, params = "", ()
    if statuses:
        where, params = f" AND r.status IN ({', '.join('?' * len(statuses))})", tuple(statuses)
    rows = await db.fetchall(
        "SELECT r.id, r.reference, r.region, r.precinct, c.copy, r.submitted_at, f.line, f.value"
        " FROM reports r JOIN protocol_copies c ON c.report_id = r.id"
        " LEFT JOIN protocol_figures f ON f.report_id = r.id"
        f" WHERE r.kind = 'results'{where} ORDER BY r.id", params)
    copies: dict[int, CopyRow] = {}
    for report_id, reference, region, precinct, state, submitted_at, line, value in rows:
        row = copies.get(report_id)
        if row is None:
            row = copies[report_id] = CopyRow(report_id=report_id, reference=reference, region=region,
                                              precinct=precinct, copy_state=state, submitted_at=submitted_at,
                                              figures={})
        if line is not None:
            row.figures[line] = value
    return list(copies.values())


async def turnout_counts(db: Database, statuses: Sequence[str] | None = None) -> list[TurnoutRow]:
    """Every turnout count (of reports in ``statuses``, if given), oldest first."""
    where, params = "", ()
    if statuses:
        where, params = f" AND r.status IN ({', '.join('?' * len(statuses))})", tuple(statuses)
    rows = await db.fetchall(
        "SELECT r.id, r.reference, r.region, r.precinct, t.hour, t.source, t.voters, r.submitted_at"
        " FROM reports r JOIN turnout_counts t ON t.report_id = r.id"
        f" WHERE r.kind = 'turnout'{where} ORDER BY r.id", params)
    return [TurnoutRow(report_id=row[0], reference=row[1], region=row[2], precinct=row[3], hour=row[4],
                       source=row[5], voters=row[6], submitted_at=row[7]) for row in rows]


def figures_of(mapping: Mapping[str, int]) -> dict[str, int]:
    """Figures with only the protocol's lines (what a copy may carry), for storing."""
    return {line: int(value) for line, value in mapping.items() if _valid_line(line)}
