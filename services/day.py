"""The day over time, for the dashboard's page and /stats' picture: reports per local hour by
category group and by region, where they stand, how long until a moderator first acted, the
urgent ones' waits, and the deadlines still running (overdue first)."""

from __future__ import annotations

import heapq
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo

from services import deadlines
from services.charts import Bar, Section
from services.i18n import Translator
from domain import clock
from domain.rules import STATUSES
from storage import moderation, reports
from storage.db import Database
from storage.models import DeadlineFacts

HOURS = range(24)


@dataclass
class Day:
    day: date
    by_category: dict[str, Counter] = field(default_factory=dict)  # category group (as stored): hour -> count
    by_region: dict[str, Counter] = field(default_factory=dict)  # region: hour -> count
    funnel: dict[str, int] = field(default_factory=dict)  # status: count (of the day's reports)
    first_action_minutes: float | None = None  # the median, of those acted on
    urgent: list[tuple[str, int, bool]] = field(default_factory=list)  # reference, minutes, still waiting
    running: list[tuple[DeadlineFacts, deadlines.Deadline]] = field(default_factory=list)  # the first ones listed

    @property
    def total(self) -> int:
        return sum(self.funnel.values())

    def hourly(self) -> Counter:
        """All reports of the day per hour."""
        return sum(self.by_category.values(), Counter())


def hourly(rows: list[tuple[str, str, int]], tz: tzinfo) -> dict[str, Counter]:
    """(key, quarter of an hour as stored, count) triples counted per key and local hour."""
    counts: dict[str, Counter] = {}
    hours: dict[str, int] = {}  # a quarter's local hour, read once
    for key, quarter, n in rows:
        if quarter not in hours:
            hours[quarter] = clock.parse(quarter).astimezone(tz).hour
        counts.setdefault(key, Counter())[hours[quarter]] += n
    return counts


async def of_day(db: Database, day: date, tz: tzinfo, now: datetime, election_day: date | None = None,
                 listed: int = 100) -> Day:
    """The day ``day`` (local) as it stands at ``now``, with the ``listed`` running deadlines that
    come first (overdue first)."""
    start = datetime.combine(day, time(), tzinfo=tz)
    counted = await moderation.received_between(db, clock.iso(start), clock.iso(start + timedelta(days=1)))
    found = Day(day)
    found.by_category = hourly(counted.by_category, tz)  # category: its group
    found.by_region = hourly(counted.by_region, tz)
    found.funnel = {status: counted.by_status.get(status, 0) for status in STATUSES}
    found.first_action_minutes = counted.median_wait / 60 if counted.median_wait is not None else None
    for report_id, at, first in counted.urgent:
        still = first is None
        minutes = ((now if still else clock.parse(first)) - clock.parse(at)).total_seconds() / 60
        found.urgent.append((reports.reference_for(report_id), int(minutes), still))
    found.urgent.sort(key=lambda item: (not item[2], -item[1]))  # still waiting, longest first
    if listed > 0:
        running = ((report, deadline) for report, steps in await moderation.deadline_facts(db, ("verified", "escalated"))
                   for deadline in deadlines.running(report, tz, steps, election_day))
        found.running = heapq.nsmallest(listed, running, key=lambda item: (item[1].day, item[0].id))  # earliest first
    return found


def duration(minutes: float) -> tuple[int, int]:
    """(hours, minutes) of a wait."""
    whole = int(round(minutes))
    return whole // 60, whole % 60


def picture_sections(t: Translator, found: Day) -> list[Section]:
    """The day as /stats draws it (bars, one scale): reports per local hour (those with any),
    by category group and by region, and where they stand."""
    hourly_counts = found.hourly()
    return [
        Section(t.text("web.day.by_category"),
                [Bar(f"{hour:02d}:00", hourly_counts[hour]) for hour in HOURS if hourly_counts[hour]]),
        Section(t.text("mod.stats.by_category"),
                [Bar(t.text(f"group.{group}"), sum(counts.values())) for group, counts in found.by_category.items()]),
        Section(t.text("mod.stats.by_region"),
                [Bar(t.text("web.map.unknown") if region == "unknown" else t.text(f"region.{region}"),
                     sum(counts.values())) for region, counts in found.by_region.items()]),
        Section(t.text("web.day.funnel"), [Bar(t.text(f"status.{status}"), n) for status, n in found.funnel.items() if n]),
    ]
