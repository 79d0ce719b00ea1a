"""Draft reminders and expiry, /deletemydata, /privacy and /rights, flood control, and logs."""

from __future__ import annotations

import logging
import sqlite3

import pytest

from bot import logs
from handlers import jobs
from handlers.context import BotContext
from tests.report_helpers import L, db_rows, finish_and_send, jpeg, start_report, up_to_evidence

DESCRIPTION = "Ректор собрал студентов и сказал, что без фото бюллетеня не допустят к сессии."


def age_drafts(data_dir, days: float) -> None:
    conn = sqlite3.connect(data_dir / "bot.sqlite3")
    with conn:
        conn.execute("UPDATE drafts SET updated_at = datetime('now', ?)", (f"-{days * 24} hours",))
    conn.close()


async def test_idle_draft_gets_one_reminder_then_expires(app, fake, user_factory, data_dir):
    user = user_factory("kk")
    await up_to_evidence(user, "kk", "Әкімдік қызметкерлері үйме-үй жүріп, дауыс үшін ақша ұсынды.")
    await user.photo(jpeg())
    await user.replies(1)
    (file_row,) = db_rows(data_dir, "SELECT stored_path FROM evidence")
    assert (data_dir / file_row["stored_path"]).exists()

    age_drafts(data_dir, 1.1)
    context = BotContext(app)
    await jobs.draft_maintenance(context)
    (reminder,) = await user.replies(1)
    assert reminder.message["text"] == L("kk", "wizard.reminder")
    await jobs.draft_maintenance(context)  # reminded already: no second reminder
    assert len(db_rows(data_dir, "SELECT * FROM drafts")) == 1

    age_drafts(data_dir, 7.1)
    await jobs.draft_maintenance(context)
    assert db_rows(data_dir, "SELECT * FROM drafts") == []
    assert db_rows(data_dir, "SELECT * FROM evidence") == []
    assert not (data_dir / file_row["stored_path"]).exists()
    reminders = [e for e in user.events if e.message["text"] == L("kk", "wizard.reminder")]
    assert len(reminders) == 1
    (reply,) = await user.say("/report")
    assert L("kk", "wizard.intro") in reply.message["text"]


async def test_a_file_added_to_an_idle_draft_counts_as_activity(app, fake, user_factory, data_dir):
    # The evidence step does not store the draft again: recording the file moves its clock.
    user = user_factory("ru")
    await up_to_evidence(user, "ru", DESCRIPTION)
    age_drafts(data_dir, 1.1)
    context = BotContext(app)
    await jobs.draft_maintenance(context)
    (reminder,) = await user.replies(1)
    assert reminder.message["text"] == L("ru", "wizard.reminder")

    await user.photo(jpeg())
    await user.replies(1)
    (draft,) = db_rows(data_dir, "SELECT updated_at, reminded_at FROM drafts")
    (file_row,) = db_rows(data_dir, "SELECT received_at FROM evidence")
    assert draft["updated_at"] == file_row["received_at"]
    assert draft["reminded_at"] is None
    age_drafts(data_dir, 1.1)
    await jobs.draft_maintenance(context)  # idle again after the file: reminded again
    (second,) = await user.replies(1)
    assert second.message["text"] == L("ru", "wizard.reminder")


