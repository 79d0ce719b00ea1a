"""The official figures in: the commission's turnout and results per precinct from a CSV file (the
format is in README, "Official figures"; an example in examples/official-results.csv), checked
whole before anything is stored, then put in place of the file before in one transaction, on
the audit log with who, when, how many rows and the file's SHA-256. Both doors (/official in
Telegram, the dashboard's upload) call ``load``."""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
from dataclasses import dataclass, field

from domain.counts import FIGURE_MAX, PROTOCOL_LINES, TURNOUT_HOURS, candidate_line, candidate_position
from domain.rules import REGIONS
from storage import counts as count_store
from storage import tally as store
from storage.counts import Candidate
from storage.db import Database

MAX_BYTES = 10 * 1024 * 1024  # 10,000 precincts take about 1.5 MB
PROBLEMS_SHOWN = 10  # a file wrong throughout is told by its first few lines, and how many in all
REGION, PRECINCT = "region", "precinct"
TURNOUT_PREFIX = "turnout_"  # turnout_10 … turnout_20, turnout_close
_PRECINCT_DIGITS = 6
# Why a line will not do (tally.official.bad.<problem>).
PROBLEMS = ("too_big", "encoding", "empty", "column", "column_twice", "no_key", "cells", "region", "precinct", "number",
            "repeated", "quoting", "no_rows")


@dataclass(frozen=True)
class Problem:
    """Why a line of the file will not do: its number (1 is the header), a message key under
    ``tally.official.bad.`` and its parameters."""

    line: int
    key: str
    params: dict[str, str] = field(default_factory=dict)


class BadFile(Exception):
    """The file was refused; ``problems``: the first PROBLEMS_SHOWN, ``total``: how many in all."""

    def __init__(self, problems: list[Problem], total: int) -> None:
        super().__init__(f"{total} problems")
        self.problems, self.total = problems, total


@dataclass
class OfficialFile:
    precincts: list[tuple[str, str, int]]
    turnout: list[tuple[str, str, str, int]]
    results: list[tuple[str, str, str, int]]
    sha256: str

    @property
    def rows(self) -> int:
        return len(self.precincts)


def _column(name: str, candidates: list[Candidate]) -> tuple[str, str] | None:
    """What a header cell names: ("region"|"precinct", ""), ("turnout", hour) or ("result",
    line); None for a column the format does not have. A candidate's column is named
    ``candidate:<position>`` or by the candidate's name as the administrator set it."""
    cleaned = name.strip()
    lowered = cleaned.casefold()
    if lowered in (REGION, PRECINCT):
        return lowered, ""
    if lowered.startswith(TURNOUT_PREFIX) and lowered[len(TURNOUT_PREFIX):] in TURNOUT_HOURS:
        return "turnout", lowered[len(TURNOUT_PREFIX):]
    if lowered in PROTOCOL_LINES:
        return "result", lowered
    position = candidate_position(lowered)
    if position is not None and position >= 1 and (not candidates or position <= len(candidates)):
        return "result", candidate_line(position)
    for candidate in candidates:
        if candidate.name.strip().casefold() == lowered:
            return "result", candidate_line(candidate.position)
    return None


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def parse(data: bytes, candidates: list[Candidate]) -> OfficialFile:
    """The file checked whole; raises BadFile with every line that will not do."""
    if len(data) > MAX_BYTES:
        raise BadFile([Problem(0, "too_big", {"max": str(MAX_BYTES // (1024 * 1024))})], 1)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as bad:
        raise BadFile([Problem(_line_of(data, bad.start), "encoding")], 1) from None
    problems: list[Problem] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise BadFile([Problem(1, "empty")], 1) from None
    columns: list[tuple[str, str]] = []
    for name in header:
        named = _column(name, candidates)
        if named is None:
            problems.append(Problem(1, "column", {"column": name.strip()[:40]}))
        elif named in columns:
            problems.append(Problem(1, "column_twice", {"column": name.strip()[:40]}))
        columns.append(named or ("", ""))
    if (REGION, "") not in columns or (PRECINCT, "") not in columns:
        problems.append(Problem(1, "no_key"))
    if problems:
        raise BadFile(problems[:PROBLEMS_SHOWN], len(problems))
    where_region, where_precinct = columns.index((REGION, "")), columns.index((PRECINCT, ""))
    seen: dict[tuple[str, str], int] = {}
    precincts: list[tuple[str, str, int]] = []
    turnout: list[tuple[str, str, str, int]] = []
    results: list[tuple[str, str, str, int]] = []
    try:
        for row in reader:
            number = reader.line_num
            if not any(cell.strip() for cell in row):
                continue  # a blank line (a spreadsheet's last one) is nothing
            if len(row) != len(columns):
                problems.append(Problem(number, "cells", {"count": str(len(row)), "expected": str(len(columns))}))
                continue
            region = row[where_region].strip().lower()
            precinct = row[where_precinct].strip().lstrip("№").strip()
            ok = True
            if region not in REGIONS:
                problems.append(Problem(number, "region", {"value": row[where_region].strip()[:40]}))
                ok = False
            if not (precinct.isascii() and precinct.isdigit() and len(precinct) <= _PRECINCT_DIGITS and int(precinct)):
                problems.append(Problem(number, "precinct", {"value": row[where_precinct].strip()[:40]}))
                ok = False
            else:
                precinct = str(int(precinct))
            values: list[tuple[str, str, int]] = []
            for (kind, what), cell, name in zip(columns, row, header):
                if kind not in ("turnout", "result"):
                    continue
                cell = cell.strip().replace(" ", "").replace("\u00a0", "")
                if not cell:
                    continue  # not published (yet)
                if not (cell.isascii() and cell.isdigit()) or int(cell) > FIGURE_MAX:
                    problems.append(Problem(number, "number", {"column": name.strip()[:40], "value": cell[:40],
                                                               "max": str(FIGURE_MAX)}))
                    ok = False
                    continue
                values.append((kind, what, int(cell)))
            if not ok:
                continue
            key = (region, precinct)
            if key in seen:
                problems.append(Problem(number, "repeated", {"precinct": precinct, "first": str(seen[key])}))
                continue
            seen[key] = number
            precincts.append((region, precinct, number))
            for kind, what, value in values:
                (turnout if kind == "turnout" else results).append((region, precinct, what, value))
    except csv.Error:
        problems.append(Problem(reader.line_num, "quoting"))
    if not precincts and not problems:
        problems.append(Problem(1, "no_rows"))
    if problems:
        raise BadFile(problems[:PROBLEMS_SHOWN], len(problems))
    return OfficialFile(precincts, turnout, results, hashlib.sha256(data).hexdigest())


@dataclass
class Loaded:
    """A file loaded: how many precincts, its SHA-256."""

    rows: int
    sha256: str


async def load(db: Database, data: bytes, actor: str) -> Loaded:
    """Check ``data`` whole and, if every line will do, put it in place of the official figures
    before, on the record; raises BadFile and stores nothing otherwise."""
    candidates = await count_store.candidates(db)
    parsed = await asyncio.to_thread(parse, data, candidates)  # 10,000 rows: CPU, off the event loop
    await store.replace_official(db, parsed.precincts, parsed.turnout, parsed.results, actor,
                                 f"{parsed.rows} rows, sha256 {parsed.sha256}")
    return Loaded(parsed.rows, parsed.sha256)
