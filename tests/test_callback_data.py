"""Callback data: every declared kind reads back as itself within Telegram's 64 bytes, in the very
strings buttons already posted carry; anything else is answered as an old button at the door,
through the real Application, and changes nothing."""

from __future__ import annotations

import re
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from handlers import callback_data as cb
from handlers import mod_prompts
from services.search_query import Query
from tests.fake_telegram import FakeUser
from tests.harness import make_settings
from tests.report_helpers import L, db_rows, finish_and_send_receipt, up_to_evidence

ROOT = Path(__file__).resolve().parent.parent
ADMIN = 1001
GROUP = {"id": -100781, "type": "supergroup", "title": "Moderators"}
SCREEN = "0123456789abcdef"

# One example of each kind, with the string its button carries: the strings are those buttons
# posted before typed callback data carried too, so an old card or menu still works.
EXAMPLES: list[tuple[cb.Button, str]] = [
    (cb.Language("kk"), "lang:kk"),
    (cb.Menu("urgent"), "menu:urgent"),
    (cb.Wizard("when_date", "2026-12-06"), "w:when_date:2026-12-06"),
    (cb.DeleteData("yes"), "del:yes"),
    (cb.Story("no"), "story:no"),
    (cb.CardAction("group_confirm", 123456), "m:group_confirm:123456"),
    (cb.EscalateTo(7, "prosecutor"), "esc:7:prosecutor"),
    (cb.CorrectTo(7, "commission"), "escc:7:commission"),
    (cb.PromptChoice("internal"), "p:internal"),
    (cb.QueuePage(3), "q:3"),
    (cb.FindPage(2, Query(region="karaganda", status="new", since=date(2026, 12, 1), words=("карусель",))),
     "fq:2:r10_s0_a9831:07rB5zA2vv"),
    (cb.UrgentChoice("observer_removed", SCREEN), f"u:observer_removed.{SCREEN}"),
    (cb.UrgentCancel(), "u:cancel"),
    (cb.UrgentWhere(), "u:where"),
    (cb.UrgentRegion("almaty_region"), "u:r.almaty_region"),
    (cb.UrgentDone(), "u:done"),
    (cb.AnswerAbout(42), "ans:42"),
    (cb.Receipt("ABCDEFGHJKLM"), "rc:ABCDEFGHJKLM"),
]

# For each kind, data that looks like it and is not: a field too many or too few, an id that is
# no number (or zero, or signed), an action or a value outside its set.
MALFORMED: dict[type, tuple[str, ...]] = {
    cb.Language: ("lang:xx", "lang", "lang:ru:en", "lang:RU"),
    cb.Menu: ("menu:secret", "menu", "menu:report:1"),
    cb.Wizard: ("w:category", "w:::", "w:category:../../x", "w:" + "a" * 41 + ":x"),
    cb.DeleteData: ("del:maybe", "del", "del:yes:yes"),
    cb.Story: ("story:perhaps", "story"),
    cb.CardAction: ("m:take:abc", "m:take", "m:take:1:2", "m:fly:1", "m:take:0", "m:take:-1", "m:take:01",
                    "m:take:١٢", "m:take:" + "9" * 19, "m:1:take"),
    cb.EscalateTo: ("esc:1:moon", "esc:x:court", "esc:1", "esc:court:1"),
    cb.CorrectTo: ("escc:1:moon", "escc:one:court", "escc:1:court:2"),
    cb.PromptChoice: ("p:maybe", "p", "p:cancel:1"),
    cb.QueuePage: ("q:0", "q:x", "q:-1", "q", "q:1:2", "q:²"),
    cb.FindPage: ("fq:1:r999:.", "fq:x:.:.", "fq:1:.", "fq:0:.:.", "fq:1:z1:."),
    cb.UrgentChoice: ("u:threats.xyz", f"u:fire.{SCREEN}", "u:threats", f"u:threats.{SCREEN.upper()}"),
    cb.UrgentCancel: ("u:cancel:1", "u:Cancel"),
    cb.UrgentWhere: ("u:where:1", "u:where.x"),
    cb.UrgentRegion: ("u:r.mars", "u:r.", "u:r"),
    cb.UrgentDone: ("u:done:now", "u:done."),
    cb.AnswerAbout: ("ans:x", "ans:", "ans:1:2", "ans:0"),
    cb.Receipt: ("rc:abc", "rc:ABCDEFGHJKL0", "rc:ABCDEFGHJKLMN", "rc:"),
}
ANY_KIND = ("", "zz:1", "x" * 65, "m:take:1" + " " * 60)
STAFF_KINDS = (cb.CardAction, cb.EscalateTo, cb.CorrectTo, cb.PromptChoice, cb.QueuePage, cb.FindPage)


def test_every_kind_reads_back_as_itself_in_the_strings_buttons_carry():
    assert {type(button) for button, _ in EXAMPLES} == set(cb.kinds()), "a kind without an example"
    for button, data in EXAMPLES:
        assert cb.encode(button) == data, button
        assert len(data.encode()) <= cb.MAX_BYTES, data
        assert cb.parse(data) == button and type(cb.parse(data)) is type(button), data


