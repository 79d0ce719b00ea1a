"""What the tally reads and writes: observers' protocol copies and turnout counts read in bulk (as
plain tuples: the whole country's are read on every tally), the official figures loaded from the
commission's file (replaced whole, in one transaction), moderators' confirmed figures and the
protocol-discrepancy reports filed (migration 0031)."""

from __future__ import annotations

import json
import re
from typing import NamedTuple, Sequence

import aiosqlite

from domain.clock import utcnow
from storage import audit
from storage.db import Database

Precinct = tuple[str, str]  # (region code, precinct number as digits without leading zeros)
COUNTED_OUT = ("rejected",)
_PAIRS = re.compile("[=;]")  # a copy or count a moderator rejected is not counted


class Copy(NamedTuple):
    """One observer's protocol copy: its report, where, what they got of it, and its figures as
    SQLite gathered them ("line=value;…" in the lines' order: two copies that agree on every
    line carry the same text, which the tally compares before reading either)."""

    report_id: int
    reference: str
    region: str
    precinct: str
    copy_state: str
    text: str

    @property
    def figures(self) -> dict[str, int]:
        return figures_of(self.text)


class Count(NamedTuple):
    """One observer's turnout count."""

    report_id: int
    reference: str
    region: str
    precinct: str
    hour: str
    source: str
    voters: int


class Confirmed(NamedTuple):
    """A figure a moderator confirmed by a copy's photo."""

    value: int
    report_id: int
    reference: str
    actor: str
    at: str


class Official(NamedTuple):
    """The official file as loaded: its precincts (with the file's line), turnout and results."""

    precincts: dict[Precinct, int]
    turnout: dict[Precinct, dict[str, int]]
    results: dict[Precinct, dict[str, int]]


class Load(NamedTuple):
    """The last load of the official file, from the audit log: who, when, how many rows, the
    file's SHA-256."""

    actor: str
    at: str
    rows: str
    sha256: str


def figures_of(text: str | None) -> dict[str, int]:
    """Figures from their gathered text ("line=value;…")."""
    if not text:
        return {}
    parts = iter(_PAIRS.split(text))  # split in C: the whole country's copies are read this way
    return {line: int(value) for line, value in zip(parts, parts)}


async def copies(db: Database, precinct: Precinct | None = None, after: int = 0) -> list[Copy]:
    """Every protocol copy of a numbered precinct (or of ``precinct``; or of reports after
    ``after``), but rejected ones, oldest first; its figures gathered by SQLite, so that the whole
    country is one row a copy."""
    where, params = _where(precinct)
    where, params = f"{where} AND r.id > ?", (*params, after)
    rows = await db.fetchall(
        "SELECT r.id, r.reference, r.region, r.precinct, c.copy,"
        " (SELECT group_concat(f.line || '=' || f.value, ';') FROM protocol_figures f WHERE f.report_id = r.id)"
        " FROM reports r JOIN protocol_copies c ON c.report_id = r.id"
        f" WHERE r.kind = 'results' AND r.precinct IS NOT NULL AND r.status NOT IN ({_marks(COUNTED_OUT)}){where}"
        " ORDER BY r.id", (*COUNTED_OUT, *params))
    return [Copy(row[0], row[1], row[2], number(row[3]), row[4], row[5] or "") for row in rows]


async def counts(db: Database, precinct: Precinct | None = None, after: int = 0) -> list[Count]:
    """Every turnout count of a numbered precinct (or of ``precinct``; or of reports after
    ``after``), but rejected ones, oldest first."""
    where, params = _where(precinct)
    where, params = f"{where} AND r.id > ?", (*params, after)
    rows = await db.fetchall(
        "SELECT r.id, r.reference, r.region, r.precinct, t.hour, t.source, t.voters"
        " FROM reports r JOIN turnout_counts t ON t.report_id = r.id"
        f" WHERE r.kind = 'turnout' AND r.precinct IS NOT NULL AND r.status NOT IN ({_marks(COUNTED_OUT)}){where}"
        " ORDER BY r.id", (*COUNTED_OUT, *params))
    return [Count(row[0], row[1], row[2], number(row[3]), row[4], row[5], row[6]) for row in rows]


