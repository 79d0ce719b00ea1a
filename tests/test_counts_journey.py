"""End to end: accredited observers file turnout counts and copies of the results protocol (issue
#29), in Kazakh and Russian, through the real bot against the fake Bot API; the figures are
checked as they are typed, a refused copy files a violation at once, and no count reaches the
moderators' queue or chat."""

from __future__ import annotations

import json

import pytest

from domain.counts import PROTOCOL_LINES
from domain.rules import OBSERVER_COMMANDS
from services.evidence import read
from services.i18n import Translator
from tests.fake_telegram import FakeUser
from tests.harness import make_settings, running_bot
from tests.report_helpers import KEYS, L, LP, confirmed, db_rows, jpeg, sha256
from tests.test_staff_language import menu_seen

ADMIN = 1001
GROUP = {"id": -100781, "type": "supergroup", "title": "Moderators"}
CANDIDATES = ("Иванов Иван", "Петрова Анна")
# A protocol that adds up: 1210 = 1000 + 5 + 205; 600 + 340 + 10 = 950; 1000 <= 1500; 950 <= 1000.
GOOD = {"voters_listed": 1500, "ballots_received": 1210, "ballots_issued": 1000, "ballots_cast": 950,
        "ballots_spoiled": 5, "ballots_unused": 205, "invalid": 10, "candidate:1": 600, "candidate:2": 340}


@pytest.fixture
def settings(fake, data_dir):
    fake.add_chat(GROUP)
    return make_settings(fake, data_dir, admin_ids=str(ADMIN), moderator_chat_id=GROUP["id"])


@pytest.fixture
def admin(fake):
    return FakeUser(fake, ADMIN, language_code="ru", first_name="Нурлан")


@pytest.fixture
def group(fake):
    return FakeUser(fake, ADMIN, language_code="ru", first_name="Нурлан", chat=GROUP)


async def observer_in(lang: str, admin: FakeUser, user_factory) -> FakeUser:
    """Someone who redeemed an administrator's invite: an accredited observer."""
    (reply,) = await admin.say("/invite")
    code = reply.message["text"].split()[-1].split("start=")[1]
    observer = user_factory(lang)
    (accepted, _menu) = await observer.say(f"/start {code}", n=2)
    assert accepted.message["text"] == L(lang, "invite.accepted")
    return observer


async def set_candidates(admin: FakeUser) -> None:
    (reply,) = await admin.say("/candidates " + "; ".join(CANDIDATES))
    assert reply.message["text"].startswith(L("ru", "admin.candidates_set", count=2))


def number(lang: str, value: int) -> str:
    return Translator(lang).number(value)


async def up_to_figures(observer: FakeUser, lang: str, *, pages: int = 3) -> list[bytes]:
    """From the menu to the figures: precinct 245 in Almaty, a sealed copy, ``pages`` photos as an album."""
    (prompt,) = await observer.tap(L(lang, "menu.results"))
    assert L(lang, "count.intro.results") in prompt.message["text"]
    assert L(lang, "count.ask_region") in prompt.message["text"]
    await observer.tap(L(lang, "region.almaty_city"))
    (prompt,) = await observer.say("УСК № 245" if lang == "kk" else "УИК №245")
    assert prompt.message["text"] == L(lang, "count.ask_copy")
    (prompt,) = await observer.tap(L(lang, "count.copy.sealed"))
    assert prompt.message["text"] == L(lang, "count.ask_copy_photos")
    photos = [jpeg(color=(40 * i, 90, 30)) for i in range(pages)]
    for photo in photos:
        await observer.photo(photo, media_group_id="protocol-pages")
    (ack,) = await observer.replies(1)
    assert ack.message["text"].startswith(LP(lang, "wizard.files_attached", pages, max=20))
    (figures,) = await observer.tap(L(lang, "count.photos_done"))
    assert L(lang, "count.figures_next", line=L(lang, "count.line.voters_listed")) in figures.message["text"]
    return photos


def lines_in_order(figures: dict[str, int]) -> str:
    order = [*PROTOCOL_LINES, "candidate:1", "candidate:2"]
    return "\n".join(str(figures[line]) for line in order)


