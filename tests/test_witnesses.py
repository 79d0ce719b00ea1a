"""Witnesses of one event: reports of one precinct (or place) within a few hours, or carrying the
same file, form a group counted by independent reporters; a moderator confirms or splits it
through the rulebook; a duplicate joins the original's group; no file is ever moved or lost."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services import moderation as rulebook
from services import witnesses as service
from services.i18n import Translator
from domain import clock
from storage import evidence, people, reports, witnesses
from storage.crypto import Keys
from storage.db import Database
from storage.models import EvidenceRecord, NewReport

KEYS = Keys("unit-test-secret-key-0123456789abcdef")
START = clock.parse("2026-11-29T04:00:00+00:00")


async def person(db: Database, n: int, role: str = "reporter"):
    found = await people.get_or_create(db, KEYS.pseudonym(n), "ru", None)
    if role != "reporter":
        await db.write("UPDATE people SET role = ?, staff_code = ? WHERE id = ?", (role, f"M{n}", found.id))
        found = await people.get_by_id(db, found.id)
    return found


async def file(db: Database, who: int, minutes: int, *, precinct: str | None = "245", region: str = "karaganda",
               contact: bool = True, files: tuple[tuple[str, str], ...] = (), where: tuple[float, float] | None = None):
    """A report by person ``who`` received ``minutes`` after START, with files (sha256,
    file_unique_id); grouped as the bot groups a new one. Returns the report."""
    reporter = await person(db, who)
    for sha, unique in files:
        await evidence.add_to_draft(db, reporter.id, EvidenceRecord(
            kind="photo", file_id=f"F{unique}", file_unique_id=unique, sha256=sha, size=10, received_at=clock.utcnow()))
    stored, _ = await reports.submit(db, reporter.id, NewReport(
        reporter_role="voter", category="station", subcategory="stuffing", region=region, precinct=precinct,
        precinct_kind="number" if precinct else "unknown", occurred_at="2026-11-29",
        latitude=where[0] if where else None, longitude=where[1] if where else None,
        description="Вбросили пачку бюллетеней в урну на участке.", contact_allowed=contact,
        submission_key=f"k{who}-{minutes}-{precinct}-{len(files)}"))
    await db.write("UPDATE reports SET submitted_at = ? WHERE id = ?",
                   (clock.iso(START + timedelta(minutes=minutes)), stored.id))
    await service.place(db, stored.id)
    return stored


async def test_three_reporters_of_one_precinct_within_an_hour_are_a_group_of_three(db):
    first = await file(db, 1, 0)
    second = await file(db, 2, 25)
    third = await file(db, 3, 55, contact=False)  # anonymous: a witness of its own
    elsewhere = await file(db, 4, 30, precinct="246")
    later = await file(db, 5, 60 * 6)  # the same precinct six hours on: another event
    group = await witnesses.group_of(db, third.id)
    assert group is not None and group.anchor == first.id
    assert [member.reference for member in group.members] == [first.reference, second.reference, third.reference]
    assert group.witnesses == 3 and not group.confirmed
    assert {member.reason for member in group.members} == {"precinct"}
    assert await witnesses.group_of(db, elsewhere.id) is None
    assert await witnesses.group_of(db, later.id) is None
    # The line a card shows of it, in the moderator's words.
    t = Translator("en")
    assert service.line(t, group, third.id) == t(
        "witness.card", witnesses=t.plural("witness.count", 3), references=f"{first.reference}, {second.reference}",
        reason=t("witness.reason.precinct"), state=t("witness.state.suggested"))


async def test_one_reporter_twice_is_one_witness(db):
    await file(db, 1, 0)
    again = await file(db, 1, 10)
    group = await witnesses.group_of(db, again.id)
    assert len(group.members) == 2 and group.witnesses == 1


async def test_the_same_photo_in_two_reports_links_them_whenever_and_wherever(db):
    photo = ("ab" * 32, "UNQ-A")
    first = await file(db, 1, 0, precinct="12", region="astana", files=(photo,))
    other = await file(db, 2, 60 * 30, precinct="999", region="shymkent", files=(("ab" * 32, "UNQ-B"),))
    same_id = await file(db, 3, 60 * 50, precinct=None, region="abroad", files=(("cd" * 32, "UNQ-A"),))
    unrelated = await file(db, 4, 5, precinct="77", region="atyrau", files=(("ef" * 32, "UNQ-C"),))
    group = await witnesses.group_of(db, other.id)
    assert [member.report_id for member in group.members] == [first.id, other.id, same_id.id]
    assert {member.reason for member in group.members} == {"evidence"}
    assert await witnesses.group_of(db, unrelated.id) is None


async def test_reports_a_few_hundred_metres_apart_are_one_event_two_kilometres_are_not(db):
    here = await file(db, 1, 0, precinct=None, where=(43.2380, 76.9450))
    near = await file(db, 2, 40, precinct=None, where=(43.2400, 76.9470))  # ~280 m
    far = await file(db, 3, 40, precinct=None, where=(43.2560, 76.9450))  # ~2 km
    assert [m.report_id for m in (await witnesses.group_of(db, near.id)).members] == [here.id, near.id]
    assert await witnesses.group_of(db, far.id) is None


async def test_splitting_keeps_every_file_and_the_report_stays_apart(db):
    staff = await person(db, 900, "moderator")
    t = Translator("ru")
    members = [await file(db, n, n * 5, files=((f"{n:02d}" * 32, f"U{n}"),)) for n in (1, 2, 3)]
    before = await evidence.counts_of_reports(db, [report.id for report in members])
    first = members[0]
    outcome = await rulebook.act(db, staff, first, rulebook.Request(action="group_split"), t, START.date())
    assert outcome.kind == "witness_split"
    assert await witnesses.group_of(db, first.id) is None
    rest = await witnesses.group_of(db, members[1].id)
    assert [m.report_id for m in rest.members] == [members[1].id, members[2].id] and rest.anchor == members[1].id
    assert await evidence.counts_of_reports(db, [report.id for report in members]) == before == {
        report.id: 1 for report in members}
    # Split off for good: a later look does not put it back, and another split says there is none.
    await service.place(db, first.id)
    assert await witnesses.group_of(db, first.id) is None
    with pytest.raises(rulebook.Refused) as refused:
        await rulebook.act(db, staff, first, rulebook.Request(action="group_split"), t, START.date())
    assert refused.value.key == "witness.none"
    # Confirming the rest confirms each member.
    await rulebook.act(db, staff, members[2], rulebook.Request(action="group_confirm"), t, START.date())
    assert (await witnesses.group_of(db, members[1].id)).confirmed


async def test_a_duplicate_keeps_its_files_and_counts_as_a_witness_of_the_original(db):
    staff = await person(db, 900, "moderator")
    t = Translator("ru")
    original = await file(db, 1, 0, precinct="10", files=(("11" * 32, "U1"),))
    copy = await file(db, 2, 60 * 24, precinct="20", region="pavlodar", files=(("22" * 32, "U2"), ("33" * 32, "U3")))
    assert await witnesses.group_of(db, copy.id) is None  # nothing links them but the moderator
    outcome = await rulebook.act(db, staff, copy, rulebook.Request(action="duplicate", original=original.reference),
                                 t, START.date())
    assert outcome.report.status == "duplicate"
    group = await witnesses.group_of(db, original.id)
    assert [m.report_id for m in group.members] == [original.id, copy.id] and group.witnesses == 2
    assert next(m for m in group.members if m.report_id == copy.id).reason == "duplicate"
    assert [e.file_unique_id for e in await evidence.of_report(db, copy.id)] == ["U2", "U3"]
    assert [e.file_unique_id for e in await evidence.of_report(db, original.id)] == ["U1"]


async def test_a_precinct_corrected_joins_that_precincts_event(db):
    staff = await person(db, 900, "moderator")
    first = await file(db, 1, 0)
    mistyped = await file(db, 2, 20, precinct="2450")
    assert await witnesses.group_of(db, mistyped.id) is None
    await rulebook.act(db, staff, mistyped, rulebook.Request(action="correct", corrections={"precinct": "245"}),
                       Translator("ru"), START.date())
    assert [m.report_id for m in (await witnesses.group_of(db, first.id)).members] == [first.id, mistyped.id]


def test_offered_only_to_a_report_in_a_group():
    report = reports_model()
    assert not set(rulebook.GROUP_ACTIONS) & set(rulebook.offered(report))
    assert set(rulebook.GROUP_ACTIONS) <= set(rulebook.offered(report, grouped=True))


def reports_model():
    from storage.models import Report
    return Report(id=1, reference="KZ-000001", reporter_id=None, status="new", submitted_at=clock.utcnow(),
                  reporter_role="voter", category="stuffing", region="astana", occurred_at="2026-11-29",
                  description="x" * 30, submission_key="k")


# ---- end to end: the card says a report joined a group; both doors confirm and split ----------

GROUP_CHAT = {"id": -100728, "type": "supergroup", "title": "Moderators"}
ADMIN = 1001


async def test_the_card_says_a_new_report_joined_and_both_doors_confirm_and_split(fake, data_dir, user_factory):
    from tests.fake_telegram import FakeUser
    from tests.harness import make_settings, running_bot
    from tests.report_helpers import L, db_rows, finish_and_send, up_to_evidence
    from tests.test_dashboard import client, csrf_of, sign_in

    fake.add_chat(GROUP_CHAT)
    settings = make_settings(fake, data_dir, admin_ids=str(ADMIN), moderator_chat_id=GROUP_CHAT["id"], web_port=0)
    group = FakeUser(fake, ADMIN, language_code="ru", first_name="Нурлан", chat=GROUP_CHAT)
    admin = FakeUser(fake, ADMIN, language_code="ru", first_name="Нурлан")
    t = Translator("ru")
    async with running_bot(settings):
        refs, cards = [], []
        for n, lang in enumerate(("kk", "ru", "en")):
            user = user_factory(lang)
            await up_to_evidence(user, lang, f"Report {n}: a stack of ballots went into the box at once.")
            refs.append(await finish_and_send(user, lang, evidence=False, contact=n != 2))
            (card,) = await group.replies(1)
            cards.append(card.message)
        assert refs[0] in cards[0]["text"]
        assert "👥" not in cards[0]["text"]  # alone when it came
        third = cards[2]["text"]
        assert L("ru", "witness.card", witnesses=t.plural("witness.count", 3), references=f"{refs[0]}, {refs[1]}",
                 reason=L("ru", "witness.reason.precinct"), state=L("ru", "witness.state.suggested")) \
            .replace("<b>", "").replace("</b>", "") in third
        # Telegram's door: the card's button confirms the group.
        query = await group.press(L("ru", "mod.action.group_confirm"), message=cards[2])
        assert (await group.answered(query))["text"] == L("ru", "witness.confirmed", reference=refs[2])
        (redrawn,) = await group.replies(1)  # the card, edited: the group confirmed
        assert L("ru", "witness.state.confirmed") in redrawn.message["text"]
        assert {row["state"] for row in db_rows(data_dir, "SELECT state FROM witness_groups")} == {"confirmed"}
        # The dashboard's door: the report's page shows the group and splits one off.
        (answer,) = await admin.say("/dashboard")
        link = next(word for word in answer.message["text"].split() if "/login/" in word)
        async with client() as browser:
            assert (await sign_in(browser, link)).status == 303
            base = link.split("/login/")[0]
            async with browser.get(f"{base}/report/{refs[1]}") as page:
                html = await page.text()
            assert 'id="witnesses"' in html and f'href="/report/{refs[0]}"' in html
            assert t("witness.card", witnesses=t.plural("witness.count", 3), references=f"{refs[0]}, {refs[2]}",
                     reason=t("witness.reason.precinct"), state=t("witness.state.confirmed")) in html  # its markup kept
            async with browser.post(f"{base}/report/{refs[1]}", data={"csrf": csrf_of(html), "action": "group_split"},
                                    allow_redirects=False) as done:
                assert done.status == 303 and done.headers["Location"].endswith("?done=web.witness.split")
        rows = {row["report_id"]: (row["group_id"], row["state"])
                for row in db_rows(data_dir, "SELECT report_id, group_id, state FROM witness_groups")}
        assert rows == {1: (1, "confirmed"), 2: (None, "split"), 3: (1, "confirmed")}
    assert fake.refused == []