def _where(precinct: Precinct | None, alias: str = "r.") -> tuple[str, tuple[str, ...]]:
    """The condition that keeps one precinct's rows ("0245" as typed is precinct 245)."""
    if precinct is None:
        return "", ()
    if alias:
        return f" AND {alias}region = ? AND ltrim({alias}precinct, '0') = ?", precinct
    return " WHERE region = ? AND precinct = ?", precinct


def _marks(values: Sequence[object]) -> str:
    return ", ".join("?" * len(values))


def number(precinct: str) -> str:
    """A precinct's number as the tally keys it: "0245" and "245" are one precinct."""
    stripped = precinct.strip().lstrip("0")
    return stripped or precinct.strip()


# ---- the official figures ---------------------------------------------------------------------------

async def official(db: Database, precinct: Precinct | None = None) -> Official:
    """The official figures loaded (of every precinct, or of ``precinct``), each precinct's
    gathered by SQLite into one row."""
    where, params = _where(precinct, alias="")
    precincts = {(row[0], row[1]): row[2] for row in
                 await db.fetchall(f"SELECT region, precinct, line_no FROM official_precincts{where}", params)}
    turnout = {(row[0], row[1]): figures_of(row[2]) for row in await db.fetchall(
        f"SELECT region, precinct, group_concat(hour || '=' || voters, ';') FROM official_turnout{where}"
        " GROUP BY region, precinct", params)}
    results = {(row[0], row[1]): figures_of(row[2]) for row in await db.fetchall(
        f"SELECT region, precinct, group_concat(line || '=' || value, ';') FROM official_results{where}"
        " GROUP BY region, precinct", params)}
    return Official(precincts, turnout, results)


async def head(db: Database) -> tuple[int, int, int]:
    """What the tally depends on has changed when this has: every change to a report, a figure
    confirmed and an official load are on the audit log; the counts catch rows gone without it."""
    row = await db.fetchone("SELECT (SELECT COALESCE(MAX(id), 0) FROM audit_log),"
                            " (SELECT COUNT(*) FROM protocol_copies), (SELECT COUNT(*) FROM turnout_counts)")
    return int(row[0]), int(row[1]), int(row[2])


class Change(NamedTuple):
    """An audit entry since a tally was computed, with the kind of report it is about."""

    action: str
    report_id: int | None
    kind: str | None
    note: str | None


async def changes_since(db: Database, audit_id: int) -> list[Change]:
    rows = await db.fetchall("SELECT a.action, a.report_id, r.kind, a.note FROM audit_log a"
                             " LEFT JOIN reports r ON r.id = a.report_id WHERE a.id > ? ORDER BY a.id", (audit_id,))
    return [Change(row[0], row[1], row[2], row[3]) for row in rows]


async def last_report(db: Database) -> int:
    row = await db.fetchone("SELECT COALESCE(MAX(id), 0) FROM reports")
    return int(row[0])


async def replace_official(db: Database, precincts: Sequence[tuple[str, str, int]],
                           turnout: Sequence[tuple[str, str, str, int]], results: Sequence[tuple[str, str, str, int]],
                           actor: str, note: str) -> None:
    """Put the official file in place of the one before, whole or not at all, and on the record
    (``note``: rows and the file's SHA-256)."""
    async with db.transaction() as conn:
        for table in ("official_precincts", "official_turnout", "official_results"):
            await conn.execute(f"DELETE FROM {table}")
        await conn.executemany("INSERT INTO official_precincts (region, precinct, line_no) VALUES (?, ?, ?)", precincts)
        await conn.executemany("INSERT INTO official_turnout (region, precinct, hour, voters) VALUES (?, ?, ?, ?)",
                               turnout)
        await conn.executemany("INSERT INTO official_results (region, precinct, line, value) VALUES (?, ?, ?, ?)",
                               results)
        await audit.append(conn, None, actor, "official_loaded", None, None, note)