async def test_turnout_count_in_kazakh_and_russian(app, fake, user_factory, admin, group, data_dir):
    for n, lang in enumerate(("kk", "ru"), start=1):
        observer = await observer_in(lang, admin, user_factory)
        (prompt,) = await observer.tap(L(lang, "menu.turnout"))
        assert L(lang, "count.intro.turnout") in prompt.message["text"]
        await observer.tap(L(lang, "region.karaganda"))
        (prompt,) = await observer.say("245 учаске" if lang == "kk" else "участок 245")
        assert prompt.message["text"] == L(lang, "count.ask_hour")
        (prompt,) = await observer.tap("12:00")
        assert prompt.message["text"] == L(lang, "count.ask_source")
        (prompt,) = await observer.tap(L(lang, "count.source.counted"))
        (prompt,) = await observer.say("4l2")  # a letter for a digit: said, and asked again
        assert prompt.message["text"].startswith(L(lang, "count.bad_number"))
        (prompt,) = await observer.say("412")
        assert prompt.message["text"] == L(lang, "count.ask_photo")
        photo = jpeg(color=(200, 200, 10 * n))
        await observer.photo(photo)
        (ack,) = await observer.replies(1)
        assert ack.message["text"].startswith(LP(lang, "wizard.files_attached", 1, max=20))
        (review,) = await observer.tap(L(lang, "count.photos_done"))
        text = review.message["text"]
        for line in (L(lang, "count.summary_hour", hour="12:00"),
                     L(lang, "count.summary_source", source=L(lang, "count.source.counted")),
                     L(lang, "count.summary_voters", voters="412"), L(lang, "summary.precinct", number="245")):
            assert line in text
        (sent,) = await observer.tap(L(lang, "wizard.send"))
        reference, code = confirmed(sent.message["text"], lang, anonymous=False)
        (status,) = await observer.say(f"/status {code}")  # its receipt works as any report's
        assert reference in status.message["text"]

        (report,) = db_rows(data_dir, "SELECT * FROM reports WHERE reference = ?", (reference,))
        assert (report["kind"], report["category"], report["reporter_role"], report["accredited"]) == \
            ("turnout", "turnout", "observer", 1)
        assert (report["region"], report["precinct"]) == ("karaganda", "245")
        (figure,) = db_rows(data_dir, "SELECT * FROM turnout_counts WHERE report_id = ?", (report["id"],))
        assert (figure["hour"], figure["source"], figure["voters"]) == ("12", "counted", 412)
        (file,) = db_rows(data_dir, "SELECT * FROM evidence WHERE report_id = ?", (report["id"],))
        assert file["sha256"] == sha256(photo) and read(data_dir, file["stored_path"], KEYS) == photo
    assert db_rows(data_dir, "SELECT * FROM drafts") == []
    # Linked to its observer (contact allowed, as their reports start): in their /myreports.
    (mine,) = await observer.say("/myreports")
    assert reference in mine.message["text"] and L(lang, "group.turnout") in mine.message["text"]
    await no_count_for_moderators(group, data_dir)
    # A moderator may still look one up by its reference: what it is, where, and its figure in words.
    (card,) = await group.say(f"/view {reference}")
    for part in (reference, L("ru", "group.turnout"), L("ru", "region.karaganda"), "412"):
        assert part in card.message["text"]
    # No case's buttons on it: a count is not taken, verified or rejected; an old card's button
    # (or forged data) pressed on it is told so, and nothing changes.
    assert not card.message.get("reply_markup")
    query = await group.press(data=f"m:take:{report['id']}", message=card.message)
    assert (await group.answered(query)).get("text") == L("ru", "mod.count_not_a_case", reference=reference)
    (after,) = db_rows(data_dir, "SELECT status, taken_by FROM reports WHERE id = ?", (report["id"],))
    assert (after["status"], after["taken_by"]) == ("new", None)
    assert fake.refused == []


async def no_count_for_moderators(group: FakeUser, data_dir) -> None:
    """Counts are no cases: none is carded in the moderators' chat, none is in /queue."""
    assert db_rows(data_dir, "SELECT * FROM reports WHERE kind != 'violation' AND moderator_message_id IS NOT NULL") == []
    assert db_rows(data_dir, "SELECT o.kind FROM outbox o JOIN reports r ON r.id = o.report_id"
                             " WHERE r.kind != 'violation' AND o.kind != 'confirmation'") == []
    (queue,) = await group.say("/queue")
    assert queue.message["text"] == L("ru", "mod.queue_empty")
    assert [event for event in group.events if "KZ-" in (event.message or {}).get("text", "")] == []


