"""Drafts survive restarts: SIGKILL in the middle of the wizard, restart, finish, one report."""

from __future__ import annotations

import signal

from tests.fake_telegram import FakeUser
from tests.harness import BotProcess, bot_env
from tests.report_helpers import L, choose_what_and_where, db_rows, finish_and_send, jpeg, sha256, start_report

DESCRIPTION = "Наблюдателя вывели с участка во время подсчёта голосов, камеру отобрали."


async def test_sigkill_mid_wizard_then_finish(fake, tmp_path):
    data_dir = tmp_path / "data"
    env = bot_env(fake, data_dir)
    user = FakeUser(fake, 4242, language_code="ru")

    first = BotProcess(env)
    await first.start(fake)
    await start_report(user, "ru")
    await choose_what_and_where(user, "ru", role="observer", group="observers", category="observer_removed",
                                region="pavlodar")
    await user.say("Школа-гимназия №3")
    await user.tap(L("ru", "wizard.back"))
    await user.say("17")  # the number added to the place: one screen takes both
    await user.tap(L("ru", "wizard.when_now"))
    await user.say(DESCRIPTION)
    photo = jpeg()
    await user.photo(photo)
    await user.replies(1)
    status, _ = await first.stop(signal.SIGKILL)
    assert status == -signal.SIGKILL

    second = BotProcess(env)
    await second.start(fake)
    # The user carries on at the review: another file, then Send.
    voice = b"OggS-voice-after-restart"
    await user.media("voice", voice, "audio/ogg")
    (ack,) = await user.replies(1)
    assert ack.message["text"].startswith("📎 Приложено 2 файла")
    reference = await finish_and_send(user, "ru")
    status, log = await second.stop(signal.SIGTERM)
    assert status == 0, log
    assert fake.refused == []

    (report,) = db_rows(data_dir, "SELECT * FROM reports")
    assert report["reference"] == reference == "KZ-000001"
    assert (report["region"], report["precinct"], report["place"], report["description"]) == \
        ("pavlodar", "17", "Школа-гимназия №3", DESCRIPTION)
    hashes = [row["sha256"] for row in db_rows(data_dir, "SELECT sha256 FROM evidence ORDER BY id")]
    assert hashes == [sha256(photo), sha256(voice)]
    assert db_rows(data_dir, "SELECT * FROM drafts") == []


async def test_restart_right_after_a_button_keeps_the_step(fake, tmp_path):
    """The conversation state is written when the update is handled, not on a timer."""
    env = bot_env(fake, tmp_path / "data")
    user = FakeUser(fake, 4343, language_code="kk")
    first = BotProcess(env)
    await first.start(fake)
    await start_report(user, "kk")
    await user.tap(L("kk", "group.other"))
    await first.stop(signal.SIGKILL)

    second = BotProcess(env)
    await second.start(fake)
    (prompt,) = await user.tap(L("kk", "region.turkestan"))
    assert prompt.message["text"] == L("kk", "wizard.ask_where", max=200)
    await second.stop(signal.SIGTERM)
    assert fake.refused == []