async def has_official(db: Database) -> bool:
    """Whether official figures are loaded (nothing can differ from them before)."""
    return await db.fetchone("SELECT 1 FROM official_precincts LIMIT 1") is not None


async def last_load(db: Database) -> Load | None:
    row = await db.fetchone("SELECT actor, created_at, note FROM audit_log WHERE action = 'official_loaded'"
                            " ORDER BY id DESC LIMIT 1")
    if row is None:
        return None
    rows, _, sha256 = (row[2] or "").partition(" rows, sha256 ")  # as replace_official writes it
    return Load(row[0], row[1], rows, sha256)


# ---- figures confirmed by a copy's photo ----------------------------------------------------------

async def confirmations(db: Database, precinct: Precinct | None = None) -> dict[Precinct, dict[str, Confirmed]]:
    where, params = _where(precinct, alias="c.")
    found: dict[Precinct, dict[str, Confirmed]] = {}
    for row in await db.fetchall(
            "SELECT c.region, c.precinct, c.line, c.value, c.report_id, r.reference, c.confirmed_by, c.confirmed_at"
            f" FROM confirmed_figures c JOIN reports r ON r.id = c.report_id WHERE 1 = 1{where}", params):
        found.setdefault((row[0], row[1]), {})[row[2]] = Confirmed(row[3], row[4], row[5], row[6], row[7])
    return found


async def confirm(db: Database, precinct: Precinct, line: str, value: int, report_id: int, actor: str) -> None:
    """``value`` is the precinct's figure for ``line``, as the copy of report ``report_id`` shows;
    on that report's record (and replacing a confirmation before)."""
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT OR REPLACE INTO confirmed_figures (region, precinct, line, value, report_id, confirmed_by,"
            " confirmed_at) VALUES (?, ?, ?, ?, ?, ?, ?)", (*precinct, line, value, report_id, actor, utcnow()))
        await audit.append(conn, report_id, actor, "figure_confirmed", None, None,
                           f"{precinct[0]} {precinct[1]} {line}={value}")


# ---- protocol-discrepancy reports ------------------------------------------------------------------

async def discrepancies(db: Database) -> dict[Precinct, tuple[int, str, str]]:
    """Each precinct's discrepancy report: (report id, reference, the digest of its figures)."""
    rows = await db.fetchall("SELECT d.region, d.precinct, d.report_id, r.reference, d.figures"
                             " FROM discrepancy_reports d JOIN reports r ON r.id = d.report_id")
    return {(row[0], row[1]): (row[2], row[3], row[4]) for row in rows}


def discrepancy_filed(precinct: Precinct, digest: str):
    """The ``then`` of reports.submit that remembers the report filed for ``precinct``'s figures."""
    async def store(conn: aiosqlite.Connection, report_id: int) -> None:
        await conn.execute("INSERT OR REPLACE INTO discrepancy_reports (region, precinct, report_id, figures, filed_at)"
                           " VALUES (?, ?, ?, ?, ?)", (*precinct, report_id, digest, utcnow()))
    return store


# ---- one report's figures (its page) ---------------------------------------------------------------

async def count_of(db: Database, report_id: int) -> tuple[str, str, int] | None:
    """A turnout count's (hour, source, voters), or None."""
    row = await db.fetchone("SELECT hour, source, voters FROM turnout_counts WHERE report_id = ?", (report_id,))
    return (row[0], row[1], row[2]) if row else None


async def copy_of(db: Database, report_id: int) -> tuple[str, dict[str, int], list[str]] | None:
    """A protocol copy's (state, line → value, the protocol's rules broken when sent), or None."""
    row = await db.fetchone("SELECT copy, mismatches FROM protocol_copies WHERE report_id = ?", (report_id,))
    if row is None:
        return None
    figures = {line: value for line, value in
               await db.fetchall("SELECT line, value FROM protocol_figures WHERE report_id = ?", (report_id,))}
    return row[0], figures, list(json.loads(row[1] or "[]"))