@pytest.mark.parametrize("lang", ["kk", "ru"])
async def test_three_page_protocol_copy(app, fake, user_factory, admin, group, data_dir, lang):
    """Figures one a message (each answer asks the next line), then the rest in one message."""
    await set_candidates(admin)
    observer = await observer_in(lang, admin, user_factory)
    photos = await up_to_figures(observer, lang)
    (prompt,) = await observer.say("1500")
    assert prompt.message["text"].startswith(LP(lang, "count.figures_taken", 1))
    assert L(lang, "count.figures_next", line=L(lang, "count.line.ballots_received")) in prompt.message["text"]
    (prompt,) = await observer.say("1 210")
    assert L(lang, "count.figures_next", line=L(lang, "count.line.ballots_issued")) in prompt.message["text"]
    rest = [GOOD[line] for line in (*PROTOCOL_LINES[2:], "candidate:1", "candidate:2")]
    (review,) = await observer.say("\n".join(map(str, rest)))
    text = review.message["text"]
    assert L(lang, "wizard.review_hint") in text and L(lang, "count.findings") not in text
    assert L(lang, "count.figure_row", n=8, line=CANDIDATES[0], value=number(lang, 600)) in text
    assert L(lang, "count.summary_copy", copy=L(lang, "count.copy.sealed")) in text
    (sent,) = await observer.tap(L(lang, "wizard.send"))
    reference, _ = confirmed(sent.message["text"], lang, anonymous=False)

    (report,) = db_rows(data_dir, "SELECT * FROM reports WHERE reference = ?", (reference,))
    assert (report["kind"], report["precinct"], report["accredited"]) == ("results", "245", 1)
    (copy,) = db_rows(data_dir, "SELECT * FROM protocol_copies WHERE report_id = ?", (report["id"],))
    assert copy["copy"] == "sealed" and json.loads(copy["mismatches"]) == []
    stored = {row["line"]: row["value"] for row in
              db_rows(data_dir, "SELECT line, value FROM protocol_figures WHERE report_id = ?", (report["id"],))}
    assert stored == GOOD
    files = db_rows(data_dir, "SELECT * FROM evidence WHERE report_id = ? ORDER BY id", (report["id"],))
    assert [f["sha256"] for f in files] == [sha256(p) for p in photos]
    assert all(read(data_dir, f["stored_path"], KEYS) == p for f, p in zip(files, photos))
    await no_count_for_moderators(group, data_dir)
    assert fake.refused == []


async def test_a_protocol_that_does_not_add_up_is_shown_and_stored_as_such(app, fake, user_factory, admin, data_dir):
    await set_candidates(admin)
    observer = await observer_in("ru", admin, user_factory)
    await up_to_figures(observer, "ru", pages=1)
    bad = {**GOOD, "ballots_unused": 200}  # 1210 received, 1000 + 5 + 200 = 1205 accounted for
    (review,) = await observer.say(lines_in_order(bad))
    text = review.message["text"]
    assert L("ru", "count.findings") in text
    finding = L("ru", "count.check.received", left=number("ru", 1210), right=number("ru", 1205))
    assert finding in text
    assert L("ru", "count.check.cast", left="x", right="x").split(" ")[0] not in text.split(finding)[1]
    # Changed from the review, a line named with its number; still wrong, still said.
    await observer.tap(L("ru", "wizard.edit_figures"))
    (review,) = await observer.say("Иванов: 601")
    assert L("ru", "count.check.cast", left=number("ru", 951), right=number("ru", 950)) in review.message["text"]
    await observer.tap(L("ru", "wizard.send"))
    (report,) = db_rows(data_dir, "SELECT id FROM reports WHERE kind = 'results'")
    (copy,) = db_rows(data_dir, "SELECT mismatches FROM protocol_copies WHERE report_id = ?", (report["id"],))
    assert json.loads(copy["mismatches"]) == ["received", "cast"]
    assert fake.refused == []


