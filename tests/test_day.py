"""The day over time: reports counted per local hour by category group and by region, the
status funnel, the median time to a first action and the urgent ones' waits, from reports
stored at known moments."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from services import day as days
from domain import clock
from storage import audit, moderation, people, reports
from storage.models import NewReport

TZ = ZoneInfo("Asia/Almaty")
DAY = date(2026, 11, 29)
# (local hour:minute, category group, category, region, priority, minutes until a first action or None)
FILED = [
    ("07:05", "station", "stuffing", "karaganda", "normal", 30),
    ("07:50", "station", "issuance", "karaganda", "normal", 10),
    ("07:59", "pressure", "vote_buying", "astana", "urgent", 4),
    ("08:00", "station", "stuffing", "astana", "normal", None),
    ("13:30", "count", "counting", "abroad", "urgent", None),
    ("23:59", "pressure", "threats", "karaganda", "normal", 60),
]


async def test_hourly_counts_the_funnel_and_waits_match_what_was_filed(db, monkeypatch):
    author = await people.get_or_create(db, "c" * 64, "ru", None)
    start = clock.parse(f"{DAY.isoformat()}T00:00:00+05:00")
    for n, (at, group, category, region, priority, acted) in enumerate(FILED):
        hours, minutes = map(int, at.split(":"))
        received = start + timedelta(hours=hours, minutes=minutes)
        stored, _ = await reports.submit(db, author.id, NewReport(
            reporter_role="voter", category=group, subcategory=category, region=region, occurred_at=DAY.isoformat(),
            priority=priority, submission_key=f"day-{n}", description=f"Отчёт {n}: нарушение на участке."))
        await db.write("UPDATE reports SET submitted_at = ? WHERE id = ?", (clock.iso(received), stored.id))
        if acted is not None:  # the audit log is append-only: its row is written at the moment
            monkeypatch.setattr(audit, "utcnow", lambda moment=received + timedelta(minutes=acted): clock.iso(moment))
            await moderation.change_status(db, stored.id, "moderator AB12", "in_review")
            monkeypatch.undo()
    # One the day before and one the day after (local): not counted.
    for n, moment in enumerate((start - timedelta(seconds=1), start + timedelta(days=1))):
        stored, _ = await reports.submit(db, author.id, NewReport(
            reporter_role="voter", category="station", subcategory="stuffing", region="astana",
            occurred_at=DAY.isoformat(), submission_key=f"other-{n}", description="Отчёт другого дня, не считается."))
        await db.write("UPDATE reports SET submitted_at = ? WHERE id = ?", (clock.iso(moment), stored.id))

    now = start + timedelta(hours=14)
    found = await days.of_day(db, DAY, TZ, now)
    assert {group: dict(counts) for group, counts in found.by_category.items()} == {
        "station": {7: 2, 8: 1}, "pressure": {7: 1, 23: 1}, "count": {13: 1}}
    assert {region: dict(counts) for region, counts in found.by_region.items()} == {
        "karaganda": {7: 2, 23: 1}, "astana": {7: 1, 8: 1}, "abroad": {13: 1}}
    assert dict(found.hourly()) == {7: 3, 8: 1, 13: 1, 23: 1} and found.total == 6
    assert found.funnel["in_review"] == 4 and found.funnel["new"] == 2
    assert found.first_action_minutes == 20  # the median of 4, 10, 30, 60
    # The urgent ones: still waiting first (30 minutes since 13:30), then the one acted on in 4.
    assert found.urgent == [("KZ-000005", 30, True), ("KZ-000003", 4, False)]
    assert days.duration(125) == (2, 5)


async def test_running_deadlines_are_the_open_reports_own_earliest_first(db):
    """The day's running deadlines, read from the reports' deadline facts alone (migration 0029),
    are exactly those services.deadlines gives each whole verified or escalated report with its
    chain, the earliest first, cut at ``listed``."""
    from services import deadlines
    author = await people.get_or_create(db, "d" * 64, "ru", None)
    # (category group, category, incident day, status path, escalations: (target, filing date))
    shapes = [("station", "stuffing", "2026-11-20", ["in_review", "verified"], []),
              ("station", "stuffing", "2026-11-27", ["in_review", "verified", "escalated"], [("prosecutor", "2026-11-28")]),
              ("pressure", "vote_buying", "2026-11-25", ["in_review", "verified", "escalated"], [("police", None)]),
              ("count", "counting", "2026-11-29", ["in_review", "verified", "escalated"], [("commission", "2026-11-29")]),
              ("station", "issuance", "2026-11-21", ["in_review", "rejected"], []),
              ("station", "stuffing", "2026-11-22", [], [])]
    for n, (group, category, occurred, path, steps) in enumerate(shapes):
        stored, _ = await reports.submit(db, author.id, NewReport(
            reporter_role="voter", category=group, subcategory=category, region="astana", occurred_at=occurred,
            submission_key=f"deadline-{n}", description=f"Отчёт {n}: нарушение на участке."))
        for status in path:
            fields = {}
            if status == "escalated":
                target, filed = steps[0]
                fields = {"escalated_to": target, "external_ref": f"{n}/1", "external_date": filed}
            await moderation.change_status(db, stored.id, "moderator AB12", status, **fields)
    expected = []
    for report in await moderation.with_status_in(db, ("verified", "escalated")):
        chain = await moderation.escalation_steps(db, report.id)
        expected += [(report.reference, deadline) for deadline in deadlines.running(report, TZ, chain, DAY)]
    expected.sort(key=lambda item: (item[1].day, item[0]))
    assert len(expected) >= 4  # appeals and answers both
    now = clock.parse(f"{DAY.isoformat()}T12:00:00+05:00")
    found = await days.of_day(db, DAY, TZ, now, DAY)
    assert [(report.reference, deadline) for report, deadline in found.running] == expected
    cut = await days.of_day(db, DAY, TZ, now, DAY, listed=2)
    assert [(report.reference, deadline) for report, deadline in cut.running] == expected[:2]
