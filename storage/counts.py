"""Observers' counts: the election's candidates, and the figures a turnout count or a protocol
copy carries beside its report (domain.counts). The tally reads them back (storage.tally)."""

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


def protocol_lines_only(mapping: Mapping[str, int]) -> dict[str, int]:
    """Figures with only the protocol's lines (what a copy may carry), for storing."""
    return {line: int(value) for line, value in mapping.items() if _valid_line(line)}