async def test_named_lines_and_bad_figures_repeat_the_step_keeping_what_was_typed(app, fake, user_factory, admin,
                                                                                data_dir):
    observer = await observer_in("ru", admin, user_factory)  # no candidates set: told, and the rest taken
    (prompt,) = await observer.tap(L("ru", "menu.results"))
    await observer.tap(L("ru", "region.astana"))
    await observer.say("17")
    await observer.tap(L("ru", "count.copy.unsealed"))
    (figures,) = await observer.tap(L("ru", "count.photos_done"))
    assert L("ru", "count.no_candidates") in figures.message["text"]
    (prompt,) = await observer.say("Избирателей в списке: 900\nПолучено: 800")
    assert prompt.message["text"].startswith(LP("ru", "count.figures_taken", 2))
    (prompt,) = await observer.say("12a")
    assert prompt.message["text"].startswith(L("ru", "count.figures_bad_row", row="12a"))
    (prompt,) = await observer.say("Бюллетени для голосования по почте: 5")
    assert prompt.message["text"].startswith(L("ru", "count.figures_unknown_line",
                                                row="Бюллетени для голосования по почте: 5"))
    (prompt,) = await observer.say("1\n2\n3\n4\n5\n6")  # six numbers, five lines left
    assert prompt.message["text"].startswith(L("ru", "count.figures_too_many", numbers=6, left=5, total=7))
    # Nothing of the bad messages was taken; what came before is all there.
    assert L("ru", "count.figure_row", n=2, line=L("ru", "count.line.ballots_received"), value="800") in \
        prompt.message["text"]
    assert L("ru", "count.figures_next", line=L("ru", "count.line.ballots_issued")) in prompt.message["text"]
    (review,) = await observer.say("700\n690\n20\n80\n7")
    assert L("ru", "wizard.review_hint") in review.message["text"]
    await observer.tap(L("ru", "wizard.send"))
    (report,) = db_rows(data_dir, "SELECT id FROM reports WHERE kind = 'results'")
    stored = dict(tuple(row) for row in db_rows(data_dir, "SELECT line, value FROM protocol_figures WHERE report_id = ?",
                                                (report["id"],)))
    assert stored == {"voters_listed": 900, "ballots_received": 800, "ballots_issued": 700, "ballots_cast": 690,
                      "ballots_spoiled": 20, "ballots_unused": 80, "invalid": 7}
    assert fake.refused == []


async def test_a_refused_copy_files_an_observer_rights_violation_at_once(app, fake, user_factory, admin, group,
                                                                          data_dir):
    observer = await observer_in("kk", admin, user_factory)
    await observer.tap(L("kk", "menu.results"))
    await observer.tap(L("kk", "region.shymkent"))
    await observer.say("88")
    receipt, figures = await observer.tap(L("kk", "count.copy.refused"), n=2)
    reference, _ = confirmed(receipt.message["text"], "kk", anonymous=False)
    assert figures.message["text"].startswith(L("kk", "count.refused_filed", reference=reference))
    (filed,) = db_rows(data_dir, "SELECT * FROM reports WHERE reference = ?", (reference,))
    assert (filed["kind"], filed["category"], filed["subcategory"], filed["accredited"]) == \
        ("violation", "observers", "protocol_copy", 1)
    assert (filed["region"], filed["precinct"]) == ("shymkent", "88")
    (card,) = await group.replies(1)  # the refusal is a case: carded for the moderators
    assert reference in card.message["text"]
    # No figures after a refusal: straight to the review, then Send.
    (review,) = await observer.tap(L("kk", "count.figures_none"))
    assert L("kk", "count.summary_refused_filed", reference=reference) in review.message["text"]
    (sent,) = await observer.tap(L("kk", "wizard.send"))
    count_reference, _ = confirmed(sent.message["text"], "kk", anonymous=False)
    (count,) = db_rows(data_dir, "SELECT id, kind FROM reports WHERE reference = ?", (count_reference,))
    assert count["kind"] == "results"
    (copy,) = db_rows(data_dir, "SELECT copy FROM protocol_copies WHERE report_id = ?", (count["id"],))
    assert copy["copy"] == "refused"
    assert len(db_rows(data_dir, "SELECT * FROM reports")) == 2
    assert fake.refused == []


async def test_a_voter_is_not_offered_counts(app, fake, user_factory, data_dir):
    voter = user_factory("ru")
    (menu,) = await voter.say("/start")
    labels = [button["text"] for button in voter.buttons(menu.message)]
    assert L("ru", "menu.report") in labels
    assert L("ru", "menu.turnout") not in labels and L("ru", "menu.results") not in labels
    for command in ("/turnout", "/protocol"):
        (reply,) = await voter.say(command)
        assert reply.message["text"] == L("ru", "count.observers_only")
    query = await voter.press(data="menu:turnout")  # a forged press of the observers' button
    await voter.answered(query)
    (reply,) = await voter.replies(1)
    assert reply.message["text"] == L("ru", "count.observers_only")
    assert db_rows(data_dir, "SELECT * FROM drafts") == []
    # Nor in the command menu: everyone's has no counts; an observer's own chat's has them.
    assert not set(OBSERVER_COMMANDS) & set(menu_seen(fake, voter.id, "ru"))
    assert fake.refused == []


