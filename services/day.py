"""The day over time, for the dashboard's page and /stats' picture: reports per local hour by
category group and by region, where they stand, how long until a moderator first acted, the
urgent ones' waits, and the deadlines still running (overdue first)."""

from __future__ import annotations

import statistics
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
from storage.models import Report

HOURS = range(24)


@dataclass
class Day:
    day: date
    by_category: dict[str, Counter] = field(default_factory=dict)  # category group (as stored): hour -> count
    by_region: dict[str, Counter] = field(default_factory=dict)  # region: hour -> count
    funnel: dict[str, int] = field(default_factory=dict)  # status: count (of the day's reports)
    first_action_minutes: float | None = None  # the median, of those acted on
    urgent: list[tuple[str, int, bool]] = field(default_factory=list)  # reference, minutes, still waiting
    running: list[tuple[Report, deadlines.Deadline]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.funnel.values())

    def hourly(self) -> Counter:
        """All reports of the day per hour."""
        return sum(self.by_category.values(), Counter())


def hourly(rows: list[tuple[str, str]], tz: tzinfo) -> dict[str, Counter]:
    """(key, submitted_at) pairs counted per key and local hour."""
    counts: dict[str, Counter] = {}
    hours: dict[str, int] = {}  # a minute's local hour, read once (time zones move by whole minutes)
    for key, submitted_at in rows:
        minute = submitted_at[:16]
        if minute not in hours:
            hours[minute] = clock.parse(submitted_at).astimezone(tz).hour
        counts.setdefault(key, Counter())[hours[minute]] += 1
    return counts


async def of_day(db: Database, day: date, tz: tzinfo, now: datetime, election_day: date | None = None) -> Day:
    """The day ``day`` (local) as it stands at ``now``."""
    start = datetime.combine(day, time(), tzinfo=tz)
    rows = await moderation.received_between(db, clock.iso(start), clock.iso(start + timedelta(days=1)))
    found = Day(day)
    found.by_category = hourly([(group, at) for _, at, group, _, _, _ in rows], tz)  # category: its group
    found.by_region = hourly([(region, at) for _, at, _, region, _, _ in rows], tz)
    statuses = Counter(status for *_, status, _ in rows)
    found.funnel = {status: statuses.get(status, 0) for status in STATUSES}
    first = await moderation.first_actions(db, [row[0] for row in rows])
    waits = {report_id: (clock.parse(first[report_id]) - clock.parse(at)).total_seconds() / 60
             for report_id, at, *_ in rows if report_id in first}
    found.first_action_minutes = statistics.median(waits.values()) if waits else None
    for report_id, at, _, _, status, priority in rows:
        if priority != "urgent":
            continue
        report = await reports.get(db, report_id)
        waited = waits.get(report_id)
        still = waited is None
        minutes = (now - clock.parse(at)).total_seconds() / 60 if still else waited
        found.urgent.append((report.reference, int(minutes), still))
    found.urgent.sort(key=lambda item: (not item[2], -item[1]))  # still waiting, longest first
    open_ones = await moderation.with_status_in(db, ("verified", "escalated"))
    chains = await moderation.steps_of_reports(db, [report.id for report in open_ones])
    for report in open_ones:
        for deadline in deadlines.running(report, tz, chains[report.id], election_day):
            found.running.append((report, deadline))
    found.running.sort(key=lambda item: (item[1].day, item[0].id))  # the earliest day: overdue first
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