async def test_delete_my_data_unlinks_reports_and_forgets_the_person(app, fake, user_factory, data_dir):
    user = user_factory("ru")
    await up_to_evidence(user, "ru", DESCRIPTION)
    await finish_and_send(user, "ru", evidence=False)
    # A second report left as a draft with a file.
    await up_to_evidence(user, "ru", DESCRIPTION)
    await user.photo(jpeg())
    await user.replies(1)
    draft_file = db_rows(data_dir, "SELECT stored_path FROM evidence WHERE report_id IS NULL")[0]["stored_path"]

    (ask,) = await user.say("/deletemydata")
    assert ask.message["text"] == L("ru", "delete.ask")
    (kept,) = await user.tap(L("ru", "delete.no"))
    assert kept.message["text"] == L("ru", "delete.kept")
    assert len(db_rows(data_dir, "SELECT * FROM people")) == 1

    await user.say("/deletemydata")
    (done,) = await user.tap(L("ru", "delete.yes"))
    assert done.message["text"] == L("ru", "delete.done")
    assert db_rows(data_dir, "SELECT * FROM people") == []
    assert db_rows(data_dir, "SELECT * FROM drafts") == []
    assert db_rows(data_dir, "SELECT * FROM evidence WHERE report_id IS NULL") == []
    assert not (data_dir / draft_file).exists()
    (report,) = db_rows(data_dir, "SELECT * FROM reports")
    assert report["reporter_id"] is None and report["description"] == DESCRIPTION

    # Writing again: a new person, no reports, and the old wizard state does not come back.
    (reply,) = await user.say("/myreports")
    assert reply.message["text"] == f'{L("ru", "myreports.empty")}\n\n{L("ru", "myreports.anonymous")}'
    (reply,) = await user.say("ещё текст")
    assert reply.message["text"] in (L("ru", "wizard.no_draft"), L("ru", "common.unknown"))


async def test_rights_and_privacy(app, user_factory):
    user = user_factory("kk")
    (rights,) = await user.say("/rights")
    assert rights.message["text"] == L("kk", "rights.text")
    assert "10 күн" in rights.message["text"]
    (privacy,) = await user.say("/privacy")
    assert privacy.message["text"] == L("kk", "privacy.text")


async def test_flood_gets_one_notice_and_others_are_not_slowed(app, fake, user_factory):
    flooder, other = user_factory("en"), user_factory("ru")
    for i in range(40):
        await flooder.text(f"spam {i}")
    await fake.wait_for(lambda: any(e.message["text"] == L("en", "flood.updates") for e in flooder.events))
    (reply,) = await other.say("/help")
    assert reply.message["text"] == L("ru", "help.text")
    notices = [e for e in flooder.events if e.message["text"] == L("en", "flood.updates")]
    assert len(notices) == 1
    # 30 were taken (each answered with the menu), the other 10 dropped after one notice.
    await fake.wait_for(lambda: len(flooder.events) == 31)
    assert sum(e.message["text"] == L("en", "common.unknown") for e in flooder.events) == 30


async def test_reports_per_hour_limit_keeps_the_draft(app, fake, user_factory, data_dir, monkeypatch):
    from handlers import report_review

    monkeypatch.setattr(report_review, "REPORTS_PER_HOUR", 1)
    user = user_factory("en")
    await up_to_evidence(user, "en", "First report about pressure at the factory today.")
    await finish_and_send(user, "en", evidence=False)
    await up_to_evidence(user, "en", "Second report, about the same factory, an hour later.")
    (notice,) = await user.tap(L("en", "wizard.send"))
    assert notice.message["text"] == L("en", "flood.reports", max=1)
    assert len(db_rows(data_dir, "SELECT * FROM reports")) == 1
    assert len(db_rows(data_dir, "SELECT * FROM drafts")) == 1


@pytest.fixture
def bot_logging():
    """The bot's own logging policy, at its most talkative level (DEBUG), for one test."""
    levels = {name: logging.getLogger(name).level for name in logs.LIBRARIES}
    logs.quiet_libraries()
    yield
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


async def test_logs_of_a_full_scenario_hold_no_personal_data(bot_logging, app, fake, user_factory, caplog):
    caplog.set_level(logging.DEBUG)
    user = user_factory("ru", first_name="Гульнара", username="gulnara_secret")
    await up_to_evidence(user, "ru", DESCRIPTION)
    await user.photo(jpeg())
    await user.replies(1)
    await finish_and_send(user, "ru")
    await user.say("/myreports")
    await user.say("/deletemydata")
    await user.tap(L("ru", "delete.yes"))
    text = caplog.text
    assert "report KZ-000001 stored" in text  # the capture works: the bot's own records are in it
    for secret in (str(user.id), "Гульнара", "gulnara_secret", DESCRIPTION, "Школа №5"):
        assert secret not in text, secret