async def test_an_observers_menu_has_the_counts(app, fake, user_factory, admin):
    observer = await observer_in("kk", admin, user_factory)
    (menu,) = [event for event in observer.events if L("kk", "start.greeting") in (event.message or {}).get("text", "")]
    labels = [button["text"] for button in observer.buttons(menu.message)]
    assert L("kk", "menu.turnout") in labels and L("kk", "menu.results") in labels
    assert set(OBSERVER_COMMANDS) <= set(menu_seen(fake, observer.id, "kk"))
    # Its menu follows the language they choose.
    await observer.say("/language")
    await observer.tap(L("ru", "language.name.ru"), n=2)
    await fake.wait_for(lambda: menu_seen(fake, observer.id, "kk").get("turnout") == L("ru", "command.turnout"), 15)
    # /deletemydata takes the accreditation, and the counts' commands with it.
    await observer.say("/deletemydata")
    await observer.tap(L("ru", "delete.yes"))
    await fake.wait_for(lambda: "turnout" not in menu_seen(fake, observer.id, "ru"), 15)
    assert fake.refused == []


async def test_candidates_are_set_by_an_administrator(app, fake, user_factory, admin, data_dir):
    (reply,) = await admin.say("/candidates")
    assert reply.message["text"].startswith(L("ru", "admin.candidates_none"))
    (reply,) = await admin.say("/candidates\nАбаев Абай\nБекова Бибигуль\nВасильев Виктор")
    assert reply.message["text"].startswith(L("ru", "admin.candidates_set", count=3))
    (reply,) = await admin.say("/candidates")
    assert L("ru", "admin.candidates_item", position=2, name="Бекова Бибигуль") in reply.message["text"]
    assert [tuple(row) for row in db_rows(data_dir, "SELECT position, name FROM candidates ORDER BY position")] == \
        [(1, "Абаев Абай"), (2, "Бекова Бибигуль"), (3, "Васильев Виктор")]
    outsider = user_factory("ru")
    (reply,) = await outsider.say("/candidates Кто-то")
    assert reply.message["text"] == L("ru", "mod.refused")
    assert len(db_rows(data_dir, "SELECT * FROM candidates")) == 3
    assert fake.refused == []


async def test_a_count_survives_a_restart_halfway_through_its_figures(fake, settings, user_factory, admin, data_dir):
    """The figures typed so far are in the draft: after a restart the next line is asked."""
    async with running_bot(settings):
        await set_candidates(admin)
        observer = await observer_in("kk", admin, user_factory)
        await up_to_figures(observer, "kk", pages=2)
        await observer.say("1500\n1210\n1000")
    async with running_bot(settings):
        (prompt,) = await observer.say("950")  # the fourth line, as the draft was left
        assert L("kk", "count.figures_next", line=L("kk", "count.line.ballots_spoiled")) in prompt.message["text"]
        (review,) = await observer.say("Бүлінген: 5\nПайдаланылмаған: 205\nЖарамсыз: 10\nИванов: 600\nПетрова: 340")
        assert L("kk", "wizard.review_hint") in review.message["text"]
        await observer.tap(L("kk", "wizard.send"))
    (report,) = db_rows(data_dir, "SELECT id FROM reports WHERE kind = 'results'")
    stored = dict(tuple(row) for row in db_rows(data_dir, "SELECT line, value FROM protocol_figures WHERE report_id = ?",
                                                (report["id"],)))
    assert stored == GOOD
    assert len(db_rows(data_dir, "SELECT * FROM evidence WHERE report_id = ?", (report["id"],))) == 2
    assert fake.refused == []


async def test_a_count_waits_for_a_report_already_open(app, fake, user_factory, admin, data_dir):
    """One draft at a time: a violation report half written is shown, said to be another, and kept."""
    observer = await observer_in("ru", admin, user_factory)
    await observer.tap(L("ru", "menu.report"))
    (prompt,) = await observer.say("/turnout")
    assert prompt.message["text"].startswith(L("ru", "count.other_open"))
    (draft,) = db_rows(data_dir, "SELECT data FROM drafts")
    assert json.loads(draft["data"])["kind"] == "violation"
    assert fake.refused == []


async def test_the_longest_candidates_list_fits_the_figures_screen(app, fake, user_factory, admin, data_dir):
    from handlers.admin import CANDIDATE_NAME_MAX, CANDIDATES_MAX
    names = [f"{n:02d} " + "Ш" * (CANDIDATE_NAME_MAX - 3) for n in range(CANDIDATES_MAX)]
    await admin.say("/candidates " + "; ".join(names))
    (refused,) = await admin.say("/candidates " + "; ".join([*names, "Ещё один"]))
    assert refused.message["text"] == L("ru", "admin.candidates_bad", max=CANDIDATES_MAX, length=CANDIDATE_NAME_MAX)
    observer = await observer_in("kk", admin, user_factory)
    await up_to_figures(observer, "kk", pages=1)
    (prompt,) = await observer.say("1500")
    assert names[-1] in prompt.message["text"]
    assert fake.refused == []
