"""The tally: copies of one precinct merged field by field, a conflict where they differ and a
moderator's confirmed figure resolving it; the official file checked whole (a bad line named,
nothing stored) and replaced on a reload; protocol-discrepancy reports filed once per figures;
the sums per region and the country with coverage and turnout by the hour."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from domain.counts import DISCREPANCY_CATEGORY
from services import discrepancies, figures, official, tally
from services.i18n import Translator
from services.moderation import Refused
from storage import tally as store
from storage.counts import set_candidates
from storage.db import Database
from storage.models import Person
from tests.harness import PROJECT_ROOT
from tests.tally_helpers import a_copy, a_count

EXAMPLE = PROJECT_ROOT / "examples" / "official-results.csv"
GOOD = {"voters_listed": 1500, "ballots_received": 1510, "ballots_issued": 1180, "ballots_cast": 1176,
        "ballots_spoiled": 4, "ballots_unused": 326, "invalid": 12, "candidate:1": 702, "candidate:2": 398,
        "candidate:3": 64}
MODERATOR = Person(id=7, pseudonym="p7", role="moderator", language="ru")


@pytest.fixture
async def db(tmp_path: Path):
    database = await Database.open(tmp_path / "bot.sqlite3")
    await set_candidates(database, ["Бірінші", "Второй", "Third"])
    yield database
    await database.close()


class FakeServices:
    """What the tally's services read of the bot's: the database, settings and translations."""

    def __init__(self, db: Database, threshold: int = 10) -> None:
        self._db = db
        self.settings = SimpleNamespace(counts_discrepancy=threshold, moderator_language="ru", election_day=None,
                                        moderator_chat_id=None)

    async def db(self) -> Database:
        return self._db

    def translator(self, language: str) -> Translator:
        return Translator(language)

    def today(self):
        from datetime import date
        return date(2026, 12, 6)


async def test_two_differing_copies_conflict_and_a_confirmed_figure_resolves_it(db):
    first = await a_copy(db, "almaty_city", "245", GOOD)
    second = await a_copy(db, "almaty_city", "0245", {**GOOD, "candidate:1": 2702})
    found = await tally.current(db, 10)
    record = found.precincts[("almaty_city", "245")]
    assert [copy.reference for copy in record.copies] == [first.reference, second.reference]
    (conflict,) = record.conflicts
    assert conflict.line == "candidate:1"
    assert conflict.values == {702: [first.reference], 2702: [second.reference]}
    assert conflict.agreed is None
    assert record.figures["candidate:2"].agreed == 398  # the copies agree there
    assert found.regions["almaty_city"].conflicts == 1

    services = FakeServices(db)
    with pytest.raises(Refused) as refused:  # a copy of another precinct confirms nothing
        other = await a_copy(db, "almaty_city", "246", GOOD)
        await figures.confirm(services, MODERATOR, "almaty_city", "245", "candidate:1", other.reference)
    assert refused.value.key == "tally.confirm.not_a_copy"
    value, filed = await figures.confirm(services, MODERATOR, "almaty_city", "245", "candidate:1", second.reference)
    assert value == 2702 and filed == []  # no official figures yet: nothing to differ from
    record = (await tally.current(db, 10)).precincts[("almaty_city", "245")]
    assert record.conflicts == []
    assert record.figures["candidate:1"].agreed == 2702
    assert record.figures["candidate:1"].confirmed.reference == second.reference
    history = await db.fetchall("SELECT actor, note FROM audit_log WHERE action = 'figure_confirmed' AND report_id = ?",
                                (second.id,))
    assert [tuple(row) for row in history] == [("moderator " + MODERATOR.actor_code, "almaty_city 245 candidate:1=2702")]


def test_the_example_file_is_read_whole():
    parsed = official.parse(EXAMPLE.read_bytes(), [])
    assert parsed.rows == 4
    assert ("almaty_city", "245", "close", 1180) in parsed.turnout
    assert ("abroad", "1001", "candidate:1", 30) in parsed.results
    assert not [row for row in parsed.turnout if row[1] == "1001" and row[2] == "10"]  # an empty cell: not published


def test_a_file_with_bad_lines_is_refused_naming_each_line():
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace("almaty_city", "almaty_town")  # line 3
    lines[3] = lines[3].replace(",655,", ",six hundred,", 1)  # line 4
    lines.append(lines[1])  # line 6: precinct 245 again
    with pytest.raises(official.BadFile) as bad:
        official.parse("\n".join(lines).encode(), [])
    assert [(problem.line, problem.key) for problem in bad.value.problems] == [
        (3, "region"), (4, "number"), (6, "repeated")]
    assert bad.value.problems[2].params == {"precinct": "245", "first": "2"}


def test_candidates_columns_by_name_and_unknown_columns():
    names = [SimpleNamespace(position=1, name="Бірінші"), SimpleNamespace(position=2, name="Второй")]
    data = "region,precinct,Бірінші,второй\nastana,12,400,200\n".encode()
    assert sorted(official.parse(data, names).results) == [("astana", "12", "candidate:1", 400),
                                                          ("astana", "12", "candidate:2", 200)]
    with pytest.raises(official.BadFile) as bad:
        official.parse("region,precinct,Somebody\nastana,12,1\n".encode(), names)
    assert [(problem.line, problem.key) for problem in bad.value.problems] == [(1, "column")]
    with pytest.raises(official.BadFile) as bad:
        official.parse(b"region,precinct\nastana,12\n\xff\xfe", names)
    assert [(problem.line, problem.key) for problem in bad.value.problems] == [(3, "encoding")]


async def test_a_bad_file_loads_nothing_and_a_good_one_replaces_the_last(db):
    await official.load(db, EXAMPLE.read_bytes(), "admin 1A2B")
    first = await store.official(db)
    assert len(first.precincts) == 4
    bad = EXAMPLE.read_text(encoding="utf-8").replace("astana,12,", "astana,x12,").encode()
    with pytest.raises(official.BadFile):
        await official.load(db, bad, "admin 1A2B")
    assert await store.official(db) == first  # nothing half-loaded
    smaller = "region,precinct,candidate:1\nastana,12,401\n".encode()
    loaded = await official.load(db, smaller, "admin 1A2B")
    assert loaded.rows == 1
    now = await store.official(db)
    assert now.precincts == {("astana", "12"): 2} and now.results == {("astana", "12"): {"candidate:1": 401}}
    notes = [row[0] for row in await db.fetchall("SELECT note FROM audit_log WHERE action = 'official_loaded'")]
    assert len(notes) == 2 and notes[1].startswith("1 rows, sha256 ") and loaded.sha256 in notes[1]


def official_with(**changes: str) -> bytes:
    """The example file with some cells replaced (``old=new`` pairs as given)."""
    text = EXAMPLE.read_text(encoding="utf-8")
    for old, new in changes.values():
        text = text.replace(old, new)
    return text.encode()


async def test_a_precinct_beyond_the_threshold_gets_one_discrepancy_report_with_both_figures(db):
    copy = await a_copy(db, "almaty_city", "245", GOOD)  # 702 votes for the first candidate
    await a_copy(db, "almaty_city", "246", {"candidate:1": 611, "candidate:2": 375})  # official 380: within 10
    services = FakeServices(db)
    await official.load(db, official_with(first=(",702,", ",3702,")), "admin 1A2B")  # 3000 more, officially
    first = await discrepancies.file_new(services)
    assert [(report.region, report.precinct, report.subcategory, report.kind, report.accredited) for report in first] == [
        ("almaty_city", "245", DISCREPANCY_CATEGORY, "violation", True)]
    text = first[0].description
    assert "Бірінші: наблюдатели 702, официально 3702, разница +3000" in text, text
    assert copy.reference in text
    assert await discrepancies.file_new(services) == []  # the same figures: nothing again
    await official.load(db, official_with(first=(",702,", ",3702,")), "admin 1A2B")  # a reload of the same file
    assert await discrepancies.file_new(services) == []
    await official.load(db, official_with(first=(",702,", ",3705,")), "admin 1A2B")
    again = await discrepancies.file_new(services)
    assert len(again) == 1 and again[0].id != first[0].id and "3705" in again[0].description  # figures changed
    await official.load(db, official_with(first=(",702,", ",3705,")), "admin 1A2B")
    assert await discrepancies.file_new(services) == []
    filed = await db.fetchall("SELECT COUNT(*) FROM reports WHERE submission_key LIKE 'discrepancy-%'")
    assert filed[0][0] == 2


async def test_sums_coverage_and_turnout_by_the_hour(db):
    await a_copy(db, "almaty_city", "245", GOOD)
    await a_count(db, "almaty_city", "245", "10", 170)
    await a_count(db, "almaty_city", "245", "10", 175)  # the latest count at an hour stands
    await a_count(db, "astana", "12", "12", 200)
    await official.load(db, EXAMPLE.read_bytes(), "admin 1A2B")
    found = await tally.current(db, 10)
    country = found.regions[tally.COUNTRY]
    assert (country.official_precincts, country.observed_precincts, country.covered) == (4, 1, 1)
    assert country.coverage == 0.25
    assert found.regions["almaty_city"].lines["candidate:1"] == [702, 702, 1]
    assert found.regions["almaty_city"].turnout["10"] == [175, 180, 1]
    assert found.regions["astana"].turnout["12"] == [200, 210, 1]
    assert found.lines[:2] == ["voters_listed", "ballots_received"] and found.lines[-1] == "candidate:3"


def _shape(found: tally.Tally) -> tuple:
    """What a tally says, comparable between two computations."""
    return ({code: (sums.official_precincts, sums.observed_precincts, sums.covered, sums.conflicts, sums.discrepant,
                    sums.lines, sums.turnout) for code, sums in found.regions.items()},
            {key: (record.agreed, record.conflicting, [copy.reference for copy in record.copies], record.turnout)
             for key, record in found.precincts.items()}, found.lines)


async def test_what_changed_is_read_alone_and_the_tally_matches_one_read_whole(db):
    """The tally after new copies, counts and a confirmed figure is worked out from what changed
    only (the whole country is not read again), and equals the tally read whole."""
    await a_copy(db, "almaty_city", "245", GOOD)
    await official.load(db, EXAMPLE.read_bytes(), "admin 1A2B")
    first = await tally.current(db, 10)
    assert await tally.current(db, 10) is first  # nothing changed: the same tally
    second = await a_copy(db, "almaty_city", "245", {**GOOD, "candidate:1": 3702})
    await a_copy(db, "astana", "12", {"candidate:1": 400, "candidate:2": 230})  # official 200: +30 off
    await a_count(db, "abroad", "1001", "close", 41)
    read = []
    original = store.copies

    async def counted(*args, **kwargs):
        read.append(kwargs.get("after", 0))
        return await original(*args, **kwargs)
    store.copies = counted
    try:
        changed = await tally.current(db, 10)
        await figures.confirm(FakeServices(db), MODERATOR, "almaty_city", "245", "candidate:1", second.reference)
        confirmed = await tally.current(db, 10)
    finally:
        store.copies = original
    assert read and all(after > 0 for after in read)  # only the reports after the last tally's
    assert changed.regions["almaty_city"].conflicts == 1 and changed.regions["astana"].discrepant == 1
    assert confirmed.regions["almaty_city"].conflicts == 0
    assert confirmed.precincts[("almaty_city", "245")].agreed["candidate:1"] == 3702
    assert first.regions["almaty_city"].conflicts == 0  # the tally read before stays as it was
    tally._last.clear()
    assert _shape(confirmed) == _shape(await tally.current(db, 10))


async def test_a_rejected_copy_reads_everything_again(db):
    copy = await a_copy(db, "almaty_city", "245", GOOD)
    await a_copy(db, "almaty_city", "245", {**GOOD, "candidate:1": 3702})
    assert (await tally.current(db, 10)).regions["almaty_city"].conflicts == 1
    from storage import moderation
    await moderation.change_status(db, copy.id, "moderator 1A2B", "rejected", "Фото не читается")
    after = await tally.current(db, 10)
    assert after.regions["almaty_city"].conflicts == 0
    assert [c.reference for c in after.precincts[("almaty_city", "245")].copies] != [copy.reference]
