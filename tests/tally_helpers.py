"""Seeding observers' copies and turnout counts for the tally's tests (and the benchmark): each a
report filed through storage.reports.submit with its figures, as the observers' wizard files them."""

from __future__ import annotations

import itertools

from storage import counts, reports
from storage.counts import ProtocolFigures, TurnoutFigure
from storage.db import Database
from storage.models import NewReport, Report

_keys = itertools.count(1)


def new_report(region: str, precinct: str, kind: str, *, key: str | None = None) -> NewReport:
    return NewReport(reporter_role="observer", accredited=True, category="count", subcategory="protocol", region=region,
                     precinct=precinct, precinct_kind="number", occurred_at="2026-12-06",
                     description="Хаттаманың көшірмесі, учаске бойынша сандар.", kind=kind,
                     submission_key=key or f"seed-{next(_keys)}")


async def a_copy(db: Database, region: str, precinct: str, figures: dict[str, int], *,
                 state: str = "sealed", owner: int = 0) -> Report:
    stored, _ = await reports.submit(db, owner, new_report(region, precinct, "results"), with_draft=False,
                                     then=counts.protocol(ProtocolFigures(copy_state=state, figures=figures)))
    return stored


async def a_count(db: Database, region: str, precinct: str, hour: str, voters: int, *, owner: int = 0) -> Report:
    stored, _ = await reports.submit(db, owner, new_report(region, precinct, "turnout"), with_draft=False,
                                     then=counts.turnout(TurnoutFigure(hour=hour, source="counted", voters=voters)))
    return stored
