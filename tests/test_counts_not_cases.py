"""An observer's counts are figures for the tally, not cases: every place storage picks reports
for moderators (the queue, /find and the dashboard's lists and map, statistics, stale alerts,
digests and deadlines, the day's chart, cards still to post, witness groups) leaves them out."""

from __future__ import annotations

from domain import clock
from storage import counts, moderation, outbox, people, reports, tally, witnesses
from storage.counts import ProtocolFigures, TurnoutFigure
from storage.db import Database
from storage.models import NewReport
from tests.report_helpers import KEYS

SPOT = {"region": "astana", "precinct": "245", "precinct_kind": "number", "latitude": 51.128, "longitude": 71.43}


async def test_counts_stay_out_of_what_moderators_handle(tmp_path):
    db = await Database.open(tmp_path / "bot.sqlite3")
    try:
        author = await people.get_or_create(db, KEYS.pseudonym(7), "ru", KEYS.seal("7"))
        common = {"reporter_role": "observer", "accredited": True, "occurred_at": clock.utcnow(), **SPOT}
        violation, _ = await reports.submit(db, author.id, NewReport(
            category="count", subcategory="counting", submission_key="v",
            description="Бюллетени не показывали при подсчёте.", **common))
        turnout, _ = await reports.submit(
            db, author.id, NewReport(kind="turnout", category="turnout", submission_key="t",
                                     description="Явка на 12:00: 412.", **common),
            then=counts.turnout(TurnoutFigure(hour="12", source="counted", voters=412)))
        copy, _ = await reports.submit(
            db, author.id, NewReport(kind="results", category="results", submission_key="r",
                                     description="Копия протокола.", **common),
            then=counts.protocol(ProtocolFigures(copy_state="sealed", figures={"voters_listed": 1500})))
        assert [count.report_id for count in await tally.counts(db)] == [turnout.id]  # what the tally reads
        assert [copy_.report_id for copy_ in await tally.copies(db)] == [copy.id]

        only = [violation.id]
        found, total = await moderation.queue(db, 0, 10)
        assert [report.id for report in found] == only and total == 1
        everything = moderation.Filters()
        assert [report.id for report in await moderation.find(db, everything)] == only
        assert await moderation.count_found(db, everything) == 1
        assert await moderation.counts_by_region(db, everything) == {"astana": 1}
        assert [row[0] for row in await moderation.located(db, everything)] == [violation.reference]
        assert await moderation.counts(db, "category") == [("count", 1)]
        new, orphaned = await moderation.stale(db, "9999-01-01", frozenset())
        assert [report.id for report in new] == only and orphaned == []
        assert [report.id for report in await moderation.with_status_in(db, ("new",))] == only
        day = await moderation.received_between(db, "2000-01-01", "9999-01-01")
        assert sum(day.by_status.values()) == 1 and [row[0] for row in day.by_category] == ["count"]
        assert [facts.id for facts, _ in await moderation.deadline_facts(db, ("new",))] == only
        assert await outbox.reports_without_card(db, 10) == only
        assert await reports.count_since(db, "2000-01-01") == 1
        # The same precinct, the same hour: a count is no witness to the violation.
        await witnesses.place(db, violation.id)
        rows = await db.fetchall("SELECT report_id, group_id FROM witness_groups")
        assert not {turnout.id, copy.id} & {value for row in rows for value in row}
    finally:
        await db.close()