def test_a_button_that_could_not_be_read_back_is_not_made():
    with pytest.raises(cb.TooLong):  # over Telegram's 64 bytes
        cb.encode(cb.Wizard("a" * 30, "b" * 35))
    with pytest.raises(cb.TooLong):
        cb.encode(cb.FindPage(1, Query(region="karaganda", words=("избирательная", "комиссия", "отказалась",
                                                                       "выдать", "копию", "протокола"))))
    for wrong in (cb.CardAction("fly", 1), cb.CardAction("take", 0), cb.CardAction("take", -3),
                  cb.Language("xx"), cb.UrgentChoice("threats", "short"), cb.Wizard("when", "a:b"),
                  cb.Receipt("abcdefghjklm")):
        with pytest.raises(ValueError):
            cb.encode(wrong)


def test_malformed_data_of_every_kind_reads_as_nothing():
    assert set(MALFORMED) == set(cb.kinds()), "a kind without malformed examples"
    for data in (*ANY_KIND, *(data for forged in MALFORMED.values() for data in forged)):
        assert cb.parse(data) is None, data


def test_every_button_of_the_card_has_its_handler():
    """The card's buttons are the rulebook's actions; pressing one goes through the table, no chain."""
    assert set(mod_prompts.ON_CARD) == set(cb.CARD_ACTIONS)


def test_only_the_door_reads_a_buttons_data():
    """No handler reads callback data itself: handlers.buttons parses it, the others get objects."""
    readers = []
    door = {ROOT / "handlers" / "callback_data.py", ROOT / "handlers" / "buttons.py"}
    for package in ("bot", "handlers", "services", "web"):
        for path in sorted((ROOT / package).rglob("*.py")):
            text = path.read_text()
            if path not in door and re.search(r"query\.data\b|\bcb\.parse\(|callback_data import .*\bparse\b", text):
                readers.append(str(path.relative_to(ROOT)))
    assert readers == []


# ---- through the real Application ----------------------------------------------------------

@pytest.fixture
def settings(fake, data_dir):
    fake.add_chat(GROUP)
    return make_settings(fake, data_dir, admin_ids=str(ADMIN), moderator_chat_id=GROUP["id"])


def everything(data_dir: Path) -> dict[str, list[tuple]]:
    """Every row of every table of the bot's database."""
    conn = sqlite3.connect(data_dir / "bot.sqlite3")
    try:
        tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"
                                                 " AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        return {table: conn.execute(f"SELECT * FROM {table}").fetchall() for table in tables}
    finally:
        conn.close()


async def test_malformed_presses_are_answered_at_the_door_and_change_nothing(app, fake, user_factory, data_dir):
    """A moderator in the group and a reporter in private press data of every kind that no
    button carries: each press is answered once, as an old button, nothing is sent, nothing
    stored changes (the harness fails the test on any handler's error; the fixture on any call
    Telegram would refuse)."""
    reporter = user_factory("kk")
    await up_to_evidence(reporter, "kk", "Сайлау учаскесінде бюллетеньдерді бір адам бірнеше рет салды.")
    reference, _ = await finish_and_send_receipt(reporter, "kk", evidence=False, contact=True)
    group = FakeUser(fake, ADMIN, language_code="ru", first_name="Нурлан", chat=GROUP)
    (queue,) = await group.say("/queue")  # the moderator known to the bot, as on any day
    assert reference in queue.message["text"]
    # The card and what follows it delivered: nothing the bot owes changes the database meanwhile.
    await fake.wait_for(lambda: not db_rows(data_dir, "SELECT 1 FROM outbox WHERE sent_at IS NULL AND given_up IS NULL"))
    app.bot_data["services"].flood.limit = 1000  # more presses than a person makes in ten seconds
    card, receipt = group.last_with_buttons(), reporter.last_with_buttons()
    before, seen = everything(data_dir), (len(group.events), len(reporter.events))
    answers_before = len(fake.calls_of("answerCallbackQuery"))
    pressed = 0
    for kind, forged in MALFORMED.items():
        presser, message, lang = (group, card, "ru") if kind in STAFF_KINDS else (reporter, receipt, "kk")
        for data in (*forged, *ANY_KIND):
            query = await presser.press(data=data, message=message)
            answer = await presser.answered(query)
            assert answer.get("text") == L(lang, "common.stale_button"), (kind.__name__, data, answer)
            pressed += 1
    assert len(fake.calls_of("answerCallbackQuery")) - answers_before == pressed  # each once
    assert (len(group.events), len(reporter.events)) == seen
    assert everything(data_dir) == before
    assert db_rows(data_dir, "SELECT status FROM reports")[0]["status"] == "new"


def test_the_main_menus_items_are_the_declared_ones():
    from handlers.keyboards import MAIN_MENU_ITEMS, OBSERVER_ITEMS
    offered = [item for row in MAIN_MENU_ITEMS for item in row] + list(OBSERVER_ITEMS)
    assert sorted(offered) == sorted(cb.MENU_ITEMS)
